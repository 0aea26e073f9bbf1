/** `statecap flow <capture> <id>` (issue 15): one flow in full, its JSON the same as analyze's. */
import { describe, expect, it } from 'vitest';
import { fixture, statecapAsync as statecap } from './run.js';

const Q = fixture('quickstart.pcap');

// Independent runs: the tests and their runs go side by side.
describe.concurrent('statecap flow', () => {
  it('shows every transition of both endpoints with its packet, and the analysis flags', async () => {
    const [r, absoluteRun] = await Promise.all([statecap(['flow', Q, '0']), statecap(['flow', '--time', 'absolute', Q, '0'])]);
    expect(r.status).toBe(0);
    // Flow 0 of quickstart.pcap: SYN #3, SYN-ACK #4, ACK #5, the client's FIN #10 (the server enters
    // CLOSE-WAIT as it arrives), the server's FIN+ACK #11, the last ACK #12.
    expect(r.stdout).toContain('│ Flow            │ TCP flow 0: 127.0.0.1:33794 → 127.0.0.2:8080');
    expect(r.stdout).toContain('State transitions (11)');
    expect(r.stdout).toMatch(/│ +#3 │ 0\.024435 │ CLOSED → SYN-SENT +│ +│/);
    expect(r.stdout).toMatch(/│ +#10 │ 0\.024946 │ +│ ESTABLISHED → CLOSE-WAIT +│/);
    expect(r.stdout).toMatch(/│ +#12 │ 0\.026488 │ +│ LAST-ACK → CLOSED +│/);
    expect(r.stdout).toMatch(/│ previous segment not captured │ +0 │/);
    const absolute = absoluteRun.stdout;
    expect(absolute).toMatch(/│ +#3 │ 2026-11-27T19:54:19\.322178Z │ CLOSED → SYN-SENT/);
  });

  it('prints the same JSON object as analyze', async () => {
    const [flowRun, reportRun] = await Promise.all([statecap(['flow', '-f', 'json', Q, '2']), statecap(['analyze', '-f', 'json', Q])]);
    const flow = JSON.parse(flowRun.stdout) as unknown;
    const report = JSON.parse(reportRun.stdout) as { tcp: { flows: unknown[] } };
    expect(flow).toEqual(report.tcp.flows[2]);
  });

  it('names the flows it has when the id is not one, exit 2', async () => {
    const [r, notNumber] = await Promise.all([statecap(['flow', Q, '7']), statecap(['flow', Q, 'x'])]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`statecap: ${Q}: no TCP flow 7: its flows are 0 to 2\n`);
    expect(notNumber.stderr).toBe("statecap: option <id>: 'x' is not a whole number from 0 to 9007199254740991\n");
  });
});
