/**
 * Verdicts, roles, restart-safe windows and restart answers on two captures recorded from real
 * programs (scripts/record/verdicts.sh and restart-loss.sh). Every expectation is written by hand
 * from `tshark -r` of the files; times below are tshark's relative seconds.
 *
 * fixtures/verdicts.pcap (64 packets, 10.771139 s):
 *   1-10   flow 0  127.0.0.1 -> nginx 127.0.0.2:8080, HTTP/1.0: GET at 4, 200 at 6, client FIN at 8 (0.004315 s at 10)
 *   11-20  flow 1  the same 2 s later: GET at 14; last ACK at 20 (2.022707 s)
 *   21-30  flow 2  the same: GET at 24, 200 at 26, nginx closes first (FIN 28): nginx in TIME-WAIT at 30 (4.033500 s)
 *   31-46  flow 3  127.0.0.7 -> nginx 127.0.0.2:8081, keep-alive: GET at 34, 38, 41, 200 at 36, 39, 42 (1 s apart), client closes
 *   47-48  DNS transaction 0  127.0.0.6 -> 127.0.0.3:53 (nothing listens): ICMP port unreachable at 48
 *   49-52  flows 4, 5  127.0.0.5 -> 127.0.0.2:9 (closed port): SYN, RST-ACK, twice
 *   53-54  DNS transaction 1  127.0.0.8 -> dnsmasq 127.0.0.4:53 over UDP
 *   55-64  flow 6 carrying DNS transaction 2 (query at 58, response at 60): 127.0.0.8 -> 127.0.0.4:53 over TCP
 *
 * fixtures/restart-loss.pcap (19 packets): 127.0.0.7 -> nginx 127.0.0.2:8080 keep-alive; GET at 4,
 * 200 at 6, ACK at 7; 3 s idle while nginx's socket is destroyed silently and nginx restarted; GET
 * again at 8 on the old connection, answered by a RST without ACK (seq 257 = the GET's ACK) at 9;
 * the client reconnects (flow 1, 10-19), GET at 13, 200 at 15, client closes.
 */
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/pipeline.js';
import type { EndpointReport, Report } from '../../src/report/schema.js';
import { named } from './named.js';
import { fixture } from '../cli/run.js';

async function analyze(name: string, restartAt?: number): Promise<Report> {
  const report = await analyzeCapture(fixture(name), restartAt === undefined ? {} : { restartAt: { packet: restartAt } });
  if (!('tcp' in report)) throw new Error(report.error);
  return report;
}

const windows = (e: EndpointReport) => e.idleWindows.map((w) => [w.fromPacket, w.toPacket, w.seconds]);

