/**
 * Entry handles: `hold` returns a handle to the live entry, and `bufferHeld` through it must account
 * exactly as a `buffer` event for the same ref would, and be ignored once the entry is gone.
 */
import { describe, expect, it } from 'vitest';
import { LINUX_COST_MODEL } from '../../src/state/cost-model.js';
import type { EntryHandle } from '../../src/state/events.js';
import { StateLedger } from '../../src/state/ledger.js';
import { client, endpointNamed, server, tcp } from './script.js';

const FULL = LINUX_COST_MODEL.entries.tcpConnections.bytes; // 2304
const TW = LINUX_COST_MODEL.entries.tcpTimeWait.bytes; // 280

describe('buffering through an entry handle', () => {
  const S = server('10.0.0.5', 80);

  it('moves the same bytes as buffer events, and is ignored after the release', () => {
    const viaHandle = new StateLedger();
    const viaEvent = new StateLedger();
    viaHandle.tick(1, 1);
    viaEvent.tick(1, 1);
    const handle = viaHandle.hold({ endpoint: S, ref: tcp(1), kind: 'tcpConnections', time: 1, packet: 1 });
    viaEvent.hold({ endpoint: S, ref: tcp(1), kind: 'tcpConnections', time: 1, packet: 1 });
    // Packets 2..4 buffer 500, 1500, 0 bytes; packet 5 releases; packet 6 buffers 900 for a gone entry.
    const steps: [number, number][] = [[2, 500], [3, 1500], [4, 0]];
    for (const [packet, bytes] of steps) {
      viaHandle.bufferHeld(handle, bytes, packet, packet);
      viaEvent.buffer({ endpoint: S, ref: tcp(1), bytes, time: packet, packet });
    }
    for (const ledger of [viaHandle, viaEvent]) ledger.release({ endpoint: S, ref: tcp(1), time: 5, packet: 5 });
    viaHandle.bufferHeld(handle, 900, 6, 6);
    viaEvent.buffer({ endpoint: S, ref: tcp(1), bytes: 900, time: 6, packet: 6 });
    const a = endpointNamed(viaHandle.finish(11, 6), '10.0.0.5:80');
    const b = endpointNamed(viaEvent.finish(11, 6), '10.0.0.5:80');
    expect(a).toEqual(b);
    // Most bytes at packet 3: the control block and 1500 buffered.
    expect(a.peakBytes).toEqual({ entries: 1, bytes: FULL + 1500, time: 3, packet: 3 });
    // One point for the hold (1 to 5 s: FULL, +500, +1500, +0 one second each), one for the release.
    expect(a.timeline).toEqual([
      { time: 1, packet: 1, entries: 1, bytes: FULL, maxBytes: FULL + 1500, meanBytes: FULL + 500 },
      { time: 5, packet: 5, entries: 0, bytes: 0, maxBytes: 0, meanBytes: 0 },
    ]);
  });

  it('a later hold of the same ref returns the handle to use; a TIME-WAIT expiry ends the old one', () => {
    const ledger = new StateLedger();
    ledger.tick(1, 1);
    const first = ledger.hold({ endpoint: S, ref: tcp(1), kind: 'tcpConnections', time: 1, packet: 1 });
    ledger.tick(2, 2);
    const second = ledger.hold({ endpoint: S, ref: tcp(1), kind: 'tcpTimeWait', time: 2, packet: 2, until: 4 });
    // A change of kind keeps the same entry.
    expect(second).toBe(first);
    ledger.bufferHeld(second, 100, 3, 3);
    // Expired at 4 s (before packet 5): bytes through the handle no longer count.
    ledger.bufferHeld(second, 700, 5, 5);
    const s = endpointNamed(ledger.finish(6, 5), '10.0.0.5:80');
    expect(s.peakBytes).toEqual({ entries: 1, bytes: FULL, time: 1, packet: 1 });
    // The expiry happens at 4 s, attributed to the last packet before it (3).
    expect(s.timeline.map((p) => [p.packet, p.time, p.entries, p.bytes, p.maxBytes])).toEqual([[1, 1, 1, FULL, FULL], [2, 2, 1, TW, TW + 100], [3, 4, 0, 0, 0]]);
    expect(s.atEnd).toEqual({ entries: 0, bytes: 0 });
  });

  it('releases through the handle as a release event does, and ignores a handle whose entry expired', () => {
    const viaHandle = new StateLedger();
    const viaEvent = new StateLedger();
    for (const ledger of [viaHandle, viaEvent]) ledger.tick(1, 1);
    const a1 = viaHandle.hold({ endpoint: S, ref: tcp(1), kind: 'tcpConnections', time: 1, packet: 1 });
    const a2 = viaHandle.hold({ endpoint: S, ref: tcp(2), kind: 'tcpTimeWait', time: 1, packet: 1, until: 3 });
    viaEvent.hold({ endpoint: S, ref: tcp(1), kind: 'tcpConnections', time: 1, packet: 1 });
    viaEvent.hold({ endpoint: S, ref: tcp(2), kind: 'tcpTimeWait', time: 1, packet: 1, until: 3 });
    // Packet 2 releases flow 1; packet 4 releases flow 2, whose TIME-WAIT expired at 3 s: nothing left to drop.
    viaHandle.releaseHeld(a1, 2, 2);
    viaEvent.release({ endpoint: S, ref: tcp(1), time: 2, packet: 2 });
    viaHandle.releaseHeld(a2, 4, 4);
    viaEvent.release({ endpoint: S, ref: tcp(2), time: 4, packet: 4 });
    // A second release through a spent handle is ignored too.
    viaHandle.releaseHeld(a1, 5, 5);
    viaEvent.release({ endpoint: S, ref: tcp(1), time: 5, packet: 5 });
    const a = endpointNamed(viaHandle.finish(6, 5), '10.0.0.5:80');
    expect(a).toEqual(endpointNamed(viaEvent.finish(6, 5), '10.0.0.5:80'));
    // Both held from packet 1 (FULL + TW), flow 1 released at packet 2, the TIME-WAIT expired at 3 s (after packet 2).
    expect(a.timeline.map((p) => [p.packet, p.time, p.entries, p.bytes])).toEqual([[1, 1, 2, FULL + TW], [2, 2, 1, TW], [2, 3, 0, 0]]);
  });

  it('holds again through the handle as a hold event does while the entry lives; a spent handle answers null and holds nothing', () => {
    const viaHandle = new StateLedger();
    const viaEvent = new StateLedger();
    for (const ledger of [viaHandle, viaEvent]) ledger.tick(1, 1);
    let h = viaHandle.hold({ endpoint: S, ref: tcp(1), kind: 'tcpHalfOpen', time: 1, packet: 1 });
    viaEvent.hold({ endpoint: S, ref: tcp(1), kind: 'tcpHalfOpen', time: 1, packet: 1 });
    // Packet 2: established; packet 3: TIME-WAIT until 4 s; packet 5 (after the expiry): held again
    // with an event, a new entry; packet 6 releases it; packet 7 holds it once more with an event.
    const first = h;
    h = viaHandle.holdHeld(h, 'tcpConnections', 2, 2) as EntryHandle;
    viaEvent.hold({ endpoint: S, ref: tcp(1), kind: 'tcpConnections', time: 2, packet: 2 });
    expect(h).toBe(first);
    h = viaHandle.holdHeld(h, 'tcpTimeWait', 3, 3, 4) as EntryHandle;
    viaEvent.hold({ endpoint: S, ref: tcp(1), kind: 'tcpTimeWait', time: 3, packet: 3, until: 4 });
    expect(viaHandle.holdHeld(h, 'tcpConnections', 5, 5)).toBeNull();
    h = viaHandle.hold({ endpoint: S, ref: tcp(1), kind: 'tcpConnections', time: 5, packet: 5 });
    viaEvent.hold({ endpoint: S, ref: tcp(1), kind: 'tcpConnections', time: 5, packet: 5 });
    expect(h).not.toBe(first);
    viaHandle.releaseHeld(h, 6, 6);
    viaEvent.release({ endpoint: S, ref: tcp(1), time: 6, packet: 6 });
    expect(viaHandle.holdHeld(h, 'tcpConnections', 7, 7)).toBeNull();
    viaHandle.hold({ endpoint: S, ref: tcp(1), kind: 'tcpConnections', time: 7, packet: 7 });
    viaEvent.hold({ endpoint: S, ref: tcp(1), kind: 'tcpConnections', time: 7, packet: 7 });
    const a = endpointNamed(viaHandle.finish(8, 7), '10.0.0.5:80');
    expect(a).toEqual(endpointNamed(viaEvent.finish(8, 7), '10.0.0.5:80'));
    // One entry throughout but for the expiry (4 s, attributed to packet 3) and the release (packet 6).
    expect(a.timeline.map((p) => [p.packet, p.entries])).toEqual([[1, 1], [2, 1], [3, 1], [3, 0], [5, 1], [6, 0], [7, 1]]);
  });
});

