/**
 * UDP, ICMP and HTTP trackers on generated captures: timeouts, caps, ICMP errors, malformed and
 * chunked HTTP, TLS left alone. Expectations follow from the packets written here.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { AnalyzeOptions } from '../../../src/pipeline.js';
import type { Report } from '../../../src/report/schema.js';
import type { WrittenPacket } from '../../helpers/capture-file.js';
import { analyzePackets, scratch } from '../../helpers/analyze.js';
import { ethernet, icmpUnreachable, ip, IP_PROTO, tcpFrame, udp, udpFrame, vxlan } from '../../helpers/packets.js';
import { jwtSummary } from '../../../src/track/http/tokens.js';

const T = 1_700_000_000;
const dir = scratch('statecap-conv-');
afterAll(() => dir.cleanup());

const analyze = (name: string, packets: WrittenPacket[], options: AnalyzeOptions = {}): Promise<Report> =>
  analyzePackets(dir, name, packets, options);

const dgram = (time: number, src: string, srcPort: number, dst: string, dstPort: number, payload: string): WrittenPacket =>
  ({ time: T + time, data: udpFrame({ src, dst, srcPort, dstPort, payload }) });

describe('UDP flows', () => {
  it('counts a tunnel\'s own datagrams as a UDP flow of the tunnel endpoints, besides the flows inside', async () => {
    const overVxlan = (time: number, inner: Uint8Array): WrittenPacket => ({ time: T + time, data: ethernet(ip({
      src: '10.1.1.1', dst: '10.1.1.2', protocol: IP_PROTO.UDP,
      payload: udp({ src: '10.1.1.1', dst: '10.1.1.2', srcPort: 40000, dstPort: 4789, payload: vxlan(inner) }),
    })) });
    // Inside: a TCP SYN, then a frame statecap cannot place (EtherType 0x88b5, local experimental).
    const odd = ethernet(new Uint8Array(20), { etherType: 0x88b5 });
    const r = await analyze('vxlan.pcap', [
      overVxlan(0, tcpFrame({ src: '192.168.0.1', dst: '192.168.0.2', srcPort: 4000, dstPort: 80, flags: 'S', seq: 1, ack: 0 })),
      overVxlan(1, odd),
    ]);
    // Both datagrams are one flow 10.1.1.1:40000 -> 10.1.1.2:4789 with no reply: S0.
    expect(r.udp.flows.map((f) => [f.client, f.server, f.packets, f.connState])).toEqual([
      ['10.1.1.1:40000', '10.1.1.2:4789', { client: 2, server: 0 }, 'S0'],
    ]);
    expect(r.tcp.flows.map((f) => [f.client, f.server])).toEqual([['192.168.0.1:4000', '192.168.0.2:80']]);
    // The second packet is placed by its tunnel datagram: nothing undecoded.
    expect(r.capture.undecoded).toEqual({});
  });

  it('splits a 5-tuple idle longer than udpTimeout into two flows, like Zeek', async () => {
    const r = await analyze('ntp.pcap', [
      dgram(0, '10.0.0.1', 40000, '10.0.0.2', 123, 'request-1'),
      dgram(0.01, '10.0.0.2', 123, '10.0.0.1', 40000, 'reply-1'),
      // 100 s later: beyond the default 60 s, a new flow on the same 5-tuple.
      dgram(100, '10.0.0.1', 40000, '10.0.0.2', 123, 'request-2'),
    ]);
    expect(r.udp.flows.map((f) => [f.id, f.firstPacket, f.lastPacket, f.connState, f.exchanges, f.ended])).toEqual([
      [0, 1, 2, 'SF', 1, 'timeout'],
      [1, 3, 3, 'S0', 0, 'capture-end'],
    ]);
    // The NTP capture the issue quotes printed "Undecoded none, Endpoints: none": now every packet is placed.
    expect(r.capture.undecoded).toEqual({});
    // With a 200 s timeout the three datagrams are one flow.
    const longer = await analyze('ntp-long.pcap', [
      dgram(0, '10.0.0.1', 40000, '10.0.0.2', 123, 'a'), dgram(100, '10.0.0.1', 40000, '10.0.0.2', 123, 'b'),
    ], { trackerOptions: { udpTimeout: 200 } });
    expect(longer.udp.flows.map((f) => f.packets)).toEqual([{ client: 2, server: 0 }]);
    expect(longer.options.udpTimeout).toBe(200);
  });

  it('evicts the least recently seen flow at maxUdpFlows and counts it', async () => {
    const r = await analyze('cap.pcap', [
      dgram(0, '10.0.0.1', 1001, '10.0.0.9', 9, 'a'),
      dgram(1, '10.0.0.1', 1002, '10.0.0.9', 9, 'b'),
      dgram(2, '10.0.0.1', 1001, '10.0.0.9', 9, 'c'), // 1001 is now the most recent
      dgram(3, '10.0.0.1', 1003, '10.0.0.9', 9, 'd'), // evicts 1002
    ], { trackerOptions: { maxUdpFlows: 2 } });
    expect(r.limits.evictedUdpFlows).toBe(1);
    expect(r.udp.flows.map((f) => [f.client, f.ended])).toEqual([
      ['10.0.0.1:1001', 'capture-end'], ['10.0.0.1:1002', 'evicted'], ['10.0.0.1:1003', 'capture-end'],
    ]);
    expect(r.warnings.some((w) => w.includes('1 UDP flow evicted at the cap of 2'))).toBe(true);
  });

  it('takes an ICMP port unreachable quoting one of its datagrams; an ICMP flow is not made of it', async () => {
    const sent = ip({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 17, payload: udp({ src: '10.0.0.1', dst: '10.0.0.2', srcPort: 5000, dstPort: 9999, payload: 'x' }) });
    const r = await analyze('unreach.pcap', [
      { time: T, data: ethernet(sent) },
      { time: T + 0.001, data: ethernet(ip({ src: '10.0.0.2', dst: '10.0.0.1', protocol: 1, payload: icmpUnreachable(sent) })) },
    ]);
    expect(r.udp.flows).toHaveLength(1);
    expect(r.udp.flows[0].connState).toBe('S0');
    expect(r.icmp.flows).toEqual([]);
  });

  it('measures udp.* metrics', async () => {
    const { evaluateMetric } = await import('../../../src/check/metrics.js');
    const r = await analyze('metrics.pcap', [
      dgram(0, '10.0.0.1', 4000, '10.0.0.2', 7, 'ping'), dgram(0.1, '10.0.0.2', 7, '10.0.0.1', 4000, 'pong'),
      dgram(0.2, '10.0.0.3', 4000, '10.0.0.2', 7, 'lost'),
    ]);
    expect(evaluateMetric(r, 'udp.flows')).toEqual({ value: 2 });
    expect(evaluateMetric(r, 'udp.exchanges')).toEqual({ value: 1 });
    expect(evaluateMetric(r, 'udp.connState.S0')).toEqual({ value: 1 });
    expect(evaluateMetric(r, 'udp.connState.XX')).toMatchObject({ error: expect.stringContaining('unknown UDP state') });
  });
});

/** A TCP connection on 10.0.0.1:50000 -> 10.0.0.2:port carrying `client` then `server` bytes, one segment each. */
function connection(port: number, client: string[], server: string[]): WrittenPacket[] {
  const c = { src: '10.0.0.1', dst: '10.0.0.2', srcPort: 50000, dstPort: port };
  const s = { src: '10.0.0.2', dst: '10.0.0.1', srcPort: port, dstPort: 50000 };
  let cs = 1000;
  let ss = 5000;
  const out: WrittenPacket[] = [];
  let t = T;
  const add = (data: Uint8Array) => out.push({ time: (t += 0.001), data });
  add(tcpFrame({ ...c, seq: cs, flags: 'S' }));
  add(tcpFrame({ ...s, seq: ss, ack: cs + 1, flags: 'SA' }));
  cs++; ss++;
  add(tcpFrame({ ...c, seq: cs, ack: ss, flags: 'A' }));
  for (let i = 0; i < Math.max(client.length, server.length); i++) {
    if (client[i] !== undefined) { add(tcpFrame({ ...c, seq: cs, ack: ss, flags: 'PA', payload: client[i] })); cs += client[i].length; }
    if (server[i] !== undefined) { add(tcpFrame({ ...s, seq: ss, ack: cs, flags: 'PA', payload: server[i] })); ss += server[i].length; }
  }
  return out;
}

