/**
 * Addresses as report text, built straight from the buffer without per-byte arrays.
 * IPv4: dotted decimal. IPv6: RFC 5952 §4 (lowercase, no leading zeros, longest run of two or
 * more zero groups compressed, first run on ties) with the mixed notation of BSD/glibc
 * `inet_ntop`, which Zeek and tshark both print: "::ffff:192.0.2.1" and "::192.0.2.1".
 */
import { bytesAt } from './bytes.js';

const DECIMAL: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i));

/**
 * Text already built for recent addresses: captures repeat a few addresses millions of times, and
 * a Map hit is far cheaper than building (and later flattening) a 7-piece string. The cache only
 * memoizes a pure function, so results do not depend on it; it is emptied when full (bounded).
 */
const MAX_CACHED = 1 << 16;
const ipv4Cache = new Map<number, string>();

export function ipv4Text(b: Uint8Array, at: number): string {
  return ipv4TextOfKey(((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0);
}

/** The text of the IPv4 address whose 32-bit value is `key`. */
export function ipv4TextOfKey(key: number): string {
  let text = ipv4Cache.get(key);
  if (text === undefined) {
    text = DECIMAL[key >>> 24] + '.' + DECIMAL[(key >>> 16) & 0xff] + '.' + DECIMAL[(key >>> 8) & 0xff] + '.' + DECIMAL[key & 0xff];
    if (ipv4Cache.size >= MAX_CACHED) ipv4Cache.clear();
    ipv4Cache.set(key, text);
  }
  return text;
}

/** IPv6 text cache: keyed by a hash of the 16 bytes, each entry keeps its bytes to rule out collisions. */
interface CachedIpv6 { bytes: Uint8Array; text: string }
const ipv6Cache = new Map<number, CachedIpv6>();

export function ipv6Text(b: Uint8Array, at: number): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < 16; i += 4) hash = Math.imul(hash ^ ((b[at + i] << 24) | (b[at + i + 1] << 16) | (b[at + i + 2] << 8) | b[at + i + 3]), 0x01000193);
  const cached = ipv6Cache.get(hash);
  if (cached !== undefined && bytesAt(cached.bytes, b, at)) return cached.text;
  const text = formatIpv6(b, at);
  if (ipv6Cache.size >= MAX_CACHED) ipv6Cache.clear();
  ipv6Cache.set(hash, { bytes: b.slice(at, at + 16), text });
  return text;
}

function formatIpv6(b: Uint8Array, at: number): string {
  // Longest run of zero groups (RFC 5952 §4.2.3: ties go to the first run; §4.2.2: never one group).
  let bestStart = -1;
  let bestLength = 0;
  let runStart = -1;
  for (let g = 0; g < 8; g++) {
    const zero = b[at + g * 2] === 0 && b[at + g * 2 + 1] === 0;
    if (zero) {
      if (runStart < 0) runStart = g;
      const runLength = g - runStart + 1;
      if (runLength > bestLength) { bestStart = runStart; bestLength = runLength; }
    } else {
      runStart = -1;
    }
  }
  if (bestLength < 2) bestStart = -1;
  // IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d), as inet_ntop prints them.
  if (bestStart === 0 && (bestLength === 6 || (bestLength === 5 && b[at + 10] === 0xff && b[at + 11] === 0xff))) {
    return (bestLength === 5 ? '::ffff:' : '::') + ipv4Text(b, at + 12);
  }
  let text = '';
  for (let g = 0; g < 8; g++) {
    if (g === bestStart) {
      text += '::';
      g += bestLength - 1;
      continue;
    }
    if (text.length > 0 && !text.endsWith(':')) text += ':';
    text += (((b[at + g * 2] << 8) | b[at + g * 2 + 1])).toString(16);
  }
  return text;
}
