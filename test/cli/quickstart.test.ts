/**
 * The README's quick-start capture, recorded on loopback by scripts/record/quickstart.sh from real
 * dig, dnsmasq, curl and nginx. Expected values were written by hand from `tshark -r` of the file:
 *   1-2   UDP DNS example.test A, answered          3-12  curl #1 to :8080 (SYN..FIN/ACK), client closes first
 *   13-22 DNS over TCP www.example.test A           23-32 curl #2 to :8080, 1.5 s later
 *   33-34 UDP DNS nonexistent.invalid -> NXDOMAIN   35-36 query to 127.0.0.3 (no server) -> ICMP port unreachable
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/schema.js';
import { fixture, ROOT, spawnText, statecapAsync as statecap, type CliResult } from './run.js';

async function analyzeJson(...args: string[]): Promise<Report> {
  const r = await statecap(['analyze', '--format', 'json', fixture('quickstart.pcap'), ...args]);
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

/** `node --input-type=module -e CODE` from the repository root. */
const nodeModule = (code: string): Promise<CliResult> => spawnText(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT });

const IMPORT_BY_NAME = "import { analyzeCapture } from 'statecap'; const r = await analyzeCapture('fixtures/quickstart.pcap'); console.log(r.tcp.flows.length, r.dns.summary.queries);";

