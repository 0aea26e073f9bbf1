/**
 * The live flow table: finds a flow from either direction's 4-tuple, and picks one to evict when the
 * table is full. It identifies a flow exactly as flow/endpoint.ts conversationKey does (the 4-tuple,
 * both directions alike), but hashes the tuple into a number instead of building that key string
 * per packet: the decoder hands out the
 * same address strings again, so hashing them is cheap, while a fresh concatenated key string would
 * have to be flattened and hashed on every lookup. Collisions chain and are told apart by comparing
 * the tuple.
 */
import { LazyQueue } from '../lazy-queue.js';

export interface TableEntry<F> {
  readonly clientAddress: string;
  readonly clientPort: number;
  readonly serverAddress: string;
  readonly serverPort: number;
  /** Seen again since the eviction hand last passed it (CLOCK approximation of LRU). */
  touched: boolean;
  /** Next flow with the same hash. */
  bucketNext: F | null;
  /** In the table (false once deleted; the eviction queue skips it then). */
  listed: boolean;
}

function endpointHash(address: string, port: number): number {
  let h = Math.imul(0x811c9dc5 ^ port, 0x01000193);
  for (let i = 0; i < address.length; i++) h = Math.imul(h ^ address.charCodeAt(i), 0x01000193);
  return (h ^ (h >>> 15)) >>> 0;
}

/** The same number for (a, b) and (b, a). */
function tupleHash(a: string, aPort: number, b: string, bPort: number): number {
  return (endpointHash(a, aPort) + endpointHash(b, bPort)) >>> 0;
}

function matches<F>(f: TableEntry<F>, src: string, srcPort: number, dst: string, dstPort: number): boolean {
  return (f.clientPort === srcPort && f.serverPort === dstPort && f.clientAddress === src && f.serverAddress === dst)
    || (f.clientPort === dstPort && f.serverPort === srcPort && f.clientAddress === dst && f.serverAddress === src);
}

export class FlowTable<F extends TableEntry<F>> {
  /** Bucket heads by tuple hash. */
  private readonly buckets = new Map<number, F>();
  /** Flows in the order the eviction hand passes them. */
  private readonly clock = new LazyQueue<F>((f) => f.listed);
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(src: string, srcPort: number, dst: string, dstPort: number): F | undefined {
    let f = this.buckets.get(tupleHash(src, srcPort, dst, dstPort)) ?? null;
    while (f !== null && !matches(f, src, srcPort, dst, dstPort)) f = f.bucketNext;
    return f ?? undefined;
  }

  add(flow: F): void {
    const h = tupleHash(flow.clientAddress, flow.clientPort, flow.serverAddress, flow.serverPort);
    flow.bucketNext = this.buckets.get(h) ?? null;
    if (flow.bucketNext !== null) this.buckets.delete(h);
    this.buckets.set(h, flow);
    flow.listed = true;
    this.clock.push(flow);
    this.count++;
  }

  delete(flow: F): void {
    const h = tupleHash(flow.clientAddress, flow.clientPort, flow.serverAddress, flow.serverPort);
    const head = this.buckets.get(h);
    if (head === undefined) return;
    if (head === flow) {
      this.buckets.delete(h);
      if (flow.bucketNext !== null) this.buckets.set(h, flow.bucketNext);
    } else {
      let prev: F = head;
      while (prev.bucketNext !== null && prev.bucketNext !== flow) prev = prev.bucketNext;
      if (prev.bucketNext !== flow) return;
      prev.bucketNext = flow.bucketNext;
    }
    flow.bucketNext = null;
    flow.listed = false;
    this.count--;
    this.clock.removed(this.count);
  }

  *values(): IterableIterator<F> {
    for (const head of this.buckets.values()) {
      for (let f: F | null = head; f !== null; f = f.bucketNext) yield f;
    }
  }

  /**
   * A least recently seen flow to evict (CLOCK): the hand passes flows in insertion order; a flow
   * seen since the hand last passed it gets a second chance (back of the queue, mark cleared). Each
   * flow is passed at most twice, so the walk is bounded. The caller deletes the flow returned.
   */
  victim(): F | undefined {
    for (let i = 0, bound = this.count * 2; i <= bound; i++) {
      const f = this.clock.shift();
      if (f === undefined) return undefined;
      if (!f.touched) return f;
      f.touched = false;
      this.clock.push(f);
    }
    return this.clock.shift();
  }

  clear(): void {
    for (const f of this.values()) f.listed = false;
    this.buckets.clear();
    this.clock.clear();
    this.count = 0;
  }
}
