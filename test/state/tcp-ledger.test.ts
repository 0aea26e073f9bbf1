import { describe, expect, it } from 'vitest';
import { LINUX_COST_MODEL } from '../../src/state/cost-model.js';
import { client, endpointNamed, hold, play, release, rows, server, tcp, told, buffer, type ScriptPacket } from './script.js';

const FULL = LINUX_COST_MODEL.entries.tcpConnections.bytes; // 2304
const HALF = LINUX_COST_MODEL.entries.tcpHalfOpen.bytes; // 304
const TW = LINUX_COST_MODEL.entries.tcpTimeWait.bytes; // 280

describe('three overlapping connections to one server', () => {
  const S = server('10.0.0.5', 80);
  const C1 = client('10.0.0.1');
  const C2 = client('10.0.0.2');
  const C3 = client('10.0.0.3');
  // Each client opens a connection (SYN, SYN-ACK, ACK), the server sends 1000 bytes on flow 1,
  // then each client closes first (it keeps TIME-WAIT, 60 s) and the server's socket ends.
  // What the tracker tells at each close: flow 1 carried two exchanges, the first request riding
  // on the handshake's ACK (packet 2), answered by the 1000 bytes of packet 10, the second request
  // on the ACK of packet 11; flows 2 and 3 carried no payload at all.
  const packets: ScriptPacket[] = [
    [1, 100, hold(C1, tcp(1), 'tcpHalfOpen'), hold(S, tcp(1), 'tcpHalfOpen')],
    [2, 100.5, hold(C1, tcp(1), 'tcpConnections')],
    [3, 101, hold(S, tcp(1), 'tcpConnections')],
    [4, 102, hold(C2, tcp(2), 'tcpHalfOpen'), hold(S, tcp(2), 'tcpHalfOpen')],
    [5, 102.5, hold(C2, tcp(2), 'tcpConnections')],
    [6, 103, hold(S, tcp(2), 'tcpConnections')],
    [7, 104, hold(C3, tcp(3), 'tcpHalfOpen'), hold(S, tcp(3), 'tcpHalfOpen')],
    [8, 104.5, hold(C3, tcp(3), 'tcpConnections')],
    [9, 105, hold(S, tcp(3), 'tcpConnections')],
    [10, 106, buffer(S, tcp(1), 1000)],
    [11, 106.5, buffer(S, tcp(1), 0)],
    [12, 110, hold(C1, tcp(1), 'tcpTimeWait', { until: 170 }), release(S, tcp(1)),
      told(C1, S, tcp(1), 1, { answer: 1, exchanges: [2, 11], between: 10 })],
    [13, 120, hold(C2, tcp(2), 'tcpTimeWait', { until: 180 }), release(S, tcp(2)), told(C2, S, tcp(2), 4, { answer: 4 })],
    [14, 130, hold(C3, tcp(3), 'tcpTimeWait', { until: 190 }), release(S, tcp(3)), told(C3, S, tcp(3), 7, { answer: 7 })],
  ];

  it('peaks at 3 entries at the third SYN, and at most bytes while flow 1 buffers', () => {
    const s = endpointNamed(play(packets, 200), '10.0.0.5:80');
    expect(s.peak).toEqual({ entries: 3, bytes: 2 * FULL + HALF, time: 104, packet: 7 });
    expect(s.peakBytes).toEqual({ entries: 3, bytes: 3 * FULL + 1000, time: 106, packet: 10 });
    expect(s.peakByKind).toEqual({
      tcpHalfOpen: { entries: 1, bytes: HALF, time: 100, packet: 1 },
      tcpConnections: { entries: 3, bytes: 3 * FULL, time: 105, packet: 9 },
    });
    expect(s.atEnd).toEqual({ entries: 0, bytes: 0 });
  });

  it('has a timeline point at every change of entries', () => {
    const s = endpointNamed(play(packets, 200), '10.0.0.5:80');
    // Packets 10 and 11 only buffer bytes: no point of their own.
    expect(rows(s)).toEqual([
      [1, 100, 1, 304], [3, 101, 1, 2304], [4, 102, 2, 2608], [6, 103, 2, 4608], [7, 104, 3, 4912],
      [9, 105, 3, 6912], [12, 110, 2, 4608], [13, 120, 1, 2304], [14, 130, 0, 0],
    ]);
    // Packet 9's point spans 105 to 110: 6912 for 1 s, 7912 for 0.5 s, 6912 for 3.5 s:
    // most 7912, mean (6912*4.5 + 7912*0.5) / 5 = 7012. The last point spans 130 to the end (200), at 0.
    expect(s.timeline.map((p) => [p.packet, p.maxBytes, p.meanBytes])).toEqual([
      [1, 304, 304], [3, 2304, 2304], [4, 2608, 2608], [6, 4608, 4608], [7, 4912, 4912],
      [9, 7912, 7012], [12, 4608, 4608], [13, 2304, 2304], [14, 0, 0],
    ]);
    expect(s.timelineCompressed).toBe(false);
  });

  it('weights bytes by time over the whole capture', () => {
    const result = play(packets, 200);
    // 304*1 + 2304*1 + 2608*1 + 4608*1 + 4912*1 + 6912*1 + 7912*0.5 + 6912*3.5 + 4608*10 + 2304*10 = 118916 over 100 s
    expect(endpointNamed(result, '10.0.0.5:80').meanBytes).toBe(1189);
    // client 1: 304*0.5 + 2304*9.5 + 280*60 = 38840 over 100 s
    expect(endpointNamed(result, '10.0.0.1').meanBytes).toBe(388);
  });

  it('is stateful with 4-tuple routing because flow 1 carried two exchanges; the flows that carried none do not count', () => {
    const s = endpointNamed(play(packets, 200), '10.0.0.5:80');
    expect(s.verdict).toBe('stateful');
    expect(s.stickyRouting).toBe('4-tuple');
    expect(s.reasons).toEqual([
      'stateful: state outlived the exchange that created it on 1 of 3 TCP connections: a restart between exchanges breaks the client',
      'flow 1 carried 2 exchanges (packets 2, 11) on one connection; a restart at packet 10 breaks it; held from packet 1 to packet 12 (half-open, then connected)',
      'flow 2 carried no exchange; held from packet 4 to packet 13 (half-open, then connected)',
      'flow 3 carried no exchange; held from packet 7 to packet 14 (half-open, then connected)',
    ]);
    // The what-if agrees with the reason: right after packet 10 flow 1 is held (and so are 2 and 3).
    expect(endpointNamed(play(packets, 200, { restartAt: { packet: 10 } }), '10.0.0.5:80').restart?.breaks.tcp).toEqual([1, 2, 3]);
  });

  it('a client of connections of one exchange each is stateless, and the same ledger feed without flow 1 is too', () => {
    expect(endpointNamed(play(packets, 200), '10.0.0.2').verdict).toBe('stateless');
    const without = packets.map(([n, t, ...events]) => [n, t, ...events.filter((e) => !(e.op === 'flow' && e.evidence.ref.id === 1))] as ScriptPacket);
    const s = endpointNamed(play(without, 200), '10.0.0.5:80');
    expect([s.verdict, s.stickyRouting]).toEqual(['stateless', 'none']);
    expect(s.reasons[0]).toBe('stateless: every breakable state lived within one request/response exchange: 2 TCP connections');
  });

  it('expires a client TIME-WAIT at its until, after the last packet', () => {
    const c1 = endpointNamed(play(packets, 200), '10.0.0.1');
    expect(rows(c1)).toEqual([[1, 100, 1, HALF], [2, 100.5, 1, FULL], [12, 110, 1, TW], [14, 170, 0, 0]]);
    expect(c1.reasons[1]).toBe('flow 1 carried 2 exchanges (packets 2, 11) on one connection; a restart at packet 10 breaks it; ' +
      'held from packet 1 to its expiry 60 s after packet 12 (half-open, then connected, then TIME-WAIT)');
    expect(c1.restart).toBeNull();
    // Clients get restart-safe windows too: nothing breakable once its TIME-WAIT began at packet 12.
    expect(c1.idleWindows).toEqual([{ start: 110, end: 200, seconds: 90, fromPacket: 12, toPacket: null }]);
  });

  it('is idle from the last close to the end of the capture', () => {
    const s = endpointNamed(play(packets, 200), '10.0.0.5:80');
    const window = { start: 130, end: 200, seconds: 70, fromPacket: 14, toPacket: null };
    expect(s.idleWindows).toEqual([window]);
    expect(s.idleSeconds).toBe(70);
    expect(s.longestIdle).toEqual(window);
  });

  it('without --restart-at, names the worst moment: all three flows at packet 7', () => {
    const s = endpointNamed(play(packets, 200), '10.0.0.5:80');
    expect(s.restart).toEqual({ at: { packet: 7, time: 104 }, basis: 'worst', breaks: { tcp: [1, 2, 3], dns: [], quic: [] } });
  });

  it('--restart-at packet: after packet 8 all three break; after packet 13 only flow 3', () => {
    const at8 = endpointNamed(play(packets, 200, { restartAt: { packet: 8 } }), '10.0.0.5:80');
    expect(at8.restart).toEqual({ at: { packet: 8, time: 104.5 }, basis: 'requested', breaks: { tcp: [1, 2, 3], dns: [], quic: [] } });
    const at13 = endpointNamed(play(packets, 200, { restartAt: { packet: 13 } }), '10.0.0.5:80');
    expect(at13.restart?.breaks.tcp).toEqual([3]);
  });

  it('--restart-at +35 s lands in the idle window: nothing breaks', () => {
    const s = endpointNamed(play(packets, 200, { restartAt: { secondsAfterStart: 35 } }), '10.0.0.5:80');
    expect(s.restart).toEqual({ at: { packet: 14, time: 135 }, basis: 'requested', breaks: { tcp: [], dns: [], quic: [] } });
  });
});

