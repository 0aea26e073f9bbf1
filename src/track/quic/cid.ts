/**
 * Connection IDs as a CID-routing load balancer sees them (STYLE practice 13). Long headers name
 * their CIDs with lengths; short headers do not, so a short header's DCID is matched as a prefix
 * against the CIDs already learned: first among the connections of its own UDP 4-tuple (path),
 * then, for a packet on a new path (migration, RFC 9000 §9), against every known CID of each
 * length seen so far, longest first, as quic-go's `ParseConnectionID(data, shortHeaderConnIDLen)`
 * needs the length from its own state.
 *
 * A CID belongs to a side: 'client' CIDs were chosen by the client (the server sends to them),
 * 'server' CIDs route to the server (the client's original DCID, a Retry's SCID, the server's SCIDs).
 */
import { QUIC_HEADER } from './header.js';

export type CidSide = 'client' | 'server';

/** A learned CID: its bytes (a private copy) and its hex form (map key and report value). */
export interface Cid {
  bytes: Uint8Array;
  hex: string;
}

/** Scratch for cidHex (CIDs are at most 20 bytes, RFC 9000 §17.2; longer input gets its own copy). */
const hexScratch = Buffer.alloc(64);

/**
 * Lowercase hex of `length` bytes of `b` from `start` (map key; reports print CIDs this way).
 * Buffer's hex encoder makes one flat string; appending per byte made a rope of cons strings that
 * each learned CID kept in memory and that had to be flattened to be hashed.
 */
export function cidHex(b: Uint8Array, start = 0, length = b.length - start): string {
  if (length <= 0) return '';
  if (length > hexScratch.length) return Buffer.from(b.subarray(start, start + length)).toString('hex');
  for (let i = 0; i < length; i++) hexScratch[i] = b[start + i];
  return hexScratch.toString('hex', 0, length);
}

/** Bytes of the slabs learned CIDs are copied into. */
const CID_SLAB_BYTES = 16 * 1024;
let slab = new Uint8Array(CID_SLAB_BYTES);
let slabUsed = 0;

/**
 * A CID learned from a view: copied, because the capture's buffer is reused after the packet.
 * The copy is a view into a shared slab (never written to again): a typed array of its own would
 * add an ArrayBuffer and a backing store to every CID of every connection a flood creates.
 */
export function makeCid(view: Uint8Array): Cid {
  if (slabUsed + view.length > slab.length) {
    slab = new Uint8Array(Math.max(CID_SLAB_BYTES, view.length));
    slabUsed = 0;
  }
  const bytes = slab.subarray(slabUsed, slabUsed + view.length);
  bytes.set(view);
  slabUsed += view.length;
  return { bytes, hex: cidHex(view) };
}

/** True when `cid` is a prefix of `b` from `start` (an empty CID is a prefix of anything). */
export function isPrefixAt(cid: Uint8Array, b: Uint8Array, start: number): boolean {
  if (start + cid.length > b.length) return false;
  for (let i = 0; i < cid.length; i++) if (b[start + i] !== cid[i]) return false;
  return true;
}

/**
 * Every non-empty CID of every live connection, by side, with the set of lengths in use so that a
 * short header's DCID can be tried at those lengths only. A CID names one connection; learning it
 * again for another connection moves it (the newer connection wins, as in a real CID router).
 */
export class CidRegistry<C> {
  private readonly maps: Record<CidSide, Map<string, C>> = { client: new Map(), server: new Map() };
  /** How many live CIDs of each length, per side (index = length). */
  private readonly lengthCounts: Record<CidSide, number[]> = {
    client: new Array<number>(QUIC_HEADER.MAX_CID_LENGTH + 1).fill(0),
    server: new Array<number>(QUIC_HEADER.MAX_CID_LENGTH + 1).fill(0),
  };

  /** Maps `cid` to `owner` on `side`. Empty CIDs are never mapped (they are matched per path). */
  add(side: CidSide, cid: Cid, owner: C): void {
    if (cid.bytes.length === 0 || cid.bytes.length > QUIC_HEADER.MAX_CID_LENGTH) return;
    const map = this.maps[side];
    if (!map.has(cid.hex)) this.lengthCounts[side][cid.bytes.length]++;
    map.set(cid.hex, owner);
  }

  /** Removes `cid` if it still names `owner` (used when a connection is evicted). */
  remove(side: CidSide, cid: Cid, owner: C): void {
    const map = this.maps[side];
    if (map.get(cid.hex) !== owner) return;
    map.delete(cid.hex);
    this.lengthCounts[side][cid.bytes.length]--;
  }

  /** The connection an exact CID (a long header's DCID) names on `side`. */
  get(side: CidSide, hex: string): C | undefined {
    return this.maps[side].get(hex);
  }

  /**
   * The connection whose `side` CID is the longest known prefix of `b` at `start` (a short header's
   * DCID whose length is not on the wire). Only lengths with live CIDs are tried, longest first.
   */
  findPrefix(side: CidSide, b: Uint8Array, start: number): { owner: C; length: number } | null {
    const counts = this.lengthCounts[side];
    const map = this.maps[side];
    for (let length = Math.min(QUIC_HEADER.MAX_CID_LENGTH, b.length - start); length > 0; length--) {
      if (counts[length] === 0) continue;
      const owner = map.get(cidHex(b, start, length));
      if (owner !== undefined) return { owner, length };
    }
    return null;
  }

  get size(): number {
    return this.maps.client.size + this.maps.server.size;
  }
}
