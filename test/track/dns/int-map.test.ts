import { describe, expect, it } from 'vitest';
import { IntMap } from '../../../src/track/dns/int-map.js';

/** A seeded generator of 32-bit numbers, and an IntMap with the Map it is checked against. */
function fixture(seed: number): { next: () => number; ours: IntMap<{ v: number }>; reference: Map<number, { v: number }> } {
  const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  return { next, ours: new IntMap(), reference: new Map() };
}

describe('IntMap', () => {
  it('agrees with a Map over 200,000 random sets, gets and deletes of int32 keys (negative ones too)', () => {
    // Keys come from a small range so that sets replace, deletes hit, and deletes shift long probe
    // runs back; the size follows a Map's at every step. Disagreements are counted (one
    // expect per step made the test slow).
    const { next, ours, reference } = fixture(99);
    let disagreements = 0;
    for (let step = 0; step < 200_000; step++) {
      const r = next();
      const key = ((r >>> 4) % 3000) - 1500 + (r & 1 ? 0x7fff0000 : 0) | 0;
      const op = r % 10;
      if (op < 4) {
        const value = { v: step };
        ours.set(key, value);
        reference.set(key, value);
      } else if (op < 7) {
        if (ours.delete(key) !== reference.delete(key)) disagreements++;
      } else if (ours.get(key) !== reference.get(key)) {
        disagreements++;
      }
      if (ours.size !== reference.size) disagreements++;
    }
    for (const [key, value] of reference) if (ours.get(key) !== value) disagreements++;
    expect(disagreements).toBe(0);
    expect(ours.size).toBe(reference.size);
  });

  it('a lookup then a set or delete of the same key, or of another, as the matcher does (find remembers the last key)', () => {
    const { next, ours, reference } = fixture(7);
    let disagreements = 0;
    for (let step = 0; step < 100_000; step++) {
      const a = ((next() >>> 8) % 500) - 250;
      const b = ((next() >>> 8) % 500) - 250;
      if (ours.get(a) !== reference.get(a)) disagreements++;
      const op = next() % 4;
      // Same key as looked up, or another one, then the first key again.
      const key = op < 2 ? a : b;
      if (op % 2 === 0) {
        const value = { v: step };
        ours.set(key, value);
        reference.set(key, value);
      } else {
        if (ours.delete(key) !== reference.delete(key)) disagreements++;
      }
      if (ours.get(a) !== reference.get(a) || ours.size !== reference.size) disagreements++;
    }
    expect(disagreements).toBe(0);
  });

  it('deletes by shifting back: every key of a range agrees with a Map after bursts that grow, wrap and drain the table', () => {
    // Dense keys (long probe runs that wrap past the table's end), multiples of 65536 (equal low
    // bits), and phases that fill to 4,000 entries and drain to none, so that tables grow and
    // shrink. After each phase every key of the range is read back and compared with the Map.
    const { next, ours, reference } = fixture(2026);
    const keyOf = (r: number): number => (r % 3 === 0 ? ((r >>> 3) % 1000) * 65536 : ((r >>> 3) % 5000) - 2500) | 0;
    const keys = new Set<number>();
    let disagreements = 0;
    for (let phase = 0; phase < 40; phase++) {
      const target = phase % 4 === 3 ? 0 : ((next() >>> 8) % 4000);
      for (let step = 0; step < 20_000; step++) {
        const r = next();
        const key = keyOf(r);
        keys.add(key);
        const grow = reference.size < target ? r % 4 !== 0 : r % 4 === 0;
        if (grow) {
          const value = { v: step };
          ours.set(key, value);
          reference.set(key, value);
        } else if (ours.delete(key) !== reference.delete(key)) {
          disagreements++;
        }
        if (ours.size !== reference.size) disagreements++;
      }
      if (target === 0) for (const key of [...reference.keys()]) if (ours.delete(key) !== reference.delete(key)) disagreements++;
      for (const key of keys) if (ours.get(key) !== reference.get(key)) disagreements++;
    }
    expect(disagreements).toBe(0);
    expect(ours.size).toBe(reference.size);
  });

  it('steady churn (one in, one out) keeps every live key and forgets every deleted one', () => {
    // A flood's shape: keys i inserted and i - 1000 deleted, 100,000 times.
    const map = new IntMap<{ k: number }>();
    let missed = 0;
    for (let i = 0; i < 100_000; i++) {
      map.set((i << 16) | (i & 0xffff), { k: i });
      if (i >= 1000 && !map.delete(((i - 1000) << 16) | ((i - 1000) & 0xffff))) missed++;
    }
    expect(missed).toBe(0);
    expect(map.size).toBe(1000);
    expect(map.get((99_999 << 16) | (99_999 & 0xffff))?.k).toBe(99_999);
    expect(map.get((99_000 << 16) | (99_000 & 0xffff))?.k).toBe(99_000);
    expect(map.get((98_999 << 16) | (98_999 & 0xffff))).toBeUndefined();
  });
});
