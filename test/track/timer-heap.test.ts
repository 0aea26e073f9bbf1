/**
 * TimerHeap must give up entries in exactly MinHeap's order, ties included (flows due at the same
 * time are finalized in that order, and the ledger hears of them in it): both run the same random
 * pushes, pops and retains, with few distinct deadlines so that ties are common.
 */
import { describe, expect, it } from 'vitest';
import { MinHeap } from '../../src/state/min-heap.js';
import { TimerHeap } from '../../src/track/timer-heap.js';

interface Entry { id: number; at: number; gen: number }

describe('TimerHeap', () => {
  it('pops, ties included, in MinHeap order over 100,000 random operations', () => {
    const reference = new MinHeap<Entry>((a, b) => a.at < b.at);
    const heap = new TimerHeap<number>();
    let seed = 12345;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    let next = 0;
    let pops = 0;
    let mismatch: string | undefined;
    for (let op = 0; op < 100_000; op++) {
      const r = random(100);
      if (r < 55) {
        // Deadlines from a handful of values (ties) plus fractions.
        const at = random(50) + (random(4) === 0 ? 0.25 : 0);
        const gen = random(3);
        reference.push({ id: next, at, gen });
        heap.push(next, at, gen);
        next++;
      } else if (r < 99) {
        const top = reference.peek();
        // Plain comparisons per step (an expect per step would make the test slow); the first
        // mismatch is kept and checked at the end.
        if (heap.size !== reference.size) mismatch ??= `size ${heap.size} against ${reference.size} at ${op}`;
        if (top === undefined) {
          if (heap.topAt !== Number.POSITIVE_INFINITY) mismatch ??= `empty heap's topAt ${heap.topAt} at ${op}`;
          continue;
        }
        if (heap.topItem !== top.id || heap.topAt !== top.at || heap.topGen !== top.gen) {
          mismatch ??= `top ${heap.topItem}/${heap.topAt}/${heap.topGen} against ${top.id}/${top.at}/${top.gen} at ${op}`;
        }
        reference.pop();
        heap.pop();
        pops++;
      } else {
        // Keep the entries of generation 0 and every third id.
        reference.retain((e) => e.gen === 0 || e.id % 3 === 0);
        heap.retain((id, gen) => gen === 0 || id % 3 === 0);
        if (heap.size !== reference.size) mismatch ??= `size after retain ${heap.size} against ${reference.size} at ${op}`;
      }
    }
    while (reference.size > 0) {
      const top = reference.pop() as Entry;
      if (heap.topItem !== top.id) mismatch ??= `draining: ${heap.topItem} against ${top.id}`;
      heap.pop();
    }
    expect(mismatch).toBeUndefined();
    expect(heap.size).toBe(0);
    expect(pops).toBeGreaterThan(25_000);
  });
});
