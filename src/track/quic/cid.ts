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

/**
 * A CID: its bytes as a latin1 string, one character per byte. It is its own map key and a copy
 * of the capture's bytes in one small flat string; a view (into a slab) plus its hex, as CIDs were
 * kept before, cost three objects and about 200 bytes per CID, for every connection a flood makes.
 * Reports print CIDs in hex (cidText).
 */
export type Cid = string;

/** Scratch the bytes are copied into before being read as latin1 or hex (CIDs are at most 20 bytes, RFC 9000 §17.2). */
const scratch = Buffer.alloc(64);
/**
 * Buffer's own decoders, called without toString's encoding dispatch (on every client Initial of
 * a flood): Buffer.prototype.latin1Slice and hexSlice, which toString('latin1' | 'hex') calls.
 */
const decoders = scratch as unknown as { latin1Slice(start: number, end: number): string; hexSlice(start: number, end: number): string };

/** `length` bytes of `b` from `start` as text in `encoding`, copied through the scratch. */
function bytesText(b: Uint8Array, start: number, length: number, encoding: 'hex' | 'latin1'): string {
  if (length <= 0) return '';
  if (length > scratch.length) return Buffer.from(b.subarray(start, start + length)).toString(encoding);
  for (let i = 0; i < length; i++) scratch[i] = b[start + i];
  return encoding === 'hex' ? decoders.hexSlice(0, length) : decoders.latin1Slice(0, length);
}

/** Lowercase hex of `length` bytes of `b` from `start`. */
export function cidHex(b: Uint8Array, start = 0, length = b.length - start): string {
  return bytesText(b, start, length, 'hex');
}

/**
 * The CID of `length` bytes of `b` from `start`: a copy, since the capture's buffer is reused
 * after the packet. Buffer's latin1 decoder makes one flat string (appending per character would
 * make a rope of cons strings, each kept and flattened to be hashed).
 */
export function cidOf(b: Uint8Array, start = 0, length = b.length - start): Cid {
  return bytesText(b, start, length, 'latin1');
}

/** The CID as reports print it: lowercase hex. */
export function cidText(cid: Cid): string {
  if (cid.length > scratch.length) return Buffer.from(cid, 'latin1').toString('hex');
  for (let i = 0; i < cid.length; i++) scratch[i] = cid.charCodeAt(i);
  return decoders.hexSlice(0, cid.length);
}

/** The CID's bytes (a new array). */
export function cidBytes(cid: Cid): Uint8Array {
  return Buffer.from(cid, 'latin1');
}

/** True when `cid` is the `view`'s bytes. */
export function cidEquals(cid: Cid, view: Uint8Array): boolean {
  if (cid.length !== view.length) return false;
  for (let i = 0; i < view.length; i++) if (cid.charCodeAt(i) !== view[i]) return false;
  return true;
}

/** True when `cid` is a prefix of `b` from `start` (an empty CID is a prefix of anything). */
export function isPrefixAt(cid: Cid, b: Uint8Array, start: number): boolean {
  if (start + cid.length > b.length) return false;
  for (let i = 0; i < cid.length; i++) if (b[start + i] !== cid.charCodeAt(i)) return false;
  return true;
}

/**
 * Every non-empty CID of every live connection, by side, with the set of lengths in use so that a
 * short header's DCID can be tried at those lengths only. A CID names one connection; learning it
 * again for another connection moves it (the newer connection wins, as in a real CID router).
 */
export class CidRegistry<C> {
  private readonly maps: Record<CidSide, Map<Cid, C>> = { client: new Map(), server: new Map() };
  /** How many live CIDs of each length, per side (index = length). */
  private readonly lengthCounts: Record<CidSide, number[]> = {
    client: new Array<number>(QUIC_HEADER.MAX_CID_LENGTH + 1).fill(0),
    server: new Array<number>(QUIC_HEADER.MAX_CID_LENGTH + 1).fill(0),
  };

  /** Maps `cid` to `owner` on `side`. Empty CIDs are never mapped (they are matched per path). */
  add(side: CidSide, cid: Cid, owner: C): void {
    if (cid.length === 0 || cid.length > QUIC_HEADER.MAX_CID_LENGTH) return;
    const map = this.maps[side];
    const size = map.size;
    map.set(cid, owner);
    // One hash lookup, not has() then set(): the map grew when the CID was new.
    if (map.size !== size) this.lengthCounts[side][cid.length]++;
  }

  /** Removes `cid` if it still names `owner` (used when a connection is evicted). */
  remove(side: CidSide, cid: Cid, owner: C): void {
    const map = this.maps[side];
    if (map.get(cid) !== owner) return;
    map.delete(cid);
    this.lengthCounts[side][cid.length]--;
  }

  /** The connection an exact CID (a long header's DCID) names on `side`. */
  get(side: CidSide, cid: Cid): C | undefined {
    return this.maps[side].get(cid);
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
      const owner = map.get(cidOf(b, start, length));
      if (owner !== undefined) return { owner, length };
    }
    return null;
  }

  get size(): number {
    return this.maps.client.size + this.maps.server.size;
  }
}
