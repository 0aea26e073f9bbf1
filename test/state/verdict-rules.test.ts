/**
 * Each clause of the verdict rule (issue 11) on a capture built for it by the capture writer, end
 * to end through analyzeCapture. Packet numbers in comments are the capture's; every expectation
 * follows from the packets by the rule:
 * - a destination is a server only once it answered (SYN-ACK, DNS response, QUIC server packet);
 * - stateful when state outlived its exchange (a later exchange used it, or it sat idle >= 1 s before one);
 * - TIME-WAIT counts in entries but never makes anything stateful nor closes a restart-safe window;
 * - resets of established connections the sender had not closed are state losses; others are not.
 */
import { afterAll, describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import type { AnalyzeOptions } from '../../src/pipeline.js';
import type { Report } from '../../src/report/schema.js';
import { named } from './named.js';
import type { WrittenPacket } from '../helpers/capture-file.js';
import { analyzePackets, scratch } from '../helpers/analyze.js';
import { ethernet, icmpUnreachable, ip, tcpFrame, udp, udpFrame } from '../helpers/packets.js';

const T = 1_700_000_000;
const dir = scratch('statecap-verdicts-');
afterAll(() => dir.cleanup());

const analyze = (name: string, packets: WrittenPacket[], options: AnalyzeOptions = {}): Promise<Report> =>
  analyzePackets(dir, name, packets, options);

/**
 * One TCP connection, segment by segment, with consistent sequence numbers: `at` is the time in
 * seconds after T of the next segment.
 */
class Conversation {
  private clientSeq = 1000;
  private serverSeq = 5000;
  readonly packets: WrittenPacket[] = [];
  constructor(private readonly c: string, private readonly cPort: number, private readonly s: string, private readonly sPort: number) {}

  private push(at: number, fromClient: boolean, flags: string, payload = ''): this {
    const [src, dst, srcPort, dstPort] = fromClient ? [this.c, this.s, this.cPort, this.sPort] : [this.s, this.c, this.sPort, this.cPort];
    const seq = fromClient ? this.clientSeq : this.serverSeq;
    const ack = flags.includes('A') ? (fromClient ? this.serverSeq : this.clientSeq) : 0;
    this.packets.push({ time: T + at, data: tcpFrame({ src, dst, srcPort, dstPort, seq, ack, flags, payload }) });
    const advance = payload.length + (flags.includes('S') ? 1 : 0) + (flags.includes('F') ? 1 : 0);
    if (!flags.includes('R')) {
      if (fromClient) this.clientSeq += advance;
      else this.serverSeq += advance;
    }
    return this;
  }

  handshake(at: number): this {
    return this.push(at, true, 'S').push(at + 0.001, false, 'SA').push(at + 0.002, true, 'A');
  }
  request(at: number, text = 'GET /'): this { return this.push(at, true, 'PA', text); }
  response(at: number, text = 'HTTP 200'): this { return this.push(at, false, 'PA', text); }
  ack(at: number, fromClient: boolean): this { return this.push(at, fromClient, 'A'); }
  fin(at: number, fromClient: boolean): this { return this.push(at, fromClient, 'FA'); }
  rst(at: number, fromClient: boolean, withAck = true): this { return this.push(at, fromClient, withAck ? 'RA' : 'R'); }
  syn(at: number): this { return this.push(at, true, 'S'); }
  /** Client closes first: FIN, FIN-ACK, ACK. */
  clientCloses(at: number): this { return this.fin(at, true).fin(at + 0.001, false).ack(at + 0.002, true); }
  /** Server closes first: FIN, FIN-ACK, ACK (the server keeps TIME-WAIT). */
  serverCloses(at: number): this { return this.fin(at, false).fin(at + 0.001, true).ack(at + 0.002, false); }
}

const C = '10.0.0.1';
const S = '10.0.0.2';

describe('one exchange per connection: stateless', () => {
  // Packets 1-8: handshake (1-3), request 4, response 5, client closes 6-8; the same again from 11 s
  // (9-16). No state outlived its exchange.
  const packets = [
    ...new Conversation(C, 40001, S, 80).handshake(0).request(0.01).response(0.02).clientCloses(0.03).packets,
    ...new Conversation(C, 40002, S, 80).handshake(11).request(11.01).response(11.02).clientCloses(11.03).packets,
  ];

  it('calls server and client stateless with no sticky routing, citing each exchange', async () => {
    const r = await analyze('one-exchange.pcap', packets);
    expect(r.tcp.flows.map((f) => f.exchanges)).toEqual([{ count: 1, packets: [4], between: null, idle: null }, { count: 1, packets: [12], between: null, idle: null }]);
    const s = named(r, `${S}:80`);
    expect([s.verdict, s.stickyRouting]).toEqual(['stateless', 'none']);
    expect(s.reasons.slice(0, 2)).toEqual([
      'stateless: every breakable state lived within one request/response exchange: 2 TCP connections',
      'flow 0 carried 1 exchange (packet 4); held from packet 2 to packet 8 (half-open, then connected)',
    ]);
    expect(named(r, C).verdict).toBe('stateless');
  });
});

describe('two exchanges on one connection: stateful', () => {
  // Request 4, response 5, client ACK 6, 2 s later request 7, response 8, ACK 9, close 10-12.
  const packets = new Conversation(C, 40001, S, 80).handshake(0).request(0.01).response(0.02).ack(0.03, true)
    .request(2).response(2.01).ack(2.02, true).clientCloses(2.03).packets;

  it('names the exchanges and the packet after which a restart breaks the connection', async () => {
    const r = await analyze('two-exchanges.pcap', packets);
    // The second request came 1.97 s after the ACK of packet 6 (0.03 s to 2 s): an idle period too.
    expect(r.tcp.flows[0].exchanges).toEqual({ count: 2, packets: [4, 7], between: 6, idle: { fromPacket: 6, toPacket: 7, seconds: 1.97 } });
    const s = named(r, `${S}:80`);
    expect([s.verdict, s.stickyRouting]).toEqual(['stateful', '4-tuple']);
    expect(s.reasons[1]).toBe('flow 0 carried 2 exchanges (packets 4, 7) on one connection; a restart at packet 6 breaks it; ' +
      'held from packet 2 to packet 12 (half-open, then connected)');
    // The what-if says the same: right after packet 6 the server holds flow 0.
    const at6 = await analyze('two-exchanges.pcap', packets, { restartAt: { packet: 6 } });
    expect(named(at6, `${S}:80`).restart?.breaks.tcp).toEqual([0]);
  });
});

describe('state held idle before the request that needed it: stateful', () => {
  // The client connects (1-3) and sends its only request 5 s later (4): the connection sat idle,
  // held by the server, and the request depended on it.
  const packets = new Conversation(C, 40001, S, 80).handshake(0).request(5).response(5.01).clientCloses(5.02).packets;

  it('says how long it sat idle and where a restart breaks it', async () => {
    const r = await analyze('idle-first.pcap', packets);
    const s = named(r, `${S}:80`);
    expect([s.verdict, s.stickyRouting]).toEqual(['stateful', '4-tuple']);
    expect(s.reasons[1]).toBe('flow 0 carried 1 exchange (packet 4), but it sat idle 4.998 s (packets 3 to 4) before a request ' +
      'that needed it; a restart at packet 3 breaks it; held from packet 2 to packet 8 (half-open, then connected)');
  });

  it('a pause shorter than a second inside the setup is no idle period', async () => {
    const quick = new Conversation(C, 40001, S, 80).handshake(0).request(0.9).response(0.91).clientCloses(0.92).packets;
    expect(named(await analyze('quick-first.pcap', quick), `${S}:80`).verdict).toBe('stateless');
  });
});

describe('the server closes first: TIME-WAIT breaks nothing', () => {
  // Request 4, response 5, the server closes (FIN 6, client FIN-ACK 7, server ACK 8: TIME-WAIT for
  // 60 s, past the end); a second connection 30 s later (9-16) again closed by the server.
  const packets = [
    ...new Conversation(C, 40001, S, 80).handshake(0).request(0.01).response(0.02).serverCloses(0.03).packets,
    ...new Conversation(C, 40002, S, 80).handshake(30).request(30.01).response(30.02).serverCloses(30.03).packets,
  ];

  it('stays stateless and restart-safe from each TIME-WAIT on', async () => {
    const r = await analyze('server-closes.pcap', packets);
    const s = named(r, `${S}:80`);
    expect([s.verdict, s.stickyRouting]).toEqual(['stateless', 'none']);
    expect(s.atEnd.entries).toBe(2); // both TIME-WAITs still held at the end
    expect(s.peakByKind.tcpTimeWait?.entries).toBe(2);
    // Safe before its first SYN-ACK (packet 2, 1 ms after the start); from its TIME-WAIT, which
    // begins as the client's FIN arrives (7, 0.031 s), to the next SYN-ACK (10, 30.001 s); and from
    // its second TIME-WAIT (15, 30.031 s) to the end (16, 30.032 s).
    expect(s.idleWindows.map((w) => [w.fromPacket, w.toPacket, w.seconds])).toEqual([[null, 2, 0.001], [7, 10, 29.97], [15, null, 0.001]]);
    expect(s.idleSeconds).toBe(29.972);
    // A restart in TIME-WAIT breaks nothing.
    const at9 = await analyze('server-closes.pcap', packets, { restartAt: { packet: 9 } });
    expect(named(at9, `${S}:80`).restart?.breaks.tcp).toEqual([]);
  });
});

describe('attempts: refused by RST, unanswered, rejected by ICMP', () => {
  const dnsQuery = (id: number) => dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name: 'a.example' }] });
  const queryIp = ip({ src: C, dst: '10.0.0.9', protocol: 17, payload: udp({ src: C, dst: '10.0.0.9', srcPort: 41000, dstPort: 53, payload: dnsQuery(7) }) });
  const packets: WrittenPacket[] = [
    // 1-2: SYN to a closed port, RST-ACK.
    ...new Conversation(C, 40001, S, 81).syn(0).rst(0.001, false).packets,
    // 3: a SYN nobody answers.
    ...new Conversation(C, 40002, '10.0.0.3', 80).syn(1).packets,
    // 4-5: a DNS query to an address with no server, ICMP port unreachable.
    { time: T + 2, data: ethernet(queryIp) },
    { time: T + 2.001, data: ethernet(ip({ src: '10.0.0.9', dst: C, protocol: 1, payload: icmpUnreachable(queryIp) })) },
  ];

  it('lists each destination apart with its reason, never as a server', async () => {
    const r = await analyze('attempts.pcap', packets);
    expect(r.endpoints.map((e) => e.endpoint)).toEqual([C]);
    expect(r.attempts.map((a) => [a.endpoint, a.transport, a.reason, a.flows])).toEqual([
      [`${S}:81`, 'tcp', 'refused-rst', [{ flow: 0, packet: 1, answerPacket: 2, detail: 'refused by RST' }]],
      ['10.0.0.3:80', 'tcp', 'no-answer', [{ flow: 1, packet: 3, answerPacket: null, detail: 'no answer' }]],
      ['10.0.0.9:53', 'udp', 'icmp', [{ transaction: 0, packet: 4, answerPacket: 5, detail: 'ICMP port unreachable (type 3, code 3)' }]],
    ]);
  });

  it('the client had no conversation: stateless, its tries counted as attempts', async () => {
    const c = named(await analyze('attempts.pcap', packets), C);
    expect([c.verdict, c.stickyRouting]).toEqual(['stateless', 'none']);
    expect(c.reasons[0]).toBe('stateless: no conversation, only 3 attempts (1 refused by RST, 1 refused by ICMP, 1 with no answer)');
    expect(c.reasons.join(' ')).not.toMatch(/TCP connection/);
  });
});

