/**
 * QUIC variable-length integers (RFC 9000 §16): the two high bits of the first byte give the
 * length (1, 2, 4 or 8 bytes), the remaining bits the value, big-endian.
 *
 * Values are returned as JS numbers. An 8-byte varint can exceed 2^53; such values lose their
 * low bits, which is harmless here: every length or offset that large is already past the end
 * of any buffer and is rejected by the caller's bounds check.
 */

/** Where a varint read left off: `value` and the offset just past it. `next < 0` means "ran out of bytes". */
export interface VarintRead {
  value: number;
  next: number;
}

/** Bytes a varint occupies, from the two high bits of its first byte (RFC 9000 §16). */
export function varintLength(firstByte: number): number {
  return 1 << (firstByte >> 6);
}

/**
 * Reads the varint at `offset`. On success `next` is the offset after it; when the buffer ends
 * first, `next` is -1 and `value` is 0. Never throws. The result object is reused by callers that
 * pass `out` (hot path: no allocation per read).
 */
export function readVarint(b: Uint8Array, offset: number, out: VarintRead = { value: 0, next: 0 }): VarintRead {
  if (offset < 0 || offset >= b.length) return fail(out);
  const first = b[offset];
  const len = varintLength(first);
  if (offset + len > b.length) return fail(out);
  let value = first & 0x3f;
  // Multiplying instead of shifting keeps values above 2^31 exact up to 2^53.
  for (let i = 1; i < len; i++) value = value * 256 + b[offset + i];
  out.value = value;
  out.next = offset + len;
  return out;
}

function fail(out: VarintRead): VarintRead {
  out.value = 0;
  out.next = -1;
  return out;
}

/** Encodes `value` in the shortest varint form (test builders and the CRYPTO reassembly tests use it). */
export function encodeVarint(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`varint: ${value} is not a non-negative integer`);
  if (value < 0x40) return Uint8Array.of(value);
  if (value < 0x4000) return Uint8Array.of(0x40 | (value >> 8), value & 0xff);
  if (value < 0x40000000) {
    return Uint8Array.of(0x80 | (value >>> 24), (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
  }
  const out = new Uint8Array(8);
  let v = value;
  for (let i = 7; i >= 0; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  out[0] |= 0xc0;
  return out;
}
