/**
 * The ledger's expiry queue: entries ordered by the capture time at which they expire by
 * themselves (`until`), ties in the order they were scheduled. A binary min-heap specialised for
 * this record and kept as parallel arrays (no object per scheduled expiry: it runs for every hold
 * that carries an `until`, twice per DNS query).
 * Items are never removed early: a re-held or released entry leaves a stale item behind, which the
 * ledger skips when it comes up and sweeps out (`retain`) when stale items dominate.
 */
import type { LiveEntry } from './entry.js';

export class ExpiryQueue {
  private untils: number[] = [];
  /** Scheduling order: ties in `until` expire in it. */
  private seqs: number[] = [];
  private entries: LiveEntry[] = [];
  /** entry.generation when scheduled: stale once the entry was held again. */
  private generations: number[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.untils.length;
  }

  /** The next expiry's time; Infinity when empty. */
  get nextUntil(): number {
    return this.untils.length > 0 ? this.untils[0] : Infinity;
  }

  /** The next expiry's entry and the generation it was scheduled under (call only when size > 0). */
  get nextEntry(): LiveEntry {
    return this.entries[0];
  }

  get nextGeneration(): number {
    return this.generations[0];
  }

  push(until: number, entry: LiveEntry, generation: number): void {
    const untils = this.untils;
    const seqs = this.seqs;
    const seq = this.nextSeq++;
    let child = untils.length;
    untils.push(until);
    seqs.push(seq);
    this.entries.push(entry);
    this.generations.push(generation);
    while (child > 0) {
      const parent = (child - 1) >> 1;
      const above = untils[parent];
      if (above < until || (above === until && seqs[parent] < seq)) break;
      this.move(parent, child);
      child = parent;
    }
    this.put(child, until, seq, entry, generation);
  }

  /** Drops the next expiry (call only when size > 0). */
  pop(): void {
    const last = this.untils.length - 1;
    const until = this.untils.pop() as number;
    const seq = this.seqs.pop() as number;
    const entry = this.entries.pop() as LiveEntry;
    const generation = this.generations.pop() as number;
    if (last > 0) this.place(0, until, seq, entry, generation);
  }

  /** Keeps only the items `keep` accepts, in scheduling order ties as before: O(n). */
  retain(keep: (entry: LiveEntry, generation: number) => boolean): void {
    const { untils, seqs, entries, generations } = this;
    let n = 0;
    for (let i = 0; i < untils.length; i++) {
      if (!keep(entries[i], generations[i])) continue;
      untils[n] = untils[i];
      seqs[n] = seqs[i];
      entries[n] = entries[i];
      generations[n] = generations[i];
      n++;
    }
    untils.length = n;
    seqs.length = n;
    entries.length = n;
    generations.length = n;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.place(i, untils[i], seqs[i], entries[i], generations[i]);
  }

  private move(from: number, to: number): void {
    this.untils[to] = this.untils[from];
    this.seqs[to] = this.seqs[from];
    this.entries[to] = this.entries[from];
    this.generations[to] = this.generations[from];
  }

  private put(at: number, until: number, seq: number, entry: LiveEntry, generation: number): void {
    this.untils[at] = until;
    this.seqs[at] = seq;
    this.entries[at] = entry;
    this.generations[at] = generation;
  }

  /** Puts the item at `start` or below, moving smaller children up. */
  private place(start: number, until: number, seq: number, entry: LiveEntry, generation: number): void {
    const untils = this.untils;
    const seqs = this.seqs;
    const n = untils.length;
    let parent = start;
    for (;;) {
      const left = parent * 2 + 1;
      if (left >= n) break;
      let child = left;
      const right = left + 1;
      if (right < n) {
        const l = untils[left];
        const r = untils[right];
        if (r < l || (r === l && seqs[right] < seqs[left])) child = right;
      }
      const below = untils[child];
      if (until < below || (until === below && seq < seqs[child])) break;
      this.move(child, parent);
      parent = child;
    }
    this.put(parent, until, seq, entry, generation);
  }
}
