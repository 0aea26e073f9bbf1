/**
 * Which QUIC connections use each UDP 4-tuple (a path, RFC 9000 §9). Several connections may
 * share one 4-tuple; short-header packets are matched against the CIDs of the path's connections
 * first, and a 4-tuple that has carried QUIC makes its unmatched short headers "unattributed"
 * rather than "not QUIC". Keys come from flow/endpoint.ts `conversationKey` (same both directions).
 */

import { conversationKey } from '../../flow/endpoint.js';

/** Bound on connections remembered per 4-tuple; the oldest is forgotten first. */
const MAX_CONNECTIONS_PER_PATH = 256;

export class PathTable<C extends object> {
  /** A path's lone connection is the value itself (most paths carry one); two or more are an array, oldest first. */
  private readonly paths = new Map<string, C | C[]>();
  /** get()'s answer for a lone connection. */
  private readonly lone: C[] = [];

  /**
   * Connections on `key`, oldest first (empty when the 4-tuple never carried QUIC). The array is
   * valid until the next call: a lone connection comes in one array reused for every answer.
   */
  get(key: string): readonly C[] {
    const value = this.paths.get(key);
    if (value === undefined) return NONE;
    if (Array.isArray(value)) return value;
    this.lone[0] = value;
    return this.lone;
  }

  has(key: string): boolean {
    return this.paths.has(key);
  }

  /** Records that `conn` uses `key` (idempotent). */
  add(key: string, conn: C): void {
    const value = this.paths.get(key);
    if (value === undefined) {
      this.paths.set(key, conn);
      return;
    }
    if (!Array.isArray(value)) {
      if (value !== conn) this.paths.set(key, [value, conn]);
      return;
    }
    if (value.includes(conn)) return;
    if (value.length >= MAX_CONNECTIONS_PER_PATH) value.shift();
    value.push(conn);
  }

  /** Forgets `conn` on `key`; the path is forgotten with its last connection. */
  remove(key: string, conn: C): void {
    const value = this.paths.get(key);
    if (value === undefined) return;
    if (!Array.isArray(value)) {
      if (value === conn) this.paths.delete(key);
      return;
    }
    const i = value.indexOf(conn);
    if (i >= 0) value.splice(i, 1);
    if (value.length === 0) this.paths.delete(key);
  }

  get size(): number {
    return this.paths.size;
  }
}

const NONE: readonly never[] = [];

/** Bound on 4-tuple keys kept by PathKeys before it starts over. */
const MAX_INTERNED_KEYS = 65_536;
const UDP_PROTOCOL = 17;

/** Scratch for flat (4-tuple keys are under 100 characters: two IPv6 addresses, two ports). */
const flatScratch = Buffer.alloc(256);
const latin1 = flatScratch as unknown as { latin1Write(s: string, offset: number, length: number): number; latin1Slice(start: number, end: number): string };

/**
 * The same text as one flat string. A template literal of five parts is a rope of cons strings;
 * a key lives as long as its connection (a flood makes one per packet), and every scavenge it
 * survives copies each of the rope's nodes. Keys are ASCII, so latin1 round-trips them.
 */
function flat(text: string): string {
  if (text.length > flatScratch.length) return text;
  const n = latin1.latin1Write(text, 0, text.length);
  return latin1.latin1Slice(0, n);
}

/**
 * Interns 4-tuple keys: the same string object for the same 4-tuple (either direction), found
 * through maps keyed by the decoder's interned address strings and a number for the ports, so the
 * hot path builds no string per datagram and later map lookups and comparisons hit a cached hash.
 */
export class PathKeys {
  private readonly keys = new Map<string, Map<string, Map<number, string>>>();
  private count = 0;

  /** conversationKey(17, ...) for this 4-tuple, the same object every time. */
  keyFor(src: string, srcPort: number, dst: string, dstPort: number): string {
    // Order the two ends as conversationKey does, so both directions share one entry.
    const first = src < dst || (src === dst && srcPort <= dstPort);
    const a = first ? src : dst;
    const b = first ? dst : src;
    const ports = first ? srcPort * 65536 + dstPort : dstPort * 65536 + srcPort;
    let byB = this.keys.get(a);
    if (!byB) {
      byB = new Map();
      this.keys.set(a, byB);
    }
    let byPorts = byB.get(b);
    if (!byPorts) {
      byPorts = new Map();
      byB.set(b, byPorts);
    }
    let key = byPorts.get(ports);
    if (key === undefined) {
      if (this.count >= MAX_INTERNED_KEYS) {
        this.keys.clear();
        this.count = 0;
        return this.keyFor(src, srcPort, dst, dstPort);
      }
      key = flat(conversationKey(UDP_PROTOCOL, src, srcPort, dst, dstPort));
      byPorts.set(ports, key);
      this.count++;
    }
    return key;
  }
}