describe('one ip:port over UDP and over TCP', () => {
  const q = (id: number) => dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name: 'a.example' }] });
  const a = (id: number) => dnsPacket.encode({
    type: 'response', id, flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
    questions: [{ type: 'A', name: 'a.example' }], answers: [{ type: 'A', name: 'a.example', ttl: 60, data: '192.0.2.1' }],
  });
  const framed = (m: Uint8Array): string => String.fromCharCode(m.length >> 8, m.length & 0xff, ...m);
  const packets: WrittenPacket[] = [
    { time: T, data: udpFrame({ src: C, dst: S, srcPort: 41000, dstPort: 53, payload: q(1) }) },
    { time: T + 0.01, data: udpFrame({ src: S, dst: C, srcPort: 53, dstPort: 41000, payload: a(1) }) },
    ...new Conversation(C, 40001, S, 53).handshake(1).request(1.01, framed(q(2))).response(1.02, framed(a(2))).clientCloses(1.03).packets,
  ];

  it('is two servers, each with its own verdict; a name without the clash keeps no suffix', async () => {
    const r = await analyze('dns-both.pcap', packets);
    const servers = r.endpoints.filter((e) => e.role === 'server').map((e) => [e.endpoint, e.transport, e.verdict]);
    expect(servers.sort()).toEqual([[`${S}:53/tcp`, 'tcp', 'stateless'], [`${S}:53/udp`, 'udp', 'stateless']]);
    const alone = await analyze('dns-udp.pcap', packets.slice(0, 2));
    expect(alone.endpoints.map((e) => e.endpoint)).toEqual([C, `${S}:53`]);
  });
});

