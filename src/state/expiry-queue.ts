/**
 * The ledger's expiry queue: entries ordered by the capture time at which they expire by
 * themselves (`until`), ties in the order they were scheduled. A binary min-heap specialised for
 * this record, over parallel typed arrays that double when full: no object and no heap number per
 * scheduled expiry (it runs for every hold that carries an `until`, twice per DNS query).
 * (until, scheduling order) is a total order, so the order of expiries does not depend on the
 * heap's shape: any heap of the same items gives them up in the same order.
 * Items are never removed early: a re-held or released entry leaves a stale item behind, which the
 * ledger skips when it comes up and sweeps out (`retain`) when stale items dominate.
 */
import type { LiveEntry } from './entry.js';

/** Items of a new queue (grown by doubling). */
const INITIAL_CAPACITY = 64;

export class ExpiryQueue {
  /** Per item, at 2i its `until` and at 2i + 1 its scheduling order (ties in `until` expire in it): one cache line for a comparison. */
  private keys = new Float64Array(2 * INITIAL_CAPACITY);
  /** entry.generation when scheduled: stale once the entry was held again (compared as int32). */
  private generations = new Int32Array(INITIAL_CAPACITY);
  private entries: (LiveEntry | undefined)[] = new Array<LiveEntry | undefined>(INITIAL_CAPACITY).fill(undefined);
  private count = 0;
  /** A double, exact to 2^53 schedulings (an int32 would wrap on a long capture). */
  private nextSeq = 0;

  get size(): number {
    return this.count;
  }

  /** The next expiry's time; Infinity when empty. */
  get nextUntil(): number {
    return this.count > 0 ? this.keys[0] : Infinity;
  }

  /** The next expiry's entry and the generation it was scheduled under (call only when size > 0). */
  get nextEntry(): LiveEntry {
    return this.entries[0] as LiveEntry;
  }

  get nextGeneration(): number {
    return this.generations[0];
  }

  push(until: number, entry: LiveEntry, generation: number): void {
    if (this.count === this.generations.length) this.grow();
    const keys = this.keys;
    const seq = this.nextSeq++;
    let child = this.count++;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      const above = keys[2 * parent];
      if (above < until || (above === until && keys[2 * parent + 1] < seq)) break;
      this.move(parent, child);
      child = parent;
    }
    this.put(child, until, seq, entry, generation);
  }

  /** Drops the next expiry (call only when size > 0). */
  pop(): void {
    const last = --this.count;
    const keys = this.keys;
    const entry = this.entries[last] as LiveEntry;
    this.entries[last] = undefined; // the queue must not keep a dropped entry alive
    if (last > 0) this.place(0, keys[2 * last], keys[2 * last + 1], entry, this.generations[last]);
  }

  /** Keeps only the items `keep` accepts: O(n). */
  retain(keep: (entry: LiveEntry, generation: number) => boolean): void {
    const { keys, generations, entries } = this;
    const count = this.count;
    let n = 0;
    for (let i = 0; i < count; i++) {
      const entry = entries[i] as LiveEntry;
      if (!keep(entry, generations[i])) continue;
      keys[2 * n] = keys[2 * i];
      keys[2 * n + 1] = keys[2 * i + 1];
      generations[n] = generations[i];
      entries[n] = entry;
      n++;
    }
    entries.fill(undefined, n, count);
    this.count = n;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.place(i, keys[2 * i], keys[2 * i + 1], entries[i] as LiveEntry, generations[i]);
  }

  private grow(): void {
    const capacity = 2 * this.generations.length;
    const keys = new Float64Array(2 * capacity);
    keys.set(this.keys);
    this.keys = keys;
    const generations = new Int32Array(capacity);
    generations.set(this.generations);
    this.generations = generations;
    const entries = this.entries;
    for (let i = entries.length; i < capacity; i++) entries.push(undefined);
  }

  private move(from: number, to: number): void {
    const keys = this.keys;
    keys[2 * to] = keys[2 * from];
    keys[2 * to + 1] = keys[2 * from + 1];
    this.generations[to] = this.generations[from];
    this.entries[to] = this.entries[from];
  }

  private put(at: number, until: number, seq: number, entry: LiveEntry, generation: number): void {
    this.keys[2 * at] = until;
    this.keys[2 * at + 1] = seq;
    this.generations[at] = generation;
    this.entries[at] = entry;
  }

  /** Puts the item at `start` or below, moving smaller children up. */
  private place(start: number, until: number, seq: number, entry: LiveEntry, generation: number): void {
    const keys = this.keys;
    const n = this.count;
    let parent = start;
    for (;;) {
      const left = parent * 2 + 1;
      if (left >= n) break;
      let child = left;
      const right = left + 1;
      if (right < n) {
        const l = keys[2 * left];
        const r = keys[2 * right];
        if (r < l || (r === l && keys[2 * right + 1] < keys[2 * left + 1])) child = right;
      }
      const below = keys[2 * child];
      if (until < below || (until === below && seq < keys[2 * child + 1])) break;
      this.move(child, parent);
      parent = child;
    }
    this.put(parent, until, seq, entry, generation);
  }
}