describe('verdicts.pcap: what each endpoint did decides its verdict', async () => {
  const report = await analyze('verdicts.pcap');

  it('counts the exchanges of each TCP flow from the direction of its payload', () => {
    expect(report.tcp.flows.map((f) => [f.id, f.exchanges])).toEqual([
      [0, { count: 1, packets: [4], between: null, idle: null }],
      [1, { count: 1, packets: [14], between: null, idle: null }],
      [2, { count: 1, packets: [24], between: null, idle: null }],
      // Three GETs on one connection; the last packet before the second GET is the client's ACK at 37.
      // The longest silence a GET ended: 40 (7.156992 s) to 41 (8.157352 s), just longer than 37 to 38.
      [3, { count: 3, packets: [34, 38, 41], between: 37, idle: { fromPacket: 40, toPacket: 41, seconds: 1.00036 } }],
      [4, { count: 0, packets: [], between: null, idle: null }],
      [5, { count: 0, packets: [], between: null, idle: null }],
      [6, { count: 1, packets: [58], between: null, idle: null }],
    ]);
  });

  it('gives every endpoint the verdict its flows earned', () => {
    const verdicts = Object.fromEntries(report.endpoints.map((e) => [e.endpoint, [e.role, e.verdict, e.stickyRouting]]));
    expect(verdicts).toEqual({
      // One request per connection: nothing outlived an exchange.
      '127.0.0.2:8080': ['server', 'stateless', 'none'],
      '127.0.0.1': ['client', 'stateless', 'none'],
      // A second and third GET needed the connection the first one left open.
      '127.0.0.2:8081': ['server', 'stateful', '4-tuple'],
      '127.0.0.7': ['client', 'stateful', '4-tuple'],
      // One ip:port answering over UDP and over TCP is two servers; one DNS exchange each (the TCP
      // connection carried only that one query).
      '127.0.0.4:53/udp': ['server', 'stateless', 'none'],
      '127.0.0.4:53/tcp': ['server', 'stateless', 'none'],
      '127.0.0.8': ['client', 'stateless', 'none'],
      // Clients whose only tries were refused: attempts, no conversation.
      '127.0.0.5': ['client', 'stateless', 'none'],
      '127.0.0.6': ['client', 'stateless', 'none'],
    });
  });

  it('cites the flows and packets in the reasons', () => {
    expect(named(report, '127.0.0.2:8081').reasons).toEqual([
      'stateful: state outlived the exchange that created it on 1 of 1 TCP connection: a restart between exchanges breaks the client',
      'flow 3 carried 3 exchanges (packets 34, 38, 41) on one connection; a restart at packet 37 breaks it; held from packet 32 to packet 46 (half-open, then connected)',
    ]);
    expect(named(report, '127.0.0.2:8080').reasons).toEqual([
      'stateless: every breakable state lived within one request/response exchange: 3 TCP connections',
      'flow 0 carried 1 exchange (packet 4); held from packet 2 to packet 10 (half-open, then connected)',
      'flow 1 carried 1 exchange (packet 14); held from packet 12 to packet 20 (half-open, then connected)',
      'flow 2 carried 1 exchange (packet 24); held from packet 22 to the end of the capture (half-open, then connected, then TIME-WAIT)',
      'TIME-WAIT (held after closing first) counts in entries and bytes, but losing it breaks nothing (RFC 9293 §3.6)',
    ]);
    // A refused attempt is an attempt, never a connection.
    expect(named(report, '127.0.0.5').reasons).toEqual([
      'stateless: no conversation, only 2 attempts (2 refused by RST)',
      'attempts, not conversations: flow 4 at packet 49: refused by RST at packet 50; flow 5 at packet 51: refused by RST at packet 52',
    ]);
    expect(named(report, '127.0.0.6').reasons).toEqual([
      'stateless: no conversation, only 1 attempt (1 refused by ICMP)',
      'attempts, not conversations: DNS transaction 0 at packet 47: ICMP port unreachable (type 3, code 3) at packet 48',
    ]);
  });

  it('lists the destinations that never answered as attempts, not servers', () => {
    expect(report.endpoints.map((e) => e.endpoint)).not.toContain('127.0.0.3:53');
    expect(report.endpoints.map((e) => e.endpoint)).not.toContain('127.0.0.2:9');
    expect(report.attempts.map((a) => [a.endpoint, a.attempts, a.reason, a.flows.map((f) => [f.packet, f.answerPacket])])).toEqual([
      ['127.0.0.3:53', 1, 'icmp', [[47, 48]]],
      ['127.0.0.2:9', 2, 'refused-rst', [[49, 50], [51, 52]]],
    ]);
    // A reset to a SYN is no state loss: nothing was established.
    expect(report.stateLoss).toEqual([]);
  });

  it('restart-safe windows skip TIME-WAIT and exist for clients too', () => {
    // nginx :8080 holds nothing breakable before its first SYN-ACK (2), between connections (10-12,
    // 20-22) and from its TIME-WAIT on: TIME-WAIT begins when the client's FIN arrives (29,
    // 4.033487 s) and does not close the last window.
    expect(windows(named(report, '127.0.0.2:8080'))).toEqual([[null, 2, 0.000027], [10, 12, 2.017382], [20, 22, 2.010368], [29, null, 6.737652]]);
    expect(named(report, '127.0.0.2:8080').idleSeconds).toBe(10.765429);
    // The client of the HTTP/1.0 connections closed flows 0 and 1 first: TIME-WAIT from the arrival
    // of nginx's FIN (9, 19), yet restart-safe; flow 2 nginx closed, the client is done at its ACK (30).
    expect(windows(named(report, '127.0.0.1'))).toEqual([[9, 11, 2.017403], [19, 21, 2.010366], [30, null, 6.737639]]);
    // The keep-alive server is busy from its SYN-ACK (32) to the close (46).
    expect(windows(named(report, '127.0.0.2:8081'))).toEqual([[null, 32, 6.156124], [46, null, 2.608374]]);
  });

  it('--restart-at between two exchanges breaks the keep-alive connection and nothing of the HTTP/1.0 server', async () => {
    const at37 = await analyze('verdicts.pcap', 37);
    expect(named(at37, '127.0.0.2:8081').restart?.breaks).toEqual({ tcp: [3], dns: [], quic: [] });
    expect(named(at37, '127.0.0.2:8080').restart?.breaks).toEqual({ tcp: [], dns: [], quic: [] });
    // Right after its SYN-ACK (12) nginx holds flow 1 half-open; right after the SYN (11) nothing yet.
    expect(named(await analyze('verdicts.pcap', 12), '127.0.0.2:8080').restart?.breaks.tcp).toEqual([1]);
    expect(named(await analyze('verdicts.pcap', 11), '127.0.0.2:8080').restart?.breaks.tcp).toEqual([]);
  });
});

