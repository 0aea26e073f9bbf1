/**
 * Internet checksum arithmetic (RFC 1071). Sums are kept unfolded in a JS number (53-bit safe:
 * 2^37 bytes before overflow) and folded once at the end.
 */

/** Plain sum of the big-endian 16-bit words of b[start, end); an odd last byte is padded with zero (RFC 1071 §1). */
export function wordSum(b: Uint8Array, start: number, end: number): number {
  let sum = 0;
  let i = start;
  const evenEnd = end - ((end - start) & 1);
  for (; i < evenEnd; i += 2) sum += (b[i] << 8) | b[i + 1];
  if (i < end) sum += b[i] << 8;
  return sum;
}

/** Folds a word sum to 16 bits with end-around carry. */
export function fold(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s % 0x10000) + Math.floor(s / 0x10000);
  return s;
}

/** True when the region, including its checksum field, sums to all ones (RFC 1071 §1 verification). */
export function sumIsValid(sum: number): boolean {
  return fold(sum) === 0xffff;
}
