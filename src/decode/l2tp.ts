import { u16 } from './bytes.js';
import { decodePppFrame } from './ppp.js';
import { enterTunnel, type Walk } from './walk.js';

/**
 * L2TPv2 (RFC 2661 §3.1) on UDP 1701: flags and version (T L x x S x O P x x x x Ver), optional
 * length, tunnel and session IDs, optional Ns/Nr, optional offset size and padding; a data message
 * carries a PPP frame. Control messages (T set) carry no user packet and stay plain UDP.
 */
export const L2TP = {
  PORT: 1701, FLAGS_VERSION: 0, MIN_LENGTH: 6, VERSION_MASK: 0x000f, VERSION_2: 2,
  TYPE_CONTROL: 0x8000, LENGTH_PRESENT: 0x4000, SEQUENCE_PRESENT: 0x0800, OFFSET_PRESENT: 0x0200,
} as const;

/** False (nothing changed) unless the payload is an L2TPv2 data message whose header fits. */
export function decodeL2tp(walk: Walk, offset: number, end: number): boolean {
  const b = walk.bytes;
  if (end - offset < L2TP.MIN_LENGTH) return false;
  const flags = u16(b, offset + L2TP.FLAGS_VERSION);
  if ((flags & L2TP.VERSION_MASK) !== L2TP.VERSION_2 || flags & L2TP.TYPE_CONTROL) return false;
  let at = offset + 2;
  let payloadEnd = end;
  if (flags & L2TP.LENGTH_PRESENT) {
    const length = u16(b, at); // §3.1: the whole message, header included
    if (length < L2TP.MIN_LENGTH + 2) return false;
    payloadEnd = Math.min(end, offset + length);
    at += 2;
  }
  at += 4; // tunnel ID, session ID
  if (flags & L2TP.SEQUENCE_PRESENT) at += 4; // Ns, Nr
  if (flags & L2TP.OFFSET_PRESENT) {
    if (payloadEnd - at < 2) return false;
    at += 2 + u16(b, at);
  }
  if (at > payloadEnd) return false;
  if (enterTunnel(walk, 'l2tp', offset)) decodePppFrame(walk, at, payloadEnd);
  return true;
}