describe('TIME-WAIT held by the server, expired 60 s later', () => {
  const S = server('10.0.0.5', 80);
  const C = client('10.0.0.1');
  // The server closes first: it keeps TIME-WAIT from packet 6 (1001.5) to 1061.5. A new
  // connection at packet 7 is reset at packet 8. Flow 1 carried one exchange (request at packet
  // 4, response at 5); flow 2 none.
  const packets: ScriptPacket[] = [
    [1, 1000, hold(C, tcp(1), 'tcpHalfOpen'), hold(S, tcp(1), 'tcpHalfOpen')],
    [2, 1000.25, hold(C, tcp(1), 'tcpConnections')],
    [3, 1000.5, hold(S, tcp(1), 'tcpConnections')],
    [4, 1001],
    [5, 1001.25],
    [6, 1001.5, hold(S, tcp(1), 'tcpTimeWait', { until: 1061.5 }), release(C, tcp(1)), told(C, S, tcp(1), 1, { answer: 1, exchanges: [4] })],
    [7, 1070, hold(C, tcp(2), 'tcpHalfOpen'), hold(S, tcp(2), 'tcpHalfOpen')],
    [8, 1070.25, release(C, tcp(2)), release(S, tcp(2)), told(C, S, tcp(2), 7, { answer: 7 })],
  ];

  it('holds TIME-WAIT until 1061.5, attributed to packet 6, the last packet before it', () => {
    const s = endpointNamed(play(packets, 1080), '10.0.0.5:80');
    expect(rows(s)).toEqual([
      [1, 1000, 1, HALF], [3, 1000.5, 1, FULL], [6, 1001.5, 1, TW], [6, 1061.5, 0, 0], [7, 1070, 1, HALF], [8, 1070.25, 0, 0],
    ]);
    expect(s.peakByKind.tcpTimeWait).toEqual({ entries: 1, bytes: TW, time: 1001.5, packet: 6 });
    // TIME-WAIT is in the entries and bytes, but makes nothing stateful.
    expect(s.reasons).toEqual([
      'stateless: every breakable state lived within one request/response exchange: 2 TCP connections',
      'flow 1 carried 1 exchange (packet 4); held from packet 1 to its expiry 60 s after packet 6 (half-open, then connected, then TIME-WAIT)',
      'flow 2 carried no exchange; held from packet 7 to packet 8 (half-open)',
      'TIME-WAIT (held after closing first) counts in entries and bytes, but losing it breaks nothing (RFC 9293 §3.6)',
    ]);
    expect(s.stickyRouting).toBe('none');
    // 304*0.5 + 2304*1 + 280*60 + 304*0.25 = 19332 over 80 s
    expect(s.meanBytes).toBe(242);
  });

  it('TIME-WAIT never closes a restart-safe window: safe from packet 6 on, not from its expiry', () => {
    const s = endpointNamed(play(packets, 1080), '10.0.0.5:80');
    const first = { start: 1001.5, end: 1070, seconds: 68.5, fromPacket: 6, toPacket: 7 };
    expect(s.idleWindows).toEqual([first, { start: 1070.25, end: 1080, seconds: 9.75, fromPacket: 8, toPacket: null }]);
    expect(s.idleWindowCount).toBe(2);
    expect(s.idleSeconds).toBe(78.25);
    expect(s.longestIdle).toEqual(first);
  });

  it('a restart during TIME-WAIT breaks nothing; during a half-open connection it breaks that flow', () => {
    const duringTimeWait = endpointNamed(play(packets, 1080, { restartAt: { secondsAfterStart: 61 } }), '10.0.0.5:80');
    expect(duringTimeWait.restart).toEqual({ at: { packet: 6, time: 1061 }, basis: 'requested', breaks: { tcp: [], dns: [], quic: [] } });
    const halfOpen = endpointNamed(play(packets, 1080, { restartAt: { packet: 7 } }), '10.0.0.5:80');
    expect(halfOpen.restart?.breaks.tcp).toEqual([2]);
    const worst = endpointNamed(play(packets, 1080), '10.0.0.5:80');
    expect(worst.restart).toEqual({ at: { packet: 1, time: 1000 }, basis: 'worst', breaks: { tcp: [1], dns: [], quic: [] } });
  });

  it('expires a TIME-WAIT that outlives the capture only if its until has passed', () => {
    const cut = endpointNamed(play(packets.slice(0, 6), 1030), '10.0.0.5:80');
    expect(cut.atEnd).toEqual({ entries: 1, bytes: TW });
    expect(cut.reasons[1]).toBe('flow 1 carried 1 exchange (packet 4); held from packet 1 to the end of the capture (half-open, then connected, then TIME-WAIT)');
    expect(cut.idleWindows).toEqual([{ start: 1001.5, end: 1030, seconds: 28.5, fromPacket: 6, toPacket: null }]);
  });
});

