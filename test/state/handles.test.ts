/**
 * Entry handles: `hold` returns a handle to the live entry, and `bufferHeld` through it must account
 * exactly as a `buffer` event for the same ref would, and be ignored once the entry is gone.
 */
import { describe, expect, it } from 'vitest';
import { LINUX_COST_MODEL } from '../../src/state/cost-model.js';
import { StateLedger } from '../../src/state/ledger.js';
import { endpointNamed, server, tcp } from './script.js';

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

  it('holds again through the handle as a hold event does: a change of kind, and anew after an expiry and after a release', () => {
    const viaHandle = new StateLedger();
    const viaEvent = new StateLedger();
    for (const ledger of [viaHandle, viaEvent]) ledger.tick(1, 1);
    let h = viaHandle.hold({ endpoint: S, ref: tcp(1), kind: 'tcpHalfOpen', time: 1, packet: 1 });
    viaEvent.hold({ endpoint: S, ref: tcp(1), kind: 'tcpHalfOpen', time: 1, packet: 1 });
    // Packet 2: established; packet 3: TIME-WAIT until 4 s; packet 5 (after the expiry): held again,
    // a new entry; packet 6 releases it; packet 7 holds it once more through the spent handle.
    const first = h;
    h = viaHandle.holdHeld(h, 'tcpConnections', 2, 2);
    viaEvent.hold({ endpoint: S, ref: tcp(1), kind: 'tcpConnections', time: 2, packet: 2 });
    expect(h).toBe(first);
    h = viaHandle.holdHeld(h, 'tcpTimeWait', 3, 3, 4);
    viaEvent.hold({ endpoint: S, ref: tcp(1), kind: 'tcpTimeWait', time: 3, packet: 3, until: 4 });
    h = viaHandle.holdHeld(h, 'tcpConnections', 5, 5);
    viaEvent.hold({ endpoint: S, ref: tcp(1), kind: 'tcpConnections', time: 5, packet: 5 });
    expect(h).not.toBe(first);
    viaHandle.releaseHeld(h, 6, 6);
    viaEvent.release({ endpoint: S, ref: tcp(1), time: 6, packet: 6 });
    viaHandle.holdHeld(h, 'tcpConnections', 7, 7);
    viaEvent.hold({ endpoint: S, ref: tcp(1), kind: 'tcpConnections', time: 7, packet: 7 });
    const a = endpointNamed(viaHandle.finish(8, 7), '10.0.0.5:80');
    expect(a).toEqual(endpointNamed(viaEvent.finish(8, 7), '10.0.0.5:80'));
    // One entry throughout but for the expiry (4 s, attributed to packet 3) and the release (packet 6).
    expect(a.timeline.map((p) => [p.packet, p.entries])).toEqual([[1, 1], [2, 1], [3, 1], [3, 0], [5, 1], [6, 0], [7, 1]]);
  });
});