describe('HTTP exchanges', () => {
  it('reads a chunked response, then the next keep-alive request, on any port', async () => {
    const r = await analyze('chunked.pcap', connection(3128, [
      'POST /submit?token=SECRET HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello',
      'GET /next HTTP/1.1\r\nHost: h\r\nAuthorization: Basic dXNlcjpwYXNz\r\n\r\n',
    ], [
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n0\r\n\r\n',
      'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n',
    ]));
    expect(r.http.exchanges.map((e) => [e.requestPacket, e.responsePacket, e.method, e.path, e.status, e.authorization])).toEqual([
      [4, 5, 'POST', '/submit', 200, null],
      [6, 7, 'GET', '/next', 404, 'Basic'],
    ]);
    expect(JSON.stringify(r)).not.toContain('SECRET');
    expect(JSON.stringify(r)).not.toContain('dXNlcjpwYXNz');
  });

  it('counts a malformed request line and names its packet, and leaves TLS alone', async () => {
    const r = await analyze('malformed.pcap', connection(80, ['GET /a b c\r\nHost: h\r\n\r\n'], ['HTTP/1.1 400 Bad Request\r\n\r\n']));
    expect(r.http.malformed).toEqual([{ packet: 4, flow: 0, reason: 'malformed request line "GET /a b c"' }]);
    expect(r.http.summary.malformed).toBe(1);
    const tls = await analyze('tls.pcap', connection(443, ['\x16\x03\x01\x00\x05hello'], ['\x16\x03\x03\x00\x02hi']));
    expect(tls.http.summary).toEqual({ exchanges: 0, requests: 0, responses: 0, flows: 0, malformed: 0 });
  });

  it('recognises a JWT only by its shape: two dots, base64url parts, a JSON header with alg', () => {
    const b = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    expect(jwtSummary(`${b({ alg: 'RS256' })}.${b({ iss: 'x', sub: 'y' })}.c2ln`)).toMatchObject({ kind: 'jwt', alg: 'RS256', claims: ['iss', 'sub'] });
    expect(jwtSummary(`${b({ typ: 'JWT' })}.${b({ sub: 'y' })}.c2ln`)).toBeNull(); // no alg
    expect(jwtSummary(`${b({ alg: 'none' })}.${b({})}.x.y`)).toBeNull(); // three dots
    expect(jwtSummary('abc.def')).toBeNull();
  });
});