describe('restart-loss.pcap: a restart that really lost a connection', async () => {
  const report = await analyze('restart-loss.pcap');

  it('reports the loss at the RST that answered the request on the forgotten connection', () => {
    expect(report.stateLoss).toEqual([{
      packet: 9, time: report.tcp.flows[0].end, kind: 'tcp-reset-established', endpoint: '127.0.0.2:8080', flow: 0,
      detail: 'RST without ACK (how a TCP with no such connection answers, RFC 9293 §3.10.7.1) from the server answering ' +
        "the client's packet 8 on an established connection it had not closed: the server no longer knew the connection " +
        '(a restart, a failover, a NAT or firewall timeout)',
    }]);
  });

  it('calls the server stateful: the second GET needed the connection of the first', () => {
    expect(report.tcp.flows.map((f) => [f.id, f.exchanges.count, f.exchanges.packets, f.exchanges.between])).toEqual([
      [0, 2, [4, 8], 7], [1, 1, [13], null],
    ]);
    const s = named(report, '127.0.0.2:8080');
    expect([s.verdict, s.stickyRouting]).toEqual(['stateful', '4-tuple']);
    expect(s.reasons[1]).toBe('flow 0 carried 2 exchanges (packets 4, 8) on one connection; a restart at packet 7 breaks it; ' +
      'held from packet 2 to packet 9 (half-open, then connected)');
  });

  it('--restart-at 7, the idle moment the real restart happened in, predicts the same loss', async () => {
    const at7 = await analyze('restart-loss.pcap', 7);
    const s = named(at7, '127.0.0.2:8080');
    // Flow 0, the keep-alive connection, runs from packet 1 to the reset at packet 9.
    expect(s.restart).toEqual({
      at: { packet: 7, time: s.restart?.at.time }, basis: 'requested', breaks: { tcp: [0], dns: [], quic: [] },
      flows: [{ proto: 'tcp', id: 0, firstPacket: 1, lastPacket: 9 }],
    });
    // The client holds the same connection: a client restart at 7 breaks it as well.
    expect(named(at7, '127.0.0.7').restart?.breaks.tcp).toEqual([0]);
    // After the reset nothing breakable is held until the new connection's SYN-ACK (11).
    const at9 = await analyze('restart-loss.pcap', 9);
    expect(named(at9, '127.0.0.2:8080').restart?.breaks.tcp).toEqual([]);
    expect(windows(named(report, '127.0.0.2:8080'))).toEqual([[null, 2, 0.000015], [9, 11, 0.000574]]);
  });

  it('rejects --restart-at outside the capture with one line', async () => {
    const past = await analyzeCapture(fixture('restart-loss.pcap'), { restartAt: { packet: 20 } });
    expect(past).toEqual({ schema: 'statecap/report-v1', capture: { path: fixture('restart-loss.pcap') },
      error: `${fixture('restart-loss.pcap')}: --restart-at 20 is outside the capture (packets 1 to 19)` });
    const late = await analyzeCapture(fixture('restart-loss.pcap'), { restartAt: { secondsAfterStart: 3.1 } });
    expect('error' in late && late.error).toBe(`${fixture('restart-loss.pcap')}: --restart-at +3.1 is outside the capture (it lasts 3.005515 s)`);
  });
});
