/**
 * Oldest-first order for a table whose items may also leave early (answered, closed, replaced).
 * Removal is lazy: the table says through `isLive` whether a queued item still counts, and dead
 * items are skipped when reached or dropped in a compaction, so every operation is O(1) amortized.
 *
 * Why not a Map's or Set's first entry: V8 keeps a deleted entry as a hole until the table is
 * rehashed, and finding the first entry skips every hole. Under steady churn (one in, one out at
 * a cap) that is O(table size) per eviction, which made a million-query flood take minutes.
 */
export class LazyQueue<T> {
  private items: T[] = [];
  private head = 0;

  constructor(private readonly isLive: (item: T) => boolean) {}

  push(item: T): void {
    this.items.push(item);
  }

  /** Removes and returns the oldest live item; undefined when there is none. */
  shift(): T | undefined {
    while (this.head < this.items.length) {
      const item = this.items[this.head];
      // Let go of it now: the slots before the head stay in the array until trimHead, and an
      // evicted item (a flood's flow, with all it built) would be kept alive, and promoted, until then.
      this.items[this.head] = undefined as T;
      this.head += 1;
      if (this.isLive(item)) {
        this.trimHead();
        return item;
      }
    }
    this.items = [];
    this.head = 0;
    return undefined;
  }

  /**
   * Call when an item left the table, with the number still live: drops dead items once they
   * outnumber the live ones, so the queue does not keep finished items (and their memory) alive.
   */
  removed(liveCount: number): void {
    const queued = this.items.length - this.head;
    if (queued > 1024 && queued > 2 * liveCount) {
      this.items = this.items.slice(this.head).filter(this.isLive);
      this.head = 0;
    }
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }

  private trimHead(): void {
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
