/**
 * A binary min-heap: the TCP and QUIC trackers' inactivity timers and the bounded list of longest
 * idle windows use it (the ledger's expiry queue is its own heap over parallel arrays, see
 * expiry-queue.ts). push and pop are O(log n); no allocation besides the array.
 */
export class MinHeap<T> {
  private readonly items: T[] = [];

  /** `before(a, b)` is true when a must leave the heap before b. */
  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    let child = items.length;
    items.push(item);
    // Move parents down until item's place is found, then write it once.
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.before(item, items[parent])) break;
      items[child] = items[parent];
      child = parent;
    }
    items[child] = item;
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      this.sinkFrom(0);
    }
    return top;
  }

  /** Drops every item `keep` rejects and restores the heap order: O(n). */
  retain(keep: (item: T) => boolean): void {
    const kept = this.items.filter(keep);
    this.items.length = 0;
    for (const item of kept) this.items.push(item); // not push(...kept): argument count is limited
    for (let i = (kept.length >> 1) - 1; i >= 0; i--) this.sinkFrom(i);
  }

  /** The items in no particular order (a view: do not modify). */
  values(): readonly T[] {
    return this.items;
  }

  private sinkFrom(start: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[start];
    let parent = start;
    // Move smaller children up until item's place is found, then write it once.
    for (;;) {
      const left = parent * 2 + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.before(items[right], items[left]) ? right : left;
      if (!this.before(items[child], item)) break;
      items[parent] = items[child];
      parent = child;
    }
    items[parent] = item;
  }
}
