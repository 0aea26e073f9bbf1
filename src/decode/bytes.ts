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