describe('a SYN flood of half-open connections', () => {
  const S = server('10.0.0.5', 80);
  const attacker = (i: number) => client(`198.51.100.${i}`);

  it('holds one SYN-RECEIVED entry per spoofed SYN: peak 100 at the 100th', () => {
    const packets: ScriptPacket[] = [];
    for (let i = 1; i <= 100; i++) {
      packets.push([i, i * 0.125, hold(attacker(i), tcp(i), 'tcpHalfOpen'), hold(S, tcp(i), 'tcpHalfOpen')]);
    }
    const result = play(packets, 20);
    const s = endpointNamed(result, '10.0.0.5:80');
    expect(s.peak).toEqual({ entries: 100, bytes: 100 * HALF, time: 12.5, packet: 100 });
    expect(s.peakByKind).toEqual({ tcpHalfOpen: { entries: 100, bytes: 100 * HALF, time: 12.5, packet: 100 } });
    expect(s.timeline).toHaveLength(100);
    expect(s.reasons).toHaveLength(7);
    // Fed holds alone (no tracker told what the flows showed): no exchange, the flows cited as held.
    expect(s.reasons[0]).toBe('stateless: no exchange was seen');
    expect(s.reasons[5]).toBe('flow 5 held from packet 5 to the end of the capture (half-open)');
    expect(s.reasons[6]).toBe('and 95 more flows');
    const all = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(s.restart).toEqual({ at: { packet: 100, time: 12.5 }, basis: 'worst', breaks: { tcp: all, dns: [], quic: [] } });
    // The attackers' endpoints come after the server (sorted by peak bytes), in order of appearance.
    expect(result.endpoints.map((e) => e.endpoint).slice(0, 3)).toEqual(['10.0.0.5:80', '198.51.100.1', '198.51.100.2']);
    const half = endpointNamed(play(packets, 20, { restartAt: { packet: 50 } }), '10.0.0.5:80');
    expect(half.restart?.breaks.tcp).toEqual(all.slice(0, 50));
    // Idle from the capture's start (the first SYN) is zero long; busy to the end.
    expect(s.idleWindows).toEqual([]);
  });

  it('with a 3 s SYN-RECEIVED timeout, settles at 6 entries and drains after the flood', () => {
    const packets: ScriptPacket[] = [];
    for (let i = 1; i <= 20; i++) {
      packets.push([i, i * 0.5, hold(S, tcp(i), 'tcpHalfOpen', { until: i * 0.5 + 3 })]);
    }
    const s = endpointNamed(play(packets, 15), '10.0.0.5:80');
    expect(s.peak).toEqual({ entries: 6, bytes: 6 * HALF, time: 3, packet: 6 });
    // 6 rising points, then per packet 7..20 an expiry (5 entries) and a SYN (6), then 6 expiries.
    expect(s.timeline).toHaveLength(6 + 14 * 2 + 6);
    expect(rows(s).slice(6, 8)).toEqual([[6, 3.5, 5, 5 * HALF], [7, 3.5, 6, 6 * HALF]]);
    expect(rows(s).slice(-2)).toEqual([[20, 12.5, 1, HALF], [20, 13, 0, 0]]);
    // The capture starts at the first SYN (0.5): no idle time before it.
    expect(s.idleWindows).toEqual([{ start: 13, end: 15, seconds: 2, fromPacket: 20, toPacket: null }]);
    expect(s.restart).toEqual({ at: { packet: 6, time: 3 }, basis: 'worst', breaks: { tcp: [1, 2, 3, 4, 5, 6], dns: [], quic: [] } });
    const r = endpointNamed(play(packets, 15, { restartAt: { secondsAfterStart: 11 } }), '10.0.0.5:80');
    // +11 s = 11.5: SYNs 18..20 (times 9..10) are still held; 17 expired at 11.5 itself.
    expect(r.restart).toEqual({ at: { packet: 20, time: 11.5 }, basis: 'requested', breaks: { tcp: [18, 19, 20], dns: [], quic: [] } });
  });
});
