import { u16 } from './bytes.js';
import { GRE, decodeGre } from './gre.js';
import type { Walk } from './walk.js';

/**
 * GRE-in-UDP (RFC 8086 §3): the UDP payload is a GRE header (RFC 2784 with the RFC 2890 key and
 * sequence fields) and its payload; IANA port 4754 (tshark and Zeek decode it there by default).
 */
export const GRE_IN_UDP = { PORT: 4754 } as const;
/** RFC 2784 §2.1: Reserved0 (bits 1-12, where RFC 2890 takes bits 2 and 3 for K and S) must be zero, and version 0. */
const RESERVED0_AND_VERSION = 0x4fff & ~(GRE.KEY_PRESENT | GRE.SEQUENCE_PRESENT);

/** False (nothing changed) unless the payload starts with a version-0 GRE header whose reserved bits are clear. */
export function decodeGreInUdp(walk: Walk, offset: number, end: number): boolean {
  if (end - offset < GRE.MIN_LENGTH || (u16(walk.bytes, offset + GRE.FLAGS_VERSION) & RESERVED0_AND_VERSION) !== 0) return false;
  decodeGre(walk, offset, end);
  return true;
}