describe('state loss', () => {
  it('a RST answering a request on an established connection: the server lost it', async () => {
    // Request 4, response 5, ACK 6, request 7 answered by a RST without ACK (8).
    const packets = new Conversation(C, 40001, S, 80).handshake(0).request(0.01).response(0.02).ack(0.03, true)
      .request(5).rst(5.001, false, false).packets;
    const r = await analyze('loss.pcap', packets);
    expect(r.stateLoss.map((l) => [l.packet, l.kind, l.endpoint, l.flow])).toEqual([[8, 'tcp-reset-established', `${S}:80`, 0]]);
    expect(r.stateLoss[0].detail).toMatch(/^RST without ACK \(how a TCP with no such connection answers, RFC 9293 §3\.10\.7\.1\) from the server answering the client's packet 7/);
  });

  it('a RST after the sender\'s own FIN is normal, and so is a reset no segment asked for', async () => {
    // The server closes (FIN 6), the client keeps sending (7), the server, closed, resets (8).
    const afterFin = new Conversation(C, 40001, S, 80).handshake(0).request(0.01).response(0.02).fin(0.03, false)
      .request(0.04).rst(0.05, false).packets;
    expect((await analyze('rst-after-fin.pcap', afterFin)).stateLoss).toEqual([]);
    // The client aborts on its own (the previous packet was its own ACK): not an answer to anything.
    const abort = new Conversation(C, 40001, S, 80).handshake(0).request(0.01).response(0.02).ack(0.03, true).rst(0.04, true).packets;
    expect((await analyze('client-abort.pcap', abort)).stateLoss).toEqual([]);
  });

  it('ICMP port unreachable for a DNS response: the client no longer had its socket', async () => {
    const q = dnsPacket.encode({ type: 'query', id: 9, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name: 'slow.example' }] });
    const a = dnsPacket.encode({ type: 'response', id: 9, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name: 'slow.example' }] });
    const responseIp = ip({ src: S, dst: C, protocol: 17, payload: udp({ src: S, dst: C, srcPort: 53, dstPort: 41000, payload: a }) });
    const packets: WrittenPacket[] = [
      { time: T, data: udpFrame({ src: C, dst: S, srcPort: 41000, dstPort: 53, payload: q }) },
      { time: T + 8, data: ethernet(responseIp) },
      { time: T + 8.001, data: ethernet(ip({ src: C, dst: S, protocol: 1, payload: icmpUnreachable(responseIp) })) },
    ];
    const r = await analyze('late-answer.pcap', packets);
    expect(r.stateLoss).toEqual([{
      packet: 3, time: T + 8.001, kind: 'icmp-port-unreachable', endpoint: C, transaction: 0,
      detail: `the client answered the response to DNS transaction 0 from ${S}:53 with ICMP port unreachable: its socket on port 41000 was gone (it gave up, or restarted)`,
    }]);
    // The server did answer: a server, not an attempt.
    expect(r.attempts).toEqual([]);
  });
});
