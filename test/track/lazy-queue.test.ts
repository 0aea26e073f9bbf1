import { describe, expect, it } from 'vitest';
import { LazyQueue } from '../../src/track/lazy-queue.js';

describe('LazyQueue', () => {
  it('gives the oldest live item, skipping items that left early', () => {
    const live = new Set([1, 2, 3, 4]);
    const q = new LazyQueue<number>((n) => live.has(n));
    for (const n of [1, 2, 3, 4]) q.push(n);
    live.delete(1);
    live.delete(3);
    expect(q.shift()).toBe(2);
    expect(q.shift()).toBe(4);
    expect(q.shift()).toBeUndefined();
  });

  it('keeps order and stays small under a million pushes and early removals', () => {
    const live = new Set<number>();
    const q = new LazyQueue<number>((n) => live.has(n));
    const shifted: number[] = [];
    for (let i = 0; i < 1_000_000; i++) {
      live.add(i);
      q.push(i);
      // Every other item leaves early; the table is kept at 1,000 by evicting the oldest.
      if (i % 2 === 1) {
        live.delete(i - 1);
        q.removed(live.size);
      }
      if (live.size > 1000) {
        const oldest = q.shift() as number;
        live.delete(oldest);
        if (i < 3000) shifted.push(oldest);
      }
    }
    // Only odd items survive to be evicted, oldest first.
    expect(shifted.slice(0, 3)).toEqual([1, 3, 5]);
    expect(live.size).toBe(1000);
    expect((q as unknown as { items: number[]; head: number }).items.length).toBeLessThan(5000);
  });
});

describe('LazyQueue memory', () => {
  it('lets go of an item once shift passed it (an evicted flow must not stay reachable)', () => {
    const q = new LazyQueue<{ n: number }>(() => true);
    const first = { n: 1 };
    q.push(first);
    q.push({ n: 2 });
    expect(q.shift()).toBe(first);
    // White-box: the slot the head passed no longer holds the item (trimHead only slices past 1024).
    const items = (q as unknown as { items: unknown[] }).items;
    expect(items.includes(first)).toBe(false);
    expect(q.shift()?.n).toBe(2);
  });
});
