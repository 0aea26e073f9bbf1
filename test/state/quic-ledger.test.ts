import { describe, expect, it } from 'vitest';
import { client, endpointNamed, hold, play, quic, release, rows, server, told, type ScriptPacket } from './script.js';

describe('a QUIC connection with several connection IDs', () => {
  const C = client('10.0.0.9');
  const S = server('10.0.0.5', 443);
  // Connection 0: the server maps 2 CIDs after its Initial, 4 once more are in use; the client 2.
  // The tracker tells that the client's datagrams opened two turns (packets 1 and 4), the server
  // answering in between: a restart right after packet 3 breaks the second one.
  const packets: ScriptPacket[] = [
    [1, 1, hold(C, quic(0), 'quicConnections'), hold(S, quic(0), 'quicConnections'),
      hold(S, quic(0, 1), 'quicCids', { entries: 1 }), hold(C, quic(0, 1), 'quicCids', { entries: 1 })],
    [2, 1.25, hold(S, quic(0, 1), 'quicCids', { entries: 2 })],
    [3, 1.5, hold(S, quic(0, 1), 'quicCids', { entries: 4 })],
    [4, 2, hold(C, quic(0, 1), 'quicCids', { entries: 2 }), told(C, S, quic(0), 1, { answer: 1, exchanges: [1, 4], between: 3 })],
  ];

  it('counts the connection and each CID it maps', () => {
    const s = endpointNamed(play(packets, 11), '10.0.0.5:443');
    expect(rows(s)).toEqual([[1, 1, 2, 80064], [2, 1.25, 3, 80128], [3, 1.5, 5, 80256]]);
    expect(s.peak).toEqual({ entries: 5, bytes: 80256, time: 1.5, packet: 3 });
    expect(s.peakByKind).toEqual({
      quicConnections: { entries: 1, bytes: 80000, time: 1, packet: 1 },
      quicCids: { entries: 4, bytes: 256, time: 1.5, packet: 3 },
    });
    expect(s.atEnd).toEqual({ entries: 5, bytes: 80256 });
    // 80064*0.25 + 80128*0.25 + 80256*9.5 = 802480 over 10 s
    expect(s.meanBytes).toBe(80248);
  });

  it('is stateful behind a CID-aware balancer', () => {
    const s = endpointNamed(play(packets, 11), '10.0.0.5:443');
    expect(s.verdict).toBe('stateful');
    expect(s.stickyRouting).toBe('connection-id');
    expect(s.reasons).toEqual([
      'stateful: state outlived the exchange that created it on 1 of 1 QUIC connection: a restart between exchanges breaks the client',
      'QUIC connection 0 carried 2 exchanges (packets 1, 4) on one connection; a restart at packet 3 breaks it; ' +
        'held from packet 1 to the end of the capture (connected), mapping 4 connection IDs',
    ]);
    expect(endpointNamed(play(packets, 11), '10.0.0.9').reasons[1]).toBe('QUIC connection 0 carried 2 exchanges (packets 1, 4) on one connection; ' +
      'a restart at packet 3 breaks it; held from packet 1 to the end of the capture (connected), mapping 2 connection IDs');
  });

  it('a restart at any moment loses the connection; no idle time after the first Initial', () => {
    const worst = endpointNamed(play(packets, 11), '10.0.0.5:443');
    expect(worst.restart).toEqual({ at: { packet: 3, time: 1.5 }, basis: 'worst', breaks: { tcp: [], dns: [], quic: [0] } });
    expect(worst.idleWindows).toEqual([]);
    const early = endpointNamed(play(packets, 11, { restartAt: { packet: 1 } }), '10.0.0.5:443');
    expect(early.restart).toEqual({ at: { packet: 1, time: 1 }, basis: 'requested', breaks: { tcp: [], dns: [], quic: [0] } });
  });

  it('a visible close releases the connection and its CIDs: idle afterwards, and before a late first Initial', () => {
    const closing: ScriptPacket[] = [
      [1, 0],
      ...packets.map(([n, t, ...e]): ScriptPacket => [n + 1, t, ...e.filter((x) => x.op !== 'flow')]),
      [6, 3, release(S, quic(0)), release(S, quic(0, 1)), told(C, S, quic(0), 2, { answer: 2, exchanges: [2, 5], between: 4 })],
    ];
    const s = endpointNamed(play(closing, 11), '10.0.0.5:443');
    expect(s.idleWindows).toEqual([
      { start: 0, end: 1, seconds: 1, fromPacket: null, toPacket: 2 },
      { start: 3, end: 11, seconds: 8, fromPacket: 6, toPacket: null },
    ]);
    expect(s.reasons[1]).toBe('QUIC connection 0 carried 2 exchanges (packets 2, 5) on one connection; a restart at packet 4 breaks it; ' +
      'held from packet 2 to packet 6 (connected), mapping 4 connection IDs');
    const after = endpointNamed(play(closing, 11, { restartAt: { packet: 6 } }), '10.0.0.5:443');
    expect(after.restart?.breaks.quic).toEqual([]);
  });
});
