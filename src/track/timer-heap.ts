/**
 * The trackers' inactivity deadlines (TCP flows, QUIC connections): MinHeap's binary heap (the same
 * sift steps, so items due at the same time leave in the same order) over parallel arrays: a
 * deadline is a slot of a Float64Array and a generation in an Int32Array, not an object with a
 * boxed double. A flood makes one deadline per flow or connection, and every one outlives V8's
 * young generation.
 *
 * An entry goes stale when its item sets a newer deadline or leaves the live table; the tracker
 * skips stale ones when they come up and drops them all in `retain` (the item of a stale entry is
 * kept until then: a TCP flow over for good has let go of what it built, see TcpFlow.letGo).
 */
export class TimerHeap<F> {
  private at = new Float64Array(1024);
  private gen = new Int32Array(1024);
  private items: (F | undefined)[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The earliest deadline; +Infinity when empty. */
  get topAt(): number {
    return this.count === 0 ? Number.POSITIVE_INFINITY : this.at[0];
  }

  get topItem(): F {
    return this.items[0] as F;
  }

  get topGen(): number {
    return this.gen[0];
  }

  push(item: F, at: number, gen: number): void {
    if (this.count === this.at.length) this.grow();
    let child = this.count++;
    // Move parents down until the new entry's place is found, then write it once (MinHeap.push).
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!(at < this.at[parent])) break;
      this.move(parent, child);
      child = parent;
    }
    this.set(child, item, at, gen);
  }

  /** Takes the earliest entry out (read it first with topAt / topItem / topGen). */
  pop(): void {
    if (this.count === 0) return;
    const last = --this.count;
    const item = this.items[last] as F;
    const at = this.at[last];
    const gen = this.gen[last];
    this.items[last] = undefined;
    if (last > 0) this.sinkFrom(0, item, at, gen);
  }

  /** Keeps the entries `keep` accepts, in their order, and restores the heap order: O(n) (MinHeap.retain). */
  retain(keep: (item: F, gen: number) => boolean): void {
    let n = 0;
    for (let i = 0; i < this.count; i++) {
      const item = this.items[i] as F;
      if (keep(item, this.gen[i])) this.set(n++, item, this.at[i], this.gen[i]);
    }
    this.items.length = n;
    this.count = n;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.sinkFrom(i, this.items[i] as F, this.at[i], this.gen[i]);
  }

  private sinkFrom(start: number, item: F, at: number, gen: number): void {
    const n = this.count;
    let parent = start;
    // Move earlier children up until the entry's place is found, then write it once (MinHeap.sinkFrom).
    for (;;) {
      const left = parent * 2 + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.at[right] < this.at[left] ? right : left;
      if (!(this.at[child] < at)) break;
      this.move(child, parent);
      parent = child;
    }
    this.set(parent, item, at, gen);
  }

  private move(from: number, to: number): void {
    this.items[to] = this.items[from];
    this.at[to] = this.at[from];
    this.gen[to] = this.gen[from];
  }

  private set(i: number, item: F, at: number, gen: number): void {
    this.items[i] = item;
    this.at[i] = at;
    this.gen[i] = gen;
  }

  private grow(): void {
    const at = new Float64Array(this.at.length * 2);
    at.set(this.at);
    this.at = at;
    const gen = new Int32Array(this.gen.length * 2);
    gen.set(this.gen);
    this.gen = gen;
  }
}
