import { u16 } from './bytes.js';
import { decodeIpv6 } from './ipv6.js';
import { enterTunnel, type Walk } from './walk.js';

/**
 * Teredo (RFC 4380 §5.1.1): IPv6 in UDP, optionally preceded by an authentication indicator
 * (0x0001, ID length, AU length, ID, AU, 8-byte nonce, confirmation byte) and/or an origin
 * indication (0x0000, port, address: 8 bytes).
 */
export const TEREDO = {
  PORT: 3544, INDICATOR: 0, AUTHENTICATION: 0x0001, ORIGIN: 0x0000,
  AUTH_ID_LENGTH: 2, AUTH_AU_LENGTH: 3, AUTH_FIXED: 4 + 8 + 1, ORIGIN_LENGTH: 8, IPV6_HEADER: 40, IPV6_PAYLOAD_LENGTH: 4,
} as const;

/** False unless a whole, consistent IPv6 header follows (as Zeek checks): otherwise plain UDP. */
export function decodeTeredo(walk: Walk, offset: number, end: number): boolean {
  const b = walk.bytes;
  let at = offset;
  if (end - at >= 2 && u16(b, at) === TEREDO.AUTHENTICATION) {
    if (end - at < TEREDO.AUTH_FIXED) return false;
    at += TEREDO.AUTH_FIXED + b[at + TEREDO.AUTH_ID_LENGTH] + b[at + TEREDO.AUTH_AU_LENGTH];
  }
  if (end - at >= 2 && u16(b, at) === TEREDO.ORIGIN) at += TEREDO.ORIGIN_LENGTH;
  if (end - at < TEREDO.IPV6_HEADER || b[at] >> 4 !== 6) return false;
  if (TEREDO.IPV6_HEADER + u16(b, at + TEREDO.IPV6_PAYLOAD_LENGTH) > end - at) return false;
  if (enterTunnel(walk, 'teredo', offset)) decodeIpv6(walk, at, end);
  return true;
}
