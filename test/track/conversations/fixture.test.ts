/**
 * fixtures/conversations.pcap, recorded by scripts/record/conversations.sh from real programs on
 * loopback (nginx, python3 -m http.server, curl, python UDP and raw-ICMP clients). The expectations
 * are written by hand from what the script does; packet numbers were read with
 * `tshark -r fixtures/conversations.pcap` (each TCP connection is 3 handshake packets, then the
 * request, its ACK, the response, ... so requests sit at the 4th packet of each connection).
 */
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../../src/pipeline.js';
import type { Report } from '../../../src/report/schema.js';

const report = (await analyzeCapture('fixtures/conversations.pcap')) as Report;
const endpoint = (name: string) => report.endpoints.find((e) => e.endpoint === name);

describe('udp.flows', () => {
  it('has the echo service and the stream, client = first sender, counts each way', () => {
    const rows = report.udp.flows.map((f) => ({
      id: f.id, server: f.server, firstPacket: f.firstPacket, lastPacket: f.lastPacket, packets: f.packets,
      payloadBytes: f.payloadBytes, connState: f.connState, exchanges: f.exchanges, pattern: f.pattern,
    }));
    expect(rows).toEqual([
      // 3 requests "echo request N" (14 bytes) each echoed: 3 exchanges of one datagram each way.
      { id: 0, server: '127.0.0.4:7007', firstPacket: 77, lastPacket: 82, packets: { client: 3, server: 3 },
        payloadBytes: { client: 42, server: 42 }, connState: 'SF', exchanges: 3, pattern: 'request-response' },
      // 180 "stream datagram NNN" (19 bytes), the server answers every 9th with "ack N" (5-6 bytes):
      // 20 replies, 9*20 = 180. Each reply closes one open request, the other 160 go unanswered: a stream.
      { id: 1, server: '127.0.0.4:9009', firstPacket: 83, lastPacket: 282, packets: { client: 180, server: 20 },
        payloadBytes: { client: 180 * 19, server: 128 }, connState: 'SF', exchanges: 20, pattern: 'stream' },
    ]);
    expect(report.udp.flows.every((f) => f.client.startsWith('127.0.0.1:'))).toBe(true);
    expect(report.udp.flows[1].unanswered).toBe(160);
    // Both live until the end of the capture (3.5 s < the 60 s timeout).
    expect(report.udp.flows.map((f) => f.ended)).toEqual(['capture-end', 'capture-end']);
    expect(report.udp.flows[0].state.middleboxConntrack).toMatchObject({ fromPacket: 77, toPacket: 82 });
    expect(report.udp.summary).toMatchObject({ flows: 2, packets: 206, exchanges: 23 });
  });

  it('judges the echo server stateless and the stream server stateful, 4-tuple sticky', () => {
    expect(endpoint('127.0.0.4:7007')).toMatchObject({ verdict: 'stateless', stickyRouting: 'none' });
    expect(endpoint('127.0.0.4:9009')).toMatchObject({ verdict: 'stateful', stickyRouting: '4-tuple' });
    // The echo server holds a demux entry only from each request to its response: 64 B at most.
    expect(endpoint('127.0.0.4:7007')?.peak).toMatchObject({ entries: 1, bytes: 64, packet: 77 });
  });

  it('leaves nothing undecoded', () => {
    expect(report.capture.undecoded).toEqual({});
  });
});

describe('icmp.flows', () => {
  it('groups the three echoes of identifier 0x5343 into one flow', () => {
    expect(report.icmp.flows).toHaveLength(1);
    // 16-byte bodies "statecap ping 01".."03", each answered by the kernel.
    expect(report.icmp.flows[0]).toMatchObject({
      client: '127.0.0.1', server: '127.0.0.4', firstPacket: 283, lastPacket: 288,
      packets: { client: 3, server: 3 }, payloadBytes: { client: 48, server: 48 }, connState: 'SF', exchanges: 3,
    });
  });
});

describe('http.exchanges', () => {
  it('pairs every request with its response, keep-alive and pipelined included', () => {
    const rows = report.http.exchanges.map((e) => [e.flow, e.requestPacket, e.responsePacket, e.method, e.server, e.path, e.status, e.version]);
    expect(rows).toEqual([
      [0, 4, 6, 'GET', '127.0.0.4:8080', '/login', 200, 'HTTP/1.1'], // query ?next=home dropped
      [1, 14, 16, 'GET', '127.0.0.4:8080', '/account', 200, 'HTTP/1.1'],
      [2, 24, 26, 'GET', '127.0.0.4:8081', '/api/items', 200, 'HTTP/1.1'],
      [3, 34, 36, 'GET', '127.0.0.4:8081', '/api/orders', 200, 'HTTP/1.1'], // ?page=2 dropped
      [4, 44, 46, 'GET', '127.0.0.4:8000', '/hello.txt', 200, 'HTTP/1.1'], // the HTTP/1.0 server
      [5, 56, 58, 'GET', '127.0.0.4:8080', '/one.txt', 200, 'HTTP/1.1'], // keep-alive: one connection,
      [5, 60, 61, 'GET', '127.0.0.4:8080', '/two.txt', 200, 'HTTP/1.1'], // two requests
      [6, 68, 70, 'GET', '127.0.0.4:8080', '/one.txt', 200, 'HTTP/1.1'], // pipelined: both requests in
      [6, 68, 72, 'GET', '127.0.0.4:8080', '/two.txt', 200, 'HTTP/1.1'], // packet 68, answered in order
    ]);
    expect(report.http.exchanges[7].host).toBe('pipelined.test');
    expect(report.http.summary).toEqual({ exchanges: 9, requests: 9, responses: 9, flows: 7, malformed: 0 });
  });

  it('names cookies and token kinds, never their values', () => {
    const [login, account, items] = report.http.exchanges;
    expect(login.cookiesSet.map((c) => c.name)).toEqual(['SID']);
    expect(account.cookiesSent.map((c) => c.name)).toEqual(['SID']);
    expect(account.cookiesSent[0].hash).toBe(login.cookiesSet[0].hash); // linked, by hash
    expect(items.authorization).toBe('Bearer');
    expect(items.token).toMatchObject({ kind: 'jwt', alg: 'HS256', claims: ['sub', 'role', 'exp'] });
    const text = JSON.stringify(report);
    expect(text).not.toContain('f3a9c2e1d4b5a6978877'); // the SID value the script's nginx sets
    expect(text).not.toContain('alice'); // a claim value
    expect(text).not.toContain('eyJ'); // any base64url JSON, i.e. the JWT itself
  });
});

describe('endpoints[].sessionState', () => {
  it('server-session on 8080 (SID set at 6, sent back at 14 on another connection), sticky by cookie', () => {
    expect(endpoint('127.0.0.4:8080')?.sessionState).toMatchObject({ kind: 'server-session', cookie: 'SID', evidence: [6, 14] });
    expect(endpoint('127.0.0.4:8080')?.stickyRouting).toBe('cookie:SID');
  });
  it('client-token on 8081 (the JWT on both connections, packets 24 and 34)', () => {
    expect(endpoint('127.0.0.4:8081')?.sessionState).toMatchObject({ kind: 'client-token', evidence: [24, 34], token: { alg: 'HS256' } });
  });
  it('none on the HTTP/1.0 server', () => {
    expect(endpoint('127.0.0.4:8000')?.sessionState).toMatchObject({ kind: 'none', evidence: [] });
  });
});
