/**
 * End to end: generated captures through analyzeCapture (reader, decoder, TCP/DNS/QUIC trackers,
 * ledger). Expected ledgers are written by hand from the packets and the trackers' conventions:
 * a client holds TCP state from its SYN, a server from its SYN-ACK (the tracker assumes LISTEN
 * until the server answers) until CLOSED; the active closer holds TIME-WAIT for 60 s; DNS state
 * lives from query to response or the 5 s timeout; QUIC state from the Initial each side sends.
 */
import { afterAll, describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import type { AnalyzeOptions } from '../../src/pipeline.js';
import type { EndpointReport, Report } from '../../src/report/schema.js';
import type { WrittenPacket } from '../helpers/capture-file.js';
import { analyzePackets, scratch } from '../helpers/analyze.js';
import { tcpFrame, udpFrame } from '../helpers/packets.js';
import { clientHello, cryptoFrame, hex, initialPacket, longPacket, serverHello } from '../helpers/quic.js';

const T = 1_700_000_000;
const dir = scratch('statecap-state-');
afterAll(() => dir.cleanup());

const analyze = (name: string, packets: WrittenPacket[], options: AnalyzeOptions = {}): Promise<Report> =>
  analyzePackets(dir, name, packets, options);

function endpoint(report: Report, name: string): EndpointReport {
  const found = report.endpoints.find((e) => e.endpoint === name);
  if (found === undefined) throw new Error(`no endpoint ${name}`);
  return found;
}

/** [packet, seconds after T, entries, bytes] */
const rows = (e: EndpointReport): number[][] => e.timeline.map((p) => [p.packet, p.time - T, p.entries, p.bytes]);

describe('three overlapping TCP connections, end to end', () => {
  const S = '10.0.0.5';
  const handshake = (c: string, port: number, t: number): WrittenPacket[] => [
    { time: T + t, data: tcpFrame({ src: c, dst: S, srcPort: port, dstPort: 80, seq: 1000, flags: 'S' }) },
    { time: T + t + 0.25, data: tcpFrame({ src: S, dst: c, srcPort: 80, dstPort: port, seq: 5000, ack: 1001, flags: 'SA' }) },
    { time: T + t + 0.5, data: tcpFrame({ src: c, dst: S, srcPort: port, dstPort: 80, seq: 1001, ack: 5001, flags: 'A' }) },
  ];
  /** The client closes first; `sent` bytes the server sent before. */
  const close = (c: string, port: number, t: number, sent: number): WrittenPacket[] => [
    { time: T + t, data: tcpFrame({ src: c, dst: S, srcPort: port, dstPort: 80, seq: 1001, ack: 5001 + sent, flags: 'FA' }) },
    { time: T + t + 0.25, data: tcpFrame({ src: S, dst: c, srcPort: 80, dstPort: port, seq: 5001 + sent, ack: 1002, flags: 'FA' }) },
    { time: T + t + 0.5, data: tcpFrame({ src: c, dst: S, srcPort: port, dstPort: 80, seq: 1002, ack: 5002 + sent, flags: 'A' }) },
  ];
  const packets: WrittenPacket[] = [
    ...handshake('10.0.0.1', 40001, 0), // packets 1-3, flow 0
    ...handshake('10.0.0.2', 40002, 1), // 4-6, flow 1
    ...handshake('10.0.0.3', 40003, 2), // 7-9, flow 2
    { time: T + 3, data: tcpFrame({ src: S, dst: '10.0.0.1', srcPort: 80, dstPort: 40001, seq: 5001, ack: 1001, flags: 'PA', payload: 'x'.repeat(1000) }) },
    { time: T + 3.25, data: tcpFrame({ src: '10.0.0.1', dst: S, srcPort: 40001, dstPort: 80, seq: 1001, ack: 6001, flags: 'A' }) },
    ...close('10.0.0.1', 40001, 4, 1000), // 12-14
    ...close('10.0.0.2', 40002, 5, 0), // 15-17
    ...close('10.0.0.3', 40003, 6, 0), // 18-20
  ];

  it('gives the server a point at every change of entries, peaking at the third SYN-ACK', async () => {
    const s = endpoint(await analyze('three.pcap', packets), '10.0.0.5:80');
    // The 1000 bytes in flight (packet 10, acknowledged by 11) change no entry: no point of their own.
    expect(rows(s)).toEqual([
      [2, 0.25, 1, 304], [3, 0.5, 1, 2304], [5, 1.25, 2, 2608], [6, 1.5, 2, 4608], [8, 2.25, 3, 4912], [9, 2.5, 3, 6912],
      [14, 4.5, 2, 4608], [17, 5.5, 1, 2304], [20, 6.5, 0, 0],
    ]);
    // They are in the aggregates of packet 9's point, whose span runs to packet 14 (2.5 to 4.5 s):
    // 6912 for 0.5 s, 7912 for 0.25 s, 6912 for 1.25 s: most 7912, mean (6912*1.75 + 7912*0.25) / 2 = 7037.
    expect(s.timeline[5]).toMatchObject({ packet: 9, bytes: 6912, maxBytes: 7912, meanBytes: 7037 });
    // Without bytes in flight a point's aggregates are its own bytes; the last one spans zero seconds.
    expect(s.timeline.map((p) => [p.maxBytes, p.meanBytes])).toEqual([
      [304, 304], [2304, 2304], [2608, 2608], [4608, 4608], [4912, 4912], [7912, 7037], [4608, 4608], [2304, 2304], [0, 0],
    ]);
    expect(s.peak).toEqual({ entries: 3, bytes: 4912, time: T + 2.25, packet: 8 });
    expect(s.peakBytes).toEqual({ entries: 3, bytes: 7912, time: T + 3, packet: 10 });
    // 304*.25 + 2304*.75 + 2608*.25 + 4608*.75 + 4912*.25 + 6912*.5 + 7912*.25 + 6912*1.25 + 4608 + 2304 = 28126 over 6.5 s
    expect(s.meanBytes).toBe(4327);
    // No client ever sent payload (the server's 1000 bytes on flow 0 answer no request): no
    // exchange, so no state outlived one, whatever TCP is.
    expect(s.reasons).toEqual([
      'stateless: every breakable state lived within one request/response exchange: 3 TCP connections',
      'flow 0 carried no exchange; held from packet 2 to packet 14 (half-open, then connected)',
      'flow 1 carried no exchange; held from packet 5 to packet 17 (half-open, then connected)',
      'flow 2 carried no exchange; held from packet 8 to packet 20 (half-open, then connected)',
    ]);
    expect([s.verdict, s.stickyRouting]).toEqual(['stateless', 'none']);
  });

  it('idle only before its first SYN-ACK; the worst moment breaks all three flows', async () => {
    const s = endpoint(await analyze('three.pcap', packets), '10.0.0.5:80');
    expect(s.idleWindows).toEqual([{ start: T, end: T + 0.25, seconds: 0.25, fromPacket: null, toPacket: 2 }]);
    expect(s.restart).toEqual({ at: { packet: 8, time: T + 2.25 }, basis: 'worst', breaks: { tcp: [0, 1, 2], dns: [], quic: [] } });
  });

  it('--restart-at 16 breaks the two connections still open, named with their packets', async () => {
    const report = await analyze('three.pcap', packets, { restartAt: { packet: 16 } });
    const s = endpoint(report, '10.0.0.5:80');
    // Flow 1 runs over packets 4-6 and 15-17, flow 2 over 7-9 and 18-20: both still open after 16.
    const flows = [{ proto: 'tcp', id: 1, firstPacket: 4, lastPacket: 17 }, { proto: 'tcp', id: 2, firstPacket: 7, lastPacket: 20 }];
    expect(s.restart).toEqual({ at: { packet: 16, time: T + 5.25 }, basis: 'requested', breaks: { tcp: [1, 2], dns: [], quic: [] }, flows });
    // A client restart breaks its own open connections only. 10.0.0.3's flow 2 is open (its FIN
    // comes at 18). 10.0.0.2 sent its FIN at 15 and took the server's at 16: TIME-WAIT right after
    // 16, which breaks nothing, while the server, in LAST-ACK until 17, still holds flow 1.
    // 10.0.0.1 closed at 12-14 and holds only TIME-WAIT too.
    expect(endpoint(report, '10.0.0.3').restart).toEqual({
      at: { packet: 16, time: T + 5.25 }, basis: 'requested', breaks: { tcp: [2], dns: [], quic: [] }, flows: [flows[1]],
    });
    expect(endpoint(report, '10.0.0.2').restart?.breaks.tcp).toEqual([]);
    expect(endpoint(report, '10.0.0.1').restart?.breaks.tcp).toEqual([]);
  });

  it('the clients keep TIME-WAIT past the end of the capture', async () => {
    const report = await analyze('three.pcap', packets);
    expect(report.endpoints.map((e) => e.endpoint)).toEqual(['10.0.0.5:80', '10.0.0.1', '10.0.0.2', '10.0.0.3']);
    const c = endpoint(report, '10.0.0.1');
    // TIME-WAIT from the arrival of the server's FIN (packet 13; RFC 9293 §3.10.7.4, eighth check).
    expect(rows(c)).toEqual([[1, 0, 1, 304], [2, 0.25, 1, 2304], [13, 4.25, 1, 280]]);
    expect(c.atEnd).toEqual({ entries: 1, bytes: 280 });
    expect(c.reasons[1]).toBe('flow 0 carried no exchange; held from packet 1 to the end of the capture (half-open, then connected, then TIME-WAIT)');
    expect(report.tcp.flows[0].classification?.applicationState.client).toMatch(/from packet 1 to packet 14, then TIME-WAIT$/);
    expect(report.costModel.name).toBe('linux');
  });
});

describe('DNS over UDP beside a QUIC connection, end to end', () => {
  const C = '10.0.0.7';
  const R = '10.0.0.53';
  const Q = '10.0.0.5';
  const question = [{ type: 'A' as const, name: 'example.com' }];
  const query = (id: number) => dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: question });
  const answer = (id: number) => dnsPacket.encode({
    type: 'response', id, flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE, questions: question,
    answers: [{ type: 'A', name: 'example.com', ttl: 60, data: '192.0.2.7' }],
  });
  const dcid = hex('8394c8f03e515708');
  const clientCid = hex('c0ffee00');
  const serverCid = hex('5e55e55e');
  const packets: WrittenPacket[] = [
    { time: T, data: udpFrame({ src: C, dst: R, srcPort: 53000, dstPort: 53, payload: query(1) }) },
    { time: T + 0.25, data: udpFrame({ src: R, dst: C, srcPort: 53, dstPort: 53000, payload: answer(1) }) },
    { time: T + 1, data: udpFrame({ src: C, dst: R, srcPort: 53001, dstPort: 53, payload: query(2) }) }, // never answered
    { time: T + 10, data: udpFrame({ src: C, dst: Q, srcPort: 50000, dstPort: 443, payload: initialPacket({
      side: 'client', dcid, scid: clientCid, frames: cryptoFrame(0, clientHello({ serverName: 'example.com', alpn: ['h3'] })), padTo: 1200 }) }) },
    { time: T + 10.25, data: udpFrame({ src: Q, dst: C, srcPort: 443, dstPort: 50000, payload: initialPacket({
      side: 'server', dcid: clientCid, scid: serverCid, keyCid: dcid, frames: cryptoFrame(0, serverHello()) }) }) },
    { time: T + 10.5, data: udpFrame({ src: C, dst: Q, srcPort: 50000, dstPort: 443, payload: longPacket({ type: 'handshake', dcid: serverCid, scid: clientCid }) }) },
    { time: T + 12, data: udpFrame({ src: C, dst: R, srcPort: 53002, dstPort: 53, payload: query(3) }) },
    { time: T + 12.25, data: udpFrame({ src: R, dst: C, srcPort: 53, dstPort: 53002, payload: answer(3) }) },
  ];

  it('the DNS server is stateless and idle between exchanges, the unanswered query expiring at 5 s', async () => {
    const r = endpoint(await analyze('mix.pcap', packets), '10.0.0.53:53');
    expect(rows(r)).toEqual([[1, 0, 1, 512], [2, 0.25, 0, 0], [3, 1, 1, 512], [3, 6, 0, 0], [7, 12, 1, 512], [8, 12.25, 0, 0]]);
    expect([r.verdict, r.stickyRouting]).toEqual(['stateless', 'none']);
    expect(r.idleWindows).toEqual([
      { start: T + 0.25, end: T + 1, seconds: 0.75, fromPacket: 2, toPacket: 3 },
      { start: T + 6, end: T + 12, seconds: 6, fromPacket: 3, toPacket: 7 },
    ]);
    // Transaction 1 was never answered: an attempt with no answer, not an exchange.
    expect(r.reasons).toEqual([
      'stateless: every breakable state lived within one request/response exchange: 2 DNS transactions; 1 attempt (1 with no answer), holding no conversation',
      'DNS transaction 0: one exchange (query at packet 1); held from packet 1 to packet 2 (in flight)',
      'DNS transaction 2: one exchange (query at packet 7); held from packet 7 to packet 8 (in flight)',
      'attempts, not conversations: DNS transaction 1 at packet 3: no answer',
    ]);
  });

  it('the QUIC server maps the original DCID and its own CID; the client is stateful through QUIC', async () => {
    const report = await analyze('mix.pcap', packets);
    const q = endpoint(report, '10.0.0.5:443');
    expect(rows(q)).toEqual([[5, 10.25, 3, 80128]]);
    expect([q.verdict, q.stickyRouting]).toEqual(['stateful', 'connection-id']);
    expect(q.idleWindows).toEqual([{ start: T, end: T + 10.25, seconds: 10.25, fromPacket: null, toPacket: 5 }]);
    const c = endpoint(report, '10.0.0.7');
    expect(rows(c)).toEqual([[1, 0, 1, 1088], [2, 0.25, 0, 0], [3, 1, 1, 1088], [3, 6, 0, 0], [4, 10, 2, 80064], [7, 12, 3, 81152], [8, 12.25, 2, 80064]]);
    expect([c.verdict, c.stickyRouting]).toEqual(['stateful', 'connection-id']);
  });

  it('--restart-at +10.5 s: the QUIC connection breaks, no DNS query is in flight', async () => {
    const report = await analyze('mix.pcap', packets, { restartAt: { secondsAfterStart: 10.5 } });
    const at = { packet: 6, time: T + 10.5 };
    // QUIC connection 0 runs from packet 4 to packet 6.
    const flows = [{ proto: 'quic', id: 0, firstPacket: 4, lastPacket: 6 }];
    expect(endpoint(report, '10.0.0.5:443').restart).toEqual({ at, basis: 'requested', breaks: { tcp: [], dns: [], quic: [0] }, flows });
    expect(endpoint(report, '10.0.0.53:53').restart).toEqual({ at, basis: 'requested', breaks: { tcp: [], dns: [], quic: [] }, flows: [] });
    // The client 10.0.0.7 holds the same connection: its restart breaks it too.
    expect(endpoint(report, '10.0.0.7').restart).toEqual({ at, basis: 'requested', breaks: { tcp: [], dns: [], quic: [0] }, flows });
  });
});
