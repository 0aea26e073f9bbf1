/**
 * The live flow table: finds a flow from either direction's 4-tuple, and picks one to evict when the
 * table is full. It identifies a flow exactly as flow/endpoint.ts conversationKey does (the 4-tuple,
 * both directions alike), but by the decoder's numeric address keys (decode/ip-layer.ts) instead
 * of text: the tuple hashes to a number without reading an address string. Collisions chain and
 * are told apart by comparing keys and ports, and the text only where keys are hashes (IPv6).
 */
import type { IpLayer } from '../../decode/packet.js';
import { keyNeedsText } from '../../decode/ip-layer.js';
import { LazyQueue } from '../lazy-queue.js';

export interface TableEntry<F> {
  readonly clientAddress: string;
  readonly clientPort: number;
  readonly serverAddress: string;
  readonly serverPort: number;
  /** The addresses' keys (IpLayer.srcKey / dstKey of the packets that carry them). */
  readonly clientKey: number;
  readonly serverKey: number;
  /** Seen again since the eviction hand last passed it (CLOCK approximation of LRU). */
  touched: boolean;
  /** Next flow with the same hash. */
  bucketNext: F | null;
  /** In the table (false once deleted; the eviction queue skips it then). */
  listed: boolean;
}

function endpointHash(key: number, port: number): number {
  // key | 0 keeps the low 32 bits: an IPv4 address, or an IPv6 key's hash.
  const h = Math.imul((key | 0) ^ Math.imul(port, 0x9e3779b1), 0x85ebca6b);
  return h ^ (h >>> 13);
}

/** The same number for (a, b) and (b, a); a small integer, cheap to use as a Map key. */
function tupleHash(aKey: number, aPort: number, bKey: number, bPort: number): number {
  return (endpointHash(aKey, aPort) + endpointHash(bKey, bPort)) & 0x3fffffff;
}

function matches<F>(f: TableEntry<F>, ip: IpLayer, srcPort: number, dstPort: number): boolean {
  const srcKey = ip.srcKey;
  const dstKey = ip.dstKey;
  if (f.clientPort === srcPort && f.serverPort === dstPort && f.clientKey === srcKey && f.serverKey === dstKey) {
    return !(keyNeedsText(srcKey) || keyNeedsText(dstKey)) || (f.clientAddress === ip.src && f.serverAddress === ip.dst);
  }
  if (f.clientPort === dstPort && f.serverPort === srcPort && f.clientKey === dstKey && f.serverKey === srcKey) {
    return !(keyNeedsText(srcKey) || keyNeedsText(dstKey)) || (f.clientAddress === ip.dst && f.serverAddress === ip.src);
  }
  return false;
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

  /** The flow of the packet with this IP layer and these ports, in either direction. */
  get(ip: IpLayer, srcPort: number, dstPort: number): F | undefined {
    let f = this.buckets.get(tupleHash(ip.srcKey, srcPort, ip.dstKey, dstPort)) ?? null;
    while (f !== null && !matches(f, ip, srcPort, dstPort)) f = f.bucketNext;
    return f ?? undefined;
  }

  add(flow: F): void {
    const h = tupleHash(flow.clientKey, flow.clientPort, flow.serverKey, flow.serverPort);
    flow.bucketNext = this.buckets.get(h) ?? null;
    if (flow.bucketNext !== null) this.buckets.delete(h);
    this.buckets.set(h, flow);
    flow.listed = true;
    this.clock.push(flow);
    this.count++;
  }

  delete(flow: F): void {
    const h = tupleHash(flow.clientKey, flow.clientPort, flow.serverKey, flow.serverPort);
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
