/**
 * `--filter EXPR` from the command line (issue 15): the ledger sees only what passed, the report
 * says which filter and how many packets it left out, and a bad expression is one line naming the
 * position, exit 2, before any capture is read.
 */
import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../src/filter/expression.js';
import { fixture, statecapAsync as statecap } from './run.js';

const Q = fixture('quickstart.pcap');

interface Json {
  options: { filter?: string };
  capture: { packets: number; filteredOut?: number };
  tcp: { flows: { id: number; server: string; firstPacket: number }[] };
  dns: { summary: { queries: number } };
  endpoints: { endpoint: string }[];
}

// Independent runs: the tests and their runs side by side.
describe.concurrent('--filter', () => {
  it('analyzes only the packets that pass, keeping the file\'s packet numbers', async () => {
    const [allRun, r, tableRun] = await Promise.all([
      statecap(['analyze', '-f', 'json', Q]),
      statecap(['analyze', '-f', 'json', '--filter', 'tcp port 8080', Q]),
      statecap(['analyze', '--filter', 'tcp port 8080', Q]),
    ]);
    const all = JSON.parse(allRun.stdout) as Json;
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout) as Json;
    // quickstart.pcap: flows 0 and 2 go to 127.0.0.2:8080, 10 packets each; 36 packets in all.
    expect(json.options.filter).toBe('tcp port 8080');
    expect(json.capture).toMatchObject({ packets: 36, filteredOut: 16 });
    expect(json.tcp.flows.map((f) => [f.server, f.firstPacket])).toEqual(
      all.tcp.flows.filter((f) => f.server.endsWith(':8080')).map((f) => [f.server, f.firstPacket]));
    expect(json.dns.summary.queries).toBe(0);
    expect(json.endpoints.map((e) => e.endpoint).sort()).toEqual(['127.0.0.1', '127.0.0.2:8080']);
    expect(all.options.filter).toBeUndefined();
    expect(all.capture.filteredOut).toBeUndefined();
    const table = tableRun.stdout;
    expect(table).toContain('│ Filter      │ tcp port 8080 (20 of 36 packets passed)');
  });

  it('rejects a bad expression in one line naming the position, exit 2, for every command', async () => {
    const cases: [string, string][] = [
      ['tcp port', "position 9: expected a port number or name after 'port', found the end of the expression"],
      ['host 10.0.0.1 and (port 53', "position 27: expected ')', found the end of the expression"],
      ['host example.com', "position 6: 'example.com' is not an address (host names are not resolved)"],
      ['tcp & udp', "position 5: '&' is not an operator (use && or ||)"],
      ['portrange 90-x', "position 11: 'x' is not a port number (0-65535) or a known service name"],
      ['net 10.0.0.0/33', "position 5: '10.0.0.0/33' has a prefix length outside 0-32"],
      ['ip port 80', "position 9: 'ip' has no ports: use tcp, udp or no protocol"],
    ];
    // Each problem from the parser (no process per case: the CLI only prefixes it, shown once below).
    for (const [expression, problem] of cases) {
      let message = '';
      try {
        parseFilter(expression);
      } catch (e) {
        message = (e as Error).message;
      }
      expect({ expression, message }).toEqual({ expression, message: problem });
    }
    const [r, check] = await Promise.all([
      statecap(['analyze', '--filter', cases[0][0], 'no-such-file.pcap']),
      statecap(['check', '--filter', 'udp port', '-e', 'tcp.flows == 0', Q]),
    ]);
    expect({ status: r.status, stderr: r.stderr, stdout: r.stdout }).toEqual({ status: 2, stderr: `statecap: --filter "${cases[0][0]}": ${cases[0][1]}\n`, stdout: '' });
    expect(check.status).toBe(2);
    expect(check.stderr).toBe(`statecap: --filter "udp port": position 9: expected a port number or name after 'port', found the end of the expression\n`);
  });
});

describe('parseFilter', () => {
  it('gives not the tightest binding and and/or one left-associative level, as pcap-filter', () => {
    const shape = (e: string) => JSON.stringify(parseFilter(e), (k, v: unknown) => (k === 'address' ? undefined : v));
    // "a or b and c" is "(a or b) and c" in pcap-filter.
    expect(shape('tcp or udp and ip6')).toBe(shape('(tcp or udp) and ip6'));
    expect(shape('not tcp and udp')).toBe(shape('(not tcp) and udp'));
    // A bare value repeats the qualifiers before it.
    expect(shape('src host 10.0.0.1 or 10.0.0.2')).toBe(shape('src host 10.0.0.1 or src host 10.0.0.2'));
    expect(shape('tcp dst port 80 or 443')).toBe(shape('tcp dst port 80 or tcp dst port 443'));
    expect(shape('port http')).toBe(shape('port 80'));
    expect(shape('net 192.168')).toBe(shape('net 192.168.0.0/16'));
  });
});
