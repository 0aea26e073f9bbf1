/**
 * `check` finds its captures in every order a user types (issue 15): `--expect` takes several
 * values, so before the fix a capture after it was read as an expectation and the command failed
 * with "missing required argument 'capture'".
 */
import { describe, expect, it } from 'vitest';
import { fixture, statecapAsync as statecap } from './run.js';
import { splitCaptures } from '../../src/cli/commands/check.js';

const Q = fixture('quickstart.pcap');
const ICMP = fixture('dns-icmp.pcap');

// Independent runs: the tests and their runs go side by side.
describe.concurrent('check argument order', () => {
  it('accepts captures after --expect, before it, after --, and repeated -e', async () => {
    // quickstart.pcap holds 3 TCP connections and 4 DNS queries (see its table in the README).
    const orders = [
      ['check', '--expect', 'tcp.flows >= 1', Q],
      ['check', Q, '-e', 'tcp.flows == 3', '-e', 'dns.queries == 4'],
      ['check', '-e', 'tcp.flows == 3', 'dns.queries == 4', '--', Q],
      ['check', '-e', 'tcp.flows == 3', Q, '-e', 'dns.queries == 4'],
    ];
    const runs = await Promise.all(orders.map((args) => statecap(args)));
    for (const [i, args] of orders.entries()) {
      const r = runs[i]!;
      expect({ args, stderr: r.stderr, status: r.status }).toEqual({ args, stderr: '', status: 0 });
      expect(r.stdout).toMatch(new RegExp(`^${Q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n`));
    }
  });

  it('keeps the command-line order of captures split around --expect', () => {
    expect(splitCaptures([ICMP], ['tcp.flows >= 1', Q], ['node', 'main', 'check', ICMP, '-e', 'tcp.flows >= 1', Q]))
      .toEqual({ captures: [ICMP, Q], expect: ['tcp.flows >= 1'] });
    expect(splitCaptures([], ['tcp.flows >= 1', Q, ICMP], ['node', 'main', 'check', '-e', 'tcp.flows >= 1', Q, ICMP]))
      .toEqual({ captures: [Q, ICMP], expect: ['tcp.flows >= 1'] });
  });

  it('still says a capture is missing, in one line, exit 2', async () => {
    const r = await statecap(['check', '-e', 'tcp.flows >= 1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("statecap: missing required argument 'capture' (see --help)\n");
  });
});
