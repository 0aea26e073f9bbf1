import { ipv4TextOfKey, ipv6Text } from './address.js';
import type { IpLayer } from './packet.js';

/**
 * Address keys (IpLayer.srcKey / dstKey): a number per address that trackers compare and hash
 * instead of text. An IPv4 address is its own 32-bit value, so equal keys are equal addresses. An
 * IPv6 address is V6_KEY_BASE plus a 32-bit hash of its 16 bytes: a key never equals an IPv4 one,
 * and equal IPv6 keys must still be confirmed by comparing the text (or the bytes).
 */
export const V6_KEY_BASE = 0x1_0000_0000;

/** The key of the IPv6 address at `at` (FNV-1a over its four 32-bit words). */
export function ipv6Key(b: Uint8Array, at: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < 16; i += 4) hash = Math.imul(hash ^ ((b[at + i] << 24) | (b[at + i + 1] << 16) | (b[at + i + 2] << 8) | b[at + i + 3]), 0x01000193);
  return V6_KEY_BASE + (hash >>> 0);
}

/** True when equal keys may still be different addresses (IPv6 keys are hashes). */
export function keyNeedsText(key: number): boolean {
  return key >= V6_KEY_BASE;
}

/**
 * True when the key is an IPv4 address's own 32-bit value, so its text can be made from it later;
 * false for an IPv6 key (a hash) and for a missing one (an IpLayer built by hand without keys).
 */
export function isIpv4Key(key: number): boolean {
  return key >= 0 && !keyNeedsText(key);
}

/**
 * The IP layer a PacketDecoder fills again for every packet. The addresses are kept as keys and
 * a place in the packet's bytes; their text is built only when a tracker reads `src` or `dst`
 * (most packets belong to a known flow, found by key). `src` and `dst` are own enumerable
 * accessors, so a copy (`{ ...ip }`) or a comparison sees text, as with a plain IpLayer.
 */
export class IpLayerView implements IpLayer {
  version: 4 | 6 = 4;
  declare src: string;
  declare dst: string;
  srcKey = 0;
  dstKey = 0;
  protocol = 0;
  offset = 0;
  headerLength = 0;
  payloadLength = 0;
  ttl = 0;
  id = 0;
  fragment: { offset: number; more: boolean } | undefined = undefined;
  checksumOk: boolean | undefined = undefined;
  /** IPv6: the buffer the addresses are in (valid while the packet is), and where each starts. */
  #bytes: Uint8Array = new Uint8Array(0);
  #srcAt = 0;
  #dstAt = 0;
  #srcText: string | null = null;
  #dstText: string | null = null;

  constructor() {
    Object.defineProperty(this, 'src', {
      enumerable: true,
      get: (): string => this.#srcText ??= this.text(this.srcKey, this.#srcAt),
      set: (text: string): void => { this.#srcText = text; },
    });
    Object.defineProperty(this, 'dst', {
      enumerable: true,
      get: (): string => this.#dstText ??= this.text(this.dstKey, this.#dstAt),
      set: (text: string): void => { this.#dstText = text; },
    });
  }

  /** IPv4 addresses, as their 32-bit values. */
  setIpv4(srcKey: number, dstKey: number): void {
    this.srcKey = srcKey;
    this.dstKey = dstKey;
    this.#srcText = null;
    this.#dstText = null;
  }

  /** IPv6 addresses at `srcAt` and `dstAt` in `bytes`. */
  setIpv6(bytes: Uint8Array, srcAt: number, dstAt: number): void {
    this.srcKey = ipv6Key(bytes, srcAt);
    this.dstKey = ipv6Key(bytes, dstAt);
    this.#bytes = bytes;
    this.#srcAt = srcAt;
    this.#dstAt = dstAt;
    this.#srcText = null;
    this.#dstText = null;
  }

  private text(key: number, at: number): string {
    return key < V6_KEY_BASE ? ipv4TextOfKey(key) : ipv6Text(this.#bytes, at);
  }
}
