/**
 * Flows found from either direction's 4-tuple by the decoder's numeric address keys
 * (decode/ip-layer.ts) instead of text: the tuple hashes to a number without reading an address
 * string. It identifies a flow exactly as flow/endpoint.ts conversationKey does (both directions
 * alike). Collisions chain and are told apart by comparing keys and ports, and the text only
 * where keys are hashes (IPv6). The TCP flow table and the UDP flows index by it.
 */
import { keyNeedsText } from '../decode/ip-layer.js';

/** A packet's two ends by address key; an IpLayer is one. The text is read only where keys are hashes. */
export interface KeyedEnds {
  readonly srcKey: number;
  readonly dstKey: number;
  readonly src: string;
  readonly dst: string;
}

export interface TupleEntry<F> {
  readonly clientAddress: string;
  /** Always a number for an indexed entry (null only for flows of other tables, e.g. ICMP's). */
  readonly clientPort: number | null;
  readonly serverAddress: string;
  readonly serverPort: number | null;
  /** The addresses' keys (srcKey / dstKey of the packets that carry them). */
  readonly clientKey: number;
  readonly serverKey: number;
  /** Next entry with the same hash. */
  bucketNext: F | null;
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

function entryHash<F>(f: TupleEntry<F>): number {
  return tupleHash(f.clientKey, f.clientPort as number, f.serverKey, f.serverPort as number);
}

/** The packet with these ends and this source port was sent by the entry's client. */
export function sentByClient<F>(f: TupleEntry<F>, ends: KeyedEnds, srcPort: number): boolean {
  return srcPort === f.clientPort && ends.srcKey === f.clientKey && (!keyNeedsText(ends.srcKey) || ends.src === f.clientAddress);
}

function matches<F>(f: TupleEntry<F>, ends: KeyedEnds, srcPort: number, dstPort: number): boolean {
  const srcKey = ends.srcKey;
  const dstKey = ends.dstKey;
  if (f.clientPort === srcPort && f.serverPort === dstPort && f.clientKey === srcKey && f.serverKey === dstKey) {
    return !(keyNeedsText(srcKey) || keyNeedsText(dstKey)) || (f.clientAddress === ends.src && f.serverAddress === ends.dst);
  }
  if (f.clientPort === dstPort && f.serverPort === srcPort && f.clientKey === dstKey && f.serverKey === srcKey) {
    return !(keyNeedsText(srcKey) || keyNeedsText(dstKey)) || (f.clientAddress === ends.dst && f.serverAddress === ends.src);
  }
  return false;
}

export class TupleIndex<F extends TupleEntry<F>> {
  /** Bucket heads by tuple hash. */
  private readonly buckets = new Map<number, F>();

  /** The entry of a packet with these ends and ports, in either direction. */
  get(ends: KeyedEnds, srcPort: number, dstPort: number): F | undefined {
    let f = this.buckets.get(tupleHash(ends.srcKey, srcPort, ends.dstKey, dstPort)) ?? null;
    while (f !== null && !matches(f, ends, srcPort, dstPort)) f = f.bucketNext;
    return f ?? undefined;
  }

  add(entry: F): void {
    const h = entryHash(entry);
    entry.bucketNext = this.buckets.get(h) ?? null;
    // A bucket whose head changes moves to the end of the Map's order (values() follows it).
    if (entry.bucketNext !== null) this.buckets.delete(h);
    this.buckets.set(h, entry);
  }

  /** Takes the entry out; false when it was not indexed. */
  delete(entry: F): boolean {
    const h = entryHash(entry);
    const head = this.buckets.get(h);
    if (head === undefined) return false;
    if (head === entry) {
      this.buckets.delete(h);
      if (entry.bucketNext !== null) this.buckets.set(h, entry.bucketNext);
    } else {
      let prev: F = head;
      while (prev.bucketNext !== null && prev.bucketNext !== entry) prev = prev.bucketNext;
      if (prev.bucketNext !== entry) return false;
      prev.bucketNext = entry.bucketNext;
    }
    entry.bucketNext = null;
    return true;
  }

  *values(): IterableIterator<F> {
    for (const head of this.buckets.values()) {
      for (let f: F | null = head; f !== null; f = f.bucketNext) yield f;
    }
  }

  clear(): void {
    this.buckets.clear();
  }
}
