/**
 * Big-endian field reads straight from the capture buffer (no DataView per packet: a DataView is
 * an allocation, and Node buffers are slices of a shared pool). Callers check bounds first
 * (STYLE practice 2): these helpers never check, so an out-of-range read yields NaN-free garbage
 * only if a caller forgot its length check.
 */
export function u16(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}

export function u32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

export function u16le(b: Uint8Array, at: number): number {
  return b[at] | (b[at + 1] << 8);
}

export function u32le(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

/** True when `b` holds the bytes of `view` from `at` (false when they would run past its end). */
export function bytesAt(view: Uint8Array, b: Uint8Array, at: number): boolean {
  if (at + view.length > b.length) return false;
  for (let i = 0; i < view.length; i++) if (b[at + i] !== view[i]) return false;
  return true;
}

/** True when `a` and `b` hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && bytesAt(a, b, 0);
}