describe('entry handles under reuse of ended entries', () => {
  /** xorshift32: the same sequence every run. */
  function random(seed: number): () => number {
    let x = seed;
    return () => {
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
      return (x >>> 0) / 4294967296;
    };
  }

  it('a ledger driven through handles, as trackers drive it, reports exactly what one driven by events does', () => {
    const next = random(2026);
    const endpoints = [client('10.0.0.1'), client('10.0.0.2'), server('10.0.0.5', 53), server('10.0.0.6', 443)];
    const kinds = ['tcpHalfOpen', 'tcpConnections', 'dnsPendingQueries'] as const;
    const viaHandle = new StateLedger();
    const viaEvent = new StateLedger();
    // What a tracker keeps: the handle of each (endpoint, flow)'s latest hold, spent or not.
    const handles = new Map<string, EntryHandle>();
    let time = 0;
    for (let packet = 1; packet <= 20_000; packet++) {
      time += next() < 0.5 ? 0 : next() * 0.2;
      const at = Math.floor(next() * endpoints.length);
      const endpoint = endpoints[at];
      const ref = tcp(Math.floor(next() * 300));
      const name = `${at}|${ref.id}`;
      const held = handles.get(name);
      const op = next();
      if (op < 0.5) {
        const kind = kinds[Math.floor(next() * kinds.length)];
        const until = next() < 0.6 ? time + next() * 5 : undefined;
        const entries = next() < 0.2 ? Math.floor(next() * 4) : undefined;
        const again = held === undefined ? null : viaHandle.holdHeld(held, kind, time, packet, until, entries);
        const handle = again ?? viaHandle.hold({ endpoint, ref, kind, time, packet, until, entries });
        handles.set(name, handle);
        viaEvent.hold({ endpoint, ref, kind, time, packet, until, entries });
      } else if (op < 0.8) {
        const bytes = Math.floor(next() * 5000);
        if (held !== undefined) viaHandle.bufferHeld(held, bytes, time, packet);
        else viaHandle.buffer({ endpoint, ref, bytes, time, packet });
        viaEvent.buffer({ endpoint, ref, bytes, time, packet });
      } else {
        if (held !== undefined) viaHandle.releaseHeld(held, time, packet);
        else viaHandle.release({ endpoint, ref, time, packet });
        viaEvent.release({ endpoint, ref, time, packet });
      }
    }
    const sizes = viaHandle.sizes;
    expect(sizes.liveEntries).toBe(viaEvent.sizes.liveEntries);
    expect(viaHandle.finish(time + 1, 20_000)).toEqual(viaEvent.finish(time + 1, 20_000));
  });
});
