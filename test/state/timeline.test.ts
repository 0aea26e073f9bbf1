import { describe, expect, it } from 'vitest';
import { Timeline } from '../../src/state/timeline.js';
import { buffer, endpointNamed, hold, play, release, server, tcp, type ScriptPacket } from './script.js';

describe('timeline compression', () => {
  const S = server('10.0.0.5', 80);
  // One connection whose buffered bytes grow by one per packet (2305, 2306, ... 2324), closed at 21.
  const growing: ScriptPacket[] = [[1, 1, hold(S, tcp(1), 'tcpConnections'), buffer(S, tcp(1), 1)]];
  for (let n = 2; n <= 20; n++) growing.push([n, n, buffer(S, tcp(1), n)]);
  growing.push([21, 21, release(S, tcp(1))]);
  // Twenty connections opened one per packet at 1..20 s, each buffering n bytes, all closed at 21.
  const opening: ScriptPacket[] = [];
  for (let n = 1; n <= 20; n++) opening.push([n, n, hold(S, tcp(n), 'tcpConnections'), buffer(S, tcp(n), 1)]);
  opening.push([21, 21, ...Array.from({ length: 20 }, (_, i) => release(S, tcp(i + 1)))]);

  it('makes points where entries change, not where bytes in flight do', () => {
    const s = endpointNamed(play(growing, 30), '10.0.0.5:80');
    // Only the hold (packet 1) and the release (21) change entries.
    expect(s.timeline).toHaveLength(2);
    expect(s.timelineCompressed).toBe(false);
    // From 1 s to 21 s the bytes were 2305 + (n - 1) during [n, n + 1): most 2324, mean 2314.5 rounded up;
    // from 21 s to the end (30 s) nothing.
    expect(s.timeline).toEqual([
      { time: 1, packet: 1, entries: 1, bytes: 2305, maxBytes: 2324, meanBytes: 2315 },
      { time: 21, packet: 21, entries: 0, bytes: 0, maxBytes: 0, meanBytes: 0 },
    ]);
    // Peaks and the mean are computed from every change, not from the timeline.
    expect(s.peakBytes).toEqual({ entries: 1, bytes: 2324, time: 20, packet: 20 });
  });

  it('keeps every point under the limit', () => {
    const s = endpointNamed(play(opening, 30), '10.0.0.5:80');
    expect(s.timeline).toHaveLength(21);
    expect(s.timelineCompressed).toBe(false);
  });

  it('beyond the limit keeps each bucket maximum and the buckets\' aggregates, the last drop included, and says so', () => {
    const s = endpointNamed(play(opening, 30, { maxTimelinePoints: 8 }), '10.0.0.5:80');
    expect(s.timelineCompressed).toBe(true);
    // At 8 points pairs merge (buckets of 2), at 8 again buckets of 4: maxima at packets 4, 8, 12, 16, 20
    // (n connections of 2305 bytes); the partly filled last bucket holds the close.
    expect(s.timeline.map((p) => [p.packet, p.bytes])).toEqual([[4, 4 * 2305], [8, 8 * 2305], [12, 12 * 2305], [16, 16 * 2305], [20, 20 * 2305], [21, 0]]);
    // The bucket of packets 1..4 spans 1 s to 5 s, 1 s at each of 1..4 connections: mean 2.5 * 2305.
    expect(s.timeline[0]).toMatchObject({ maxBytes: 4 * 2305, meanBytes: Math.round(2.5 * 2305) });
    expect(s.timeline[4]).toMatchObject({ maxBytes: 20 * 2305, meanBytes: Math.round(18.5 * 2305) });
    expect(s.peakBytes).toEqual({ entries: 20, bytes: 20 * 2305, time: 20, packet: 20 });
  });

  it('merges an odd point out into the next bucket', () => {
    const timeline = new Timeline(3);
    for (let n = 1; n <= 5; n++) timeline.record(n, n, 1, [5, 1, 4, 2, 3][n - 1]);
    // 3 points -> [max(1,2)=p1] + p3 pending (half a bucket of 2); p4 completes it (p3 larger); p5 pending.
    const { points, compressed } = timeline.finish(6);
    expect(points.map((p) => p.packet)).toEqual([1, 3, 5]);
    expect(compressed).toBe(true);
    // Each bucket's aggregates cover its points' spans of 1 s each: (5 + 1) / 2, (4 + 2) / 2, 3.
    expect(points.map((p) => [p.maxBytes, p.meanBytes])).toEqual([[5, 3], [4, 3], [3, 3]]);
  });
});

describe('idle windows beyond the limit', () => {
  it('keeps the longest ones, in time order, and counts the others', () => {
    const S = server('10.0.0.5', 80);
    // Twelve short connections; the gap after connection k is k seconds long.
    const packets: ScriptPacket[] = [];
    let time = 0;
    for (let k = 1; k <= 12; k++) {
      packets.push([2 * k - 1, time, hold(S, tcp(k), 'tcpConnections')]);
      packets.push([2 * k, time + 0.5, release(S, tcp(k))]);
      time += 0.5 + k;
    }
    const s = endpointNamed(play(packets, time - 12, { maxTimelinePoints: 8 }), '10.0.0.5:80');
    // Gaps 1..11 between connections, none after the last (the capture ends with it).
    expect(s.idleWindows.map((w) => w.seconds)).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    expect(s.idleWindowsOmitted).toBe(3);
    expect(s.idleSeconds).toBe(66);
    expect(s.longestIdle?.seconds).toBe(11);
    expect(s.idleWindows[0]).toMatchObject({ fromPacket: 8, toPacket: 9 });
  });
});

describe('idle windows at a limit of one', () => {
  const S = server('10.0.0.5', 80);
  // Connections at 0-0.5 s, 3.5-4 s and 5-5.5 s: gaps of 3 s (packets 2 to 3) and 1 s (4 to 5).
  const packets: ScriptPacket[] = [
    [1, 0, hold(S, tcp(1), 'tcpConnections')], [2, 0.5, release(S, tcp(1))],
    [3, 3.5, hold(S, tcp(2), 'tcpConnections')], [4, 4, release(S, tcp(2))],
    [5, 5, hold(S, tcp(3), 'tcpConnections')], [6, 5.5, release(S, tcp(3))],
  ];

  it('keeps the only window', () => {
    const s = endpointNamed(play(packets.slice(0, 4), 4, { maxTimelinePoints: 1 }), '10.0.0.5:80');
    expect(s.idleWindows).toEqual([{ start: 0.5, end: 3.5, seconds: 3, fromPacket: 2, toPacket: 3 }]);
    expect(s.idleWindowsOmitted).toBeUndefined();
  });

  it('keeps the longer of two and counts the other', () => {
    const s = endpointNamed(play(packets, 5.5, { maxTimelinePoints: 1 }), '10.0.0.5:80');
    expect(s.idleWindows).toEqual([{ start: 0.5, end: 3.5, seconds: 3, fromPacket: 2, toPacket: 3 }]);
    expect(s.idleWindowsOmitted).toBe(1);
    expect(s.idleWindowCount).toBe(2);
    expect(s.idleSeconds).toBe(4);
  });
});
