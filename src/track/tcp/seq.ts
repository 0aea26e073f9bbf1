/**
 * TCP sequence numbers in 32-bit serial arithmetic (RFC 9293 §3.4, RFC 1982). Sequence numbers are
 * kept as unsigned 32-bit values in plain numbers; never compare them with `<` directly.
 */

/** "No sequence number yet" in a field that holds unsigned 32-bit ones (never a valid value). */
export const NO_SEQ = -1;

/** Signed distance a -> b (positive: b is after a), as RFC 1982 serial arithmetic defines it. */
export function seqDiff(a: number, b: number): number {
  return (b - a) | 0;
}

/** a + n wrapped to 32 bits. */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** a is before b (RFC 9293 §3.4: "SEG.SEQ < RCV.NXT" means modulo 2^32). */
export function seqLt(a: number, b: number): boolean {
  return seqDiff(a, b) > 0;
}

export function seqLe(a: number, b: number): boolean {
  return seqDiff(a, b) >= 0;
}

export function seqGt(a: number, b: number): boolean {
  return seqDiff(a, b) < 0;
}

export function seqGe(a: number, b: number): boolean {
  return seqDiff(a, b) <= 0;
}

/** The later of two sequence numbers. */
export function seqMax(a: number, b: number): number {
  return seqDiff(a, b) > 0 ? b : a;
}

/** Sequence number relative to an initial sequence number, in [0, 2^32). */
export function seqRelative(seq: number, isn: number): number {
  return (seq - isn) >>> 0;
}

/** Sequence space a segment occupies (RFC 9293 §3.4: SYN and FIN each count one). */
export function segmentLength(payloadLength: number, syn: boolean, fin: boolean): number {
  return payloadLength + (syn ? 1 : 0) + (fin ? 1 : 0);
}