describe('quick-start capture, end to end through the CLI', () => {
  // Every process of this file starts here, side by side; each test awaits the one it reads.
  const runs = {
    report: analyzeJson(),
    at16: analyzeJson('--restart-at', '16'),
    past: statecap(['state', fixture('quickstart.pcap'), '--restart-at', '9999']),
    byName: nodeModule(IMPORT_BY_NAME),
  };
  // A run that fails is reported by the test awaiting it, not as an unhandled rejection.
  for (const run of Object.values(runs)) run.catch(() => {});
  let report: Report;
  beforeAll(async () => {
    report = await runs.report;
  });

  it('reads every packet', () => {
    expect(report.schema).toBe('statecap/report-v1');
    expect(report.capture.format).toBe('pcap');
    expect(report.capture.packets).toBe(36);
    expect(report.capture.linkTypes).toEqual(['ETHERNET (1)']);
    expect(report.capture.undecoded).toEqual({});
  });

  it('rebuilds the three TCP connections with both endpoints closing cleanly', () => {
    const flows = report.tcp.flows.map((f) => [f.id, f.server, f.firstPacket, f.lastPacket, f.packets, f.connState, f.history, f.closedBy]);
    expect(flows).toEqual([
      [0, '127.0.0.2:8080', 3, 12, 10, 'SF', 'ShADadFf', 'client'],
      [1, '127.0.0.2:53', 13, 22, 10, 'SF', 'ShADadFf', 'client'],
      [2, '127.0.0.2:8080', 23, 32, 10, 'SF', 'ShADadFf', 'client'],
    ]);
    for (const f of report.tcp.flows) {
      expect(f.handshake).toBe('complete');
      expect(f.finalState).toEqual({ client: 'TIME-WAIT', server: 'CLOSED' });
      expect(f.analysis.retransmissions).toBe(0);
    }
    // GET / is 78 bytes; nginx's 200 response with a 20-byte body is 256 bytes.
    expect(report.tcp.flows[0].payloadBytes).toEqual({ client: 78, server: 256 });
    const server = report.tcp.flows[0].transitions.filter((t) => t.endpoint === 'server').map((t) => [t.packet, t.to]);
    // Changes on receipt happen at the arriving segment: the server's SYN-ACK (4) dates its
    // SYN-RECEIVED back to the SYN (3); the client's FIN (10) puts the server in CLOSE-WAIT, and the
    // server's FIN+ACK (11) the client in FIN-WAIT-2, then TIME-WAIT (RFC 9293 §3.10.7.4).
    expect(server).toEqual([[3, 'LISTEN'], [3, 'SYN-RECEIVED'], [5, 'ESTABLISHED'], [10, 'CLOSE-WAIT'], [11, 'LAST-ACK'], [12, 'CLOSED']]);
    const client = report.tcp.flows[0].transitions.filter((t) => t.endpoint === 'client').map((t) => [t.packet, t.to]);
    expect(client).toEqual([[3, 'SYN-SENT'], [4, 'ESTABLISHED'], [10, 'FIN-WAIT-1'], [11, 'FIN-WAIT-2'], [11, 'TIME-WAIT']]);
  });

  it('matches the four DNS queries, over UDP and TCP, with their outcomes', () => {
    const tx = report.dns.transactions.map((t) => [t.transport, t.qname, t.queryPackets, t.responsePackets, t.outcome, t.rcode]);
    expect(tx).toEqual([
      ['udp', 'example.test', [1], [2], 'answered', 'NOERROR'],
      ['tcp', 'www.example.test', [16], [18], 'answered', 'NOERROR'],
      ['udp', 'nonexistent.invalid', [33], [34], 'answered', 'NXDOMAIN'],
      ['udp', 'example.test', [35], [], 'rejected', null],
    ]);
    expect(report.dns.summary).toMatchObject({ queries: 4, answered: 3, unanswered: 0, rejected: 1, unsolicited: 0 });
  });

  it('keeps the ledger of the web server: one connection at a time, idle between them', () => {
    const web = report.endpoints.find((e) => e.endpoint === '127.0.0.2:8080');
    expect(web).toBeDefined();
    expect(web!.role).toBe('server');
    // Each curl sends one request per connection (packets 6 and 26) and closes it after the
    // answer: no state outlives an exchange, so the web server is stateless and needs no stickiness.
    expect(web!.verdict).toBe('stateless');
    expect(web!.stickyRouting).toBe('none');
    expect(report.tcp.flows.map((f) => [f.id, f.exchanges.count, f.exchanges.packets])).toEqual([[0, 1, [6]], [1, 1, [16]], [2, 1, [26]]]);
    // SYN-RECEIVED at the SYN-ACK (304 B), a full control block from the handshake's ACK (2304 B)
    // until the close. The 256 response bytes in flight (packets 8 to 9, 28 to 29) change no entry:
    // they show as the most bytes of the control block's point, not as points of their own.
    expect(web!.timeline.map((p) => [p.packet, p.entries, p.bytes, p.maxBytes])).toEqual([
      [4, 1, 304, 304], [5, 1, 2304, 2560], [12, 0, 0, 0],
      [24, 1, 304, 304], [25, 1, 2304, 2560], [32, 0, 0, 0],
    ]);
    expect(web!.idleWindows.map((w) => [w.fromPacket, w.toPacket])).toEqual([[null, 4], [12, 24], [32, null]]);
    expect(web!.longestIdle!.fromPacket).toBe(12);
    expect(web!.restart!.breaks.tcp).toEqual([0]);
  });

  it('reports 127.0.0.3:53, which only drew ICMP port unreachable, as an attempt and not a server', () => {
    expect(report.endpoints.map((e) => e.endpoint).includes('127.0.0.3:53')).toBe(false);
    expect(report.attempts).toEqual([{
      endpoint: '127.0.0.3:53', transport: 'udp', attempts: 1, reason: 'icmp', byReason: { 'no-answer': 0, 'refused-rst': 0, icmp: 1 },
      flows: [{ transaction: 3, packet: 35, answerPacket: 36, detail: 'ICMP port unreachable (type 3, code 3)' }], clients: ['127.0.0.1'],
    }]);
    expect(report.stateLoss).toEqual([]);
  });

  it('keeps the ledger of the client: TIME-WAIT for each connection it closed first', () => {
    const client = report.endpoints.find((e) => e.endpoint === '127.0.0.1');
    expect(client!.role).toBe('client');
    expect(client!.atEnd).toEqual({ entries: 3, bytes: 3 * 280 });
    expect(client!.peakByKind.tcpTimeWait!.entries).toBe(3);
    expect(client!.peakByKind.tcpTimeWait!.packet).toBe(31); // the arrival of the last server FIN
  });

  it('answers --restart-at with what a restart then would break', async () => {
    const at16 = await runs.at16;
    // dnsmasq answers over UDP and over TCP on 127.0.0.2:53: two servers, split by transport.
    const dns = at16.endpoints.find((e) => e.endpoint === '127.0.0.2:53/tcp')!;
    expect(dns.restart).toMatchObject({ basis: 'requested', breaks: { tcp: [1], dns: [1], quic: [] } });
    expect(at16.endpoints.find((e) => e.endpoint === '127.0.0.2:53/udp')!.restart!.breaks).toEqual({ tcp: [], dns: [], quic: [] });
    const web = at16.endpoints.find((e) => e.endpoint === '127.0.0.2:8080')!;
    expect(web.restart!.breaks).toEqual({ tcp: [], dns: [], quic: [] });
  });

  it('--restart-at past the last packet (36) is a one-line error with exit 2', async () => {
    const r = await runs.past;
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`statecap: ${fixture('quickstart.pcap')}: --restart-at 9999 is outside the capture (packets 1 to 36)\n`);
  });

  it("is importable by its package name, as `import { analyzeCapture } from 'statecap'`", async () => {
    const p = await runs.byName;
    expect([p.status, p.stdout.trim()]).toEqual([0, '3 4']);
  });

  it('is importable as a library returning the object --format json prints', async () => {
    const { analyzeCapture } = await import('../../dist/index.js');
    const lib = await analyzeCapture(fixture('quickstart.pcap'));
    expect(JSON.parse(JSON.stringify({ ...lib, capture: { ...lib.capture, path: report.capture.path } }))).toEqual(report);
  });
});
