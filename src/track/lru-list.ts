/**
 * Least-recently-active order of a tracker's live entries (QUIC connections, UDP and ICMP flows, HTTP
 * connections), as links in the entries themselves.
 *
 * Why not a Map re-inserted on every touch, evicting its first key: V8 leaves a deleted Map entry
 * as a hole until the table is rehashed, and iteration must step over the holes, so under a flood
 * (one delete at the front per eviction, one per touch) finding the first live entry became a walk
 * over many thousands of holes. Here touching and evicting are O(1) and allocate nothing.
 */
export interface LruLinks<T> {
  lruPrev: T | null;
  lruNext: T | null;
}

export class LruList<T extends LruLinks<T>> {
  /** Least recently active. */
  private head: T | null = null;
  /** Most recently active. */
  private tail: T | null = null;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The least recently active entry, or null when empty. */
  get oldest(): T | null {
    return this.head;
  }

  /** Least recently active first. */
  *values(): IterableIterator<T> {
    for (let node = this.head; node !== null; node = node.lruNext) yield node;
  }

  has(node: T): boolean {
    return node.lruPrev !== null || this.head === node;
  }

  /** Adds `node` (not in the list) as the most recently active. */
  push(node: T): void {
    node.lruPrev = this.tail;
    node.lruNext = null;
    if (this.tail) this.tail.lruNext = node;
    else this.head = node;
    this.tail = node;
    this.count++;
  }

  /** Makes `node` (in the list) the most recently active. */
  moveToBack(node: T): void {
    if (this.tail === node) return;
    this.remove(node);
    this.push(node);
  }

  /** Takes `node` (in the list) out. */
  remove(node: T): void {
    if (node.lruPrev) node.lruPrev.lruNext = node.lruNext;
    else this.head = node.lruNext;
    if (node.lruNext) node.lruNext.lruPrev = node.lruPrev;
    else this.tail = node.lruPrev;
    node.lruPrev = null;
    node.lruNext = null;
    this.count--;
  }
}
