import { describe, expect, it } from 'vitest';
import { DirectionReassembly, type DeliverySink } from '../../../src/track/tcp/reassembly.js';

/** A segment whose payload view counts how often it is made. */
function segment(bytes: number[], length = bytes.length) {
  const data = Uint8Array.from(bytes);
  const s = { views: 0, captured: data.length, length, get payload(): Uint8Array { s.views++; return data; } };
  return s;
}

function sink(wanted: { now: boolean }) {
  const log: string[] = [];
  const s: DeliverySink = {
    wanted: () => wanted.now,
    data: (bytes, packet) => { log.push(`data ${packet} ${Array.from(bytes).join(',')}`); },
    gap: (packet, lost) => { log.push(`gap ${packet} ${lost}`); },
  };
  return { s, log };
}

describe('DirectionReassembly delivery', () => {
  it('delivers in-order bytes once, trimming the part seen before', () => {
    const wanted = { now: true };
    const { s, log } = sink(wanted);
    const r = new DirectionReassembly(s);
    r.start(100);
    r.accept(100, 3, segment([1, 2, 3]), { number: 1, time: 0 });
    // Retransmits 101..102 and adds 103: only byte 4 is new (skip 2).
    r.accept(101, 3, segment([2, 3, 4]), { number: 2, time: 0 });
    expect(log).toEqual(['data 1 1,2,3', 'data 2 4']);
  });

  it('makes no payload view once the listener declined, and still counts a snaplen-cut tail as a gap', () => {
    const wanted = { now: false };
    const { s, log } = sink(wanted);
    const r = new DirectionReassembly(s);
    r.start(0);
    const whole = segment([1, 2, 3]);
    r.accept(0, 3, whole, { number: 1, time: 0 });
    // 5 bytes on the wire, 2 captured: the 3 missing ones are a gap (sink.gap is told; it checks wanted itself).
    const cut = segment([4, 5], 5);
    r.accept(3, 5, cut, { number: 2, time: 0 });
    expect(whole.views + cut.views).toBe(0);
    expect(r.gaps).toBe(1);
    expect(log).toEqual(['gap 2 3']);
  });
});
