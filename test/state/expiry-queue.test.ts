/**
 * The ledger's expiry queue against a sorted array: both run the same random pushes, pops and
 * retains (its only removal), with few distinct times so that ties are common. Ties must come out
 * in scheduling order, as the queue of parallel JS arrays before it gave them (its heap compared
 * until, then a scheduling counter): the ledger expires entries in this order, and the report
 * shows it.
 */
import { describe, expect, it } from 'vitest';
import { ExpiryQueue } from '../../src/state/expiry-queue.js';
import type { LiveEntry } from '../../src/state/entry.js';

interface Item { until: number; entry: LiveEntry; generation: number }

/** A stand-in entry: the queue only stores and returns it. */
function entry(id: number): LiveEntry {
  return { id } as unknown as LiveEntry;
}

/** Sorted by until; a new item goes after every item with the same until (scheduling order). */
class SortedQueue {
  readonly items: Item[] = [];

  push(item: Item): void {
    let at = this.items.length;
    while (at > 0 && this.items[at - 1].until > item.until) at--;
    this.items.splice(at, 0, item);
  }
}

/** A linear congruential generator: the same sequence every run. */
function random(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) % n;
  };
}

/** Where the queue's head differs from the reference's, or null (expect per operation is slow). */
function headMismatch(queue: ExpiryQueue, reference: SortedQueue): string | null {
  const first = reference.items[0];
  if (queue.size !== reference.items.length) return `size ${queue.size}, expected ${reference.items.length}`;
  if (first === undefined) return queue.nextUntil === Infinity ? null : `nextUntil ${queue.nextUntil} when empty`;
  if (queue.nextUntil !== first.until || queue.nextEntry !== first.entry || queue.nextGeneration !== first.generation) {
    return `head ${queue.nextUntil}/${queue.nextGeneration}, expected ${first.until}/${first.generation}`;
  }
  return null;
}

function sameNext(queue: ExpiryQueue, reference: SortedQueue): void {
  expect(headMismatch(queue, reference)).toBeNull();
}

describe('ExpiryQueue', () => {
  it('gives up items, ties in scheduling order, as a sorted array does over 100,000 random operations', () => {
    const queue = new ExpiryQueue();
    const reference = new SortedQueue();
    const next = random(12345);
    let id = 0;
    let pops = 0;
    let retains = 0;
    let mismatch: string | null = null;
    for (let op = 0; op < 100_000; op++) {
      const r = next(1000);
      if (r < 520) {
        // A handful of times (ties), some with fractions, some far ahead; the generation spans int32.
        const until = 1.7e9 + next(40) + (next(4) === 0 ? 0.125 : 0);
        const generation = next(3) === 0 ? -(2 ** 31) + next(5) : next(7);
        const item = { until, entry: entry(id++), generation };
        queue.push(item.until, item.entry, item.generation);
        reference.push(item);
      } else if (r < 998) {
        if (reference.items.length === 0) continue;
        queue.pop();
        reference.items.shift();
        pops++;
      } else {
        // Drops about a third, as a sweep of stale items does.
        const drop = (item: { entry: LiveEntry; generation: number }): boolean => ((item.entry as unknown as { id: number }).id + item.generation) % 3 === 0;
        queue.retain((e, generation) => !drop({ entry: e, generation }));
        reference.items.splice(0, reference.items.length, ...reference.items.filter((item) => !drop(item)));
        retains++;
      }
      mismatch ??= headMismatch(queue, reference);
    }
    expect(mismatch).toBeNull();
    // Drain: the whole order, not only the heads seen above.
    while (reference.items.length > 0) {
      mismatch ??= headMismatch(queue, reference);
      queue.pop();
      reference.items.shift();
    }
    sameNext(queue, reference);
    expect(mismatch).toBeNull();
    expect(pops).toBeGreaterThan(40_000);
    expect(retains).toBeGreaterThan(150);
    expect(id).toBeGreaterThan(50_000);
  });

  it('grows past its initial capacity and keeps exact times', () => {
    const queue = new ExpiryQueue();
    // Pushed in reverse: every push moves to the root.
    for (let i = 9999; i >= 0; i--) queue.push(1733300000.000001 + i / 1024, entry(i), i);
    expect(queue.size).toBe(10_000);
    for (let i = 0; i < 10_000; i++) {
      expect(queue.nextUntil).toBe(1733300000.000001 + i / 1024);
      expect((queue.nextEntry as unknown as { id: number }).id).toBe(i);
      expect(queue.nextGeneration).toBe(i);
      queue.pop();
    }
    expect(queue.size).toBe(0);
    expect(queue.nextUntil).toBe(Infinity);
  });

  it('orders equal times by scheduling, also after a retain rebuilds the heap', () => {
    const queue = new ExpiryQueue();
    for (let i = 0; i < 100; i++) queue.push(5, entry(i), 0);
    queue.retain((e) => (e as unknown as { id: number }).id % 2 === 1);
    const ids: number[] = [];
    while (queue.size > 0) {
      ids.push((queue.nextEntry as unknown as { id: number }).id);
      queue.pop();
    }
    expect(ids).toEqual(Array.from({ length: 50 }, (_, i) => 2 * i + 1));
  });
});
