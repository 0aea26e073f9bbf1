/**
 * HTTP keeps something only for live TCP flows that are HTTP (issue 12): a flow whose first bytes
 * are not a request is declined at once (the TCP tracker delivers nothing more of it), an HTTP
 * flow is forgotten when it ends, and past --max-state-mb the least recently seen connection is
 * dropped. Driven through the TCP tracker and the stream hub, as in the pipeline.
 */
import { describe, expect, it } from 'vitest';
import { decodePacket } from '../../../src/decode/decode.js';
import type { DecodedPacket } from '../../../src/decode/packet.js';
import { TcpTracker } from '../../../src/track/tcp/tracker.js';
import { TcpStreamHub } from '../../../src/track/stream-hub.js';
import { HttpTracker } from '../../../src/track/http/tracker.js';
import { tcpFrame } from '../../helpers/packets.js';
import { record } from '../../decode/record.js';

const SERVER = '10.0.0.2';
let number = 0;

function seg(time: number, src: string, sport: number, dst: string, dport: number, flags: string, seq: number, ack: number, payload = ''): DecodedPacket {
  return decodePacket(record(tcpFrame({ src, dst, srcPort: sport, dstPort: dport, flags, seq, ack, payload }), 1, { number: ++number, time: 1000 + time }));
}

/** One connection from client port `port`: handshake, the client's bytes, the server's answer; closed with FINs when `close`. */
function connection(port: number, t: number, request: string, response: string, close: boolean): DecodedPacket[] {
  const c = '10.0.0.1';
  const out = [
    seg(t, c, port, SERVER, 80, 'S', 100, 0),
    seg(t + 0.001, SERVER, 80, c, port, 'SA', 500, 101),
    seg(t + 0.002, c, port, SERVER, 80, 'A', 101, 501),
    seg(t + 0.003, c, port, SERVER, 80, 'PA', 101, 501, request),
    seg(t + 0.004, SERVER, 80, c, port, 'PA', 501, 101 + request.length, response),
  ];
  if (close) {
    out.push(seg(t + 0.005, c, port, SERVER, 80, 'FA', 101 + request.length, 501 + response.length));
    out.push(seg(t + 0.006, SERVER, 80, c, port, 'FA', 501 + response.length, 102 + request.length));
    out.push(seg(t + 0.007, c, port, SERVER, 80, 'A', 102 + request.length, 502 + response.length));
  }
  return out;
}

function run(packets: DecodedPacket[], maxStateBytes?: number): { http: HttpTracker; tcp: TcpTracker } {
  const hub = new TcpStreamHub();
  const http = new HttpTracker({ maxRecords: 1000, maxStateBytes });
  hub.add(http);
  const tcp = new TcpTracker({ stream: hub });
  for (const p of packets) tcp.observe(p);
  return { http, tcp };
}

describe('HTTP state per TCP flow', () => {
  it('keeps nothing for 300 open flows whose first bytes are not HTTP', () => {
    // A TLS ClientHello starts with 0x16 (not an upper-case request token); the flows never close.
    const packets = Array.from({ length: 300 }, (_, i) => connection(20000 + i, i * 0.01, '\x16\x03\x01\x00\x05hello', '\x16\x03\x03\x00\x02ok', false)).flat();
    const { http, tcp } = run(packets);
    expect(http.liveFlows).toBe(0);
    expect(http.heldBytes).toBe(0);
    const report = http.finish();
    expect(report.summary).toMatchObject({ requests: 0, exchanges: 0, flows: 0 });
    expect(tcp.finish().summary.flows).toBe(300);
  });

  it('declines a flow whose first line is some other protocol, and nothing later revives it', () => {
    // "EHLO" looks like a token but is no HTTP method or request line: declined at the first line;
    // a later "GET / HTTP/1.1" on the same flow is not read as HTTP.
    const packets = connection(30000, 0, 'EHLO mail.example\r\n', '250 ok\r\n', false);
    packets.push(seg(0.01, '10.0.0.1', 30000, SERVER, 80, 'PA', 120, 509, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    const { http } = run(packets);
    expect(http.liveFlows).toBe(0);
    expect(http.finish().summary.requests).toBe(0);
  });

  it('follows HTTP flows while they live and forgets each when it ends', () => {
    const request = 'GET /a HTTP/1.1\r\nHost: x\r\n\r\n';
    const response = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';
    // 50 keep-alive connections that stay open, then 50 that close with FINs.
    const open = Array.from({ length: 50 }, (_, i) => connection(40000 + i, i * 0.01, request, response, false)).flat();
    const closed = Array.from({ length: 50 }, (_, i) => connection(41000 + i, 1 + i * 0.01, request, response, true)).flat();
    const { http, tcp } = run([...open, ...closed]);
    // All 100 are live TCP flows still (the closed ones sit in TIME-WAIT, 60 s, the capture lasts
    // 1.5 s): each is followed. At the end the TCP tracker finalizes every flow.
    expect(http.liveFlows).toBe(100);
    // A packet 100 s later: TIME-WAIT (60 s) has run out, the 50 closed flows are finalized and forgotten.
    tcp.observe(seg(100, '10.0.0.1', 60000, SERVER, 80, 'S', 1, 0));
    expect(http.liveFlows).toBe(50);
    tcp.finish();
    expect(http.liveFlows).toBe(0);
    expect(http.heldBytes).toBe(0);
    expect(http.finish().summary).toMatchObject({ requests: 100, exchanges: 100, flows: 100 });
  });

  it('drops the least recently seen connections past the budget, and reads no more of them', () => {
    // Each open connection costs 400 B (no head buffered after its complete exchange): a 1000 B
    // budget holds two; the third pushes out the first, the fourth the second.
    const request = 'GET /a HTTP/1.1\r\nHost: x\r\n\r\n';
    const response = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';
    const packets = Array.from({ length: 4 }, (_, i) => connection(50000 + i, i, request, response, false)).flat();
    // A second request on the first (dropped) connection is not read.
    packets.push(seg(10, '10.0.0.1', 50000, SERVER, 80, 'PA', 101 + request.length, 501 + response.length, request));
    const { http } = run(packets, 1000);
    expect(http.evictedForMemory).toBe(2);
    expect(http.heldBytes).toBeLessThanOrEqual(1000);
    expect(http.finish().summary.requests).toBe(4);
  });
});
