/**
 * The ledger's expiry queue: entries ordered by the capture time at which they expire by
 * themselves (`until`), ties in the order they were scheduled. A binary min-heap specialised for
 * this record (comparisons inlined: it runs for every hold that carries an `until`).
 * Items are never removed early: a re-held or released entry leaves a stale item behind, which the
 * ledger skips when it comes up and sweeps out (`retain`) when stale items dominate.
 */
import type { LiveEntry } from './entry.js';
import type { EndpointLedger } from './endpoint-ledger.js';

export interface Expiry {
  until: number;
  /** Scheduling order. */
  seq: number;
  endpoint: EndpointLedger;
  entry: LiveEntry;
  /** entry.generation when scheduled: stale once the entry was held again. */
  generation: number;
}

export class ExpiryQueue {
  private items: Expiry[] = [];

  get size(): number {
    return this.items.length;
  }

  /** The next expiry, or undefined when empty. */
  peek(): Expiry | undefined {
    return this.items[0];
  }

  push(item: Expiry): void {
    const items = this.items;
    let child = items.length;
    items.push(item);
    while (child > 0) {
      const parent = (child - 1) >> 1;
      const above = items[parent];
      if (above.until < item.until || (above.until === item.until && above.seq < item.seq)) break;
      items[child] = above;
      child = parent;
    }
    items[child] = item;
  }

  pop(): Expiry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (last !== undefined && items.length > 0) this.place(last, 0);
    return top;
  }

  /** Keeps only the items `keep` accepts: O(n). */
  retain(keep: (item: Expiry) => boolean): void {
    this.items = this.items.filter(keep);
    for (let i = (this.items.length >> 1) - 1; i >= 0; i--) this.place(this.items[i], i);
  }

  /** Puts `item` at `start` or below, moving smaller children up. */
  private place(item: Expiry, start: number): void {
    const items = this.items;
    const n = items.length;
    let parent = start;
    for (;;) {
      const left = parent * 2 + 1;
      if (left >= n) break;
      let child = left;
      const right = left + 1;
      if (right < n) {
        const l = items[left];
        const r = items[right];
        if (r.until < l.until || (r.until === l.until && r.seq < l.seq)) child = right;
      }
      const below = items[child];
      if (item.until < below.until || (item.until === below.until && item.seq < below.seq)) break;
      items[parent] = below;
      parent = child;
    }
    items[parent] = item;
  }
}
