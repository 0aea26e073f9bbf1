import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { enterTunnel, type Walk } from './walk.js';

/**
 * GTP-U version 1 header (3GPP TS 29.281 §5.1): flags (version 3 bits, PT, E, S, PN), message
 * type, length, TEID; 4 more bytes when any of E/S/PN is set, then extension headers while the
 * "next extension header type" is not 0 (§5.2, each length in 4-byte units).
 */
export const GTPU = {
  FLAGS: 0, MESSAGE_TYPE: 1, LENGTH: 2, TEID: 4, MIN_LENGTH: 8, OPTIONAL_LENGTH: 4, NEXT_EXTENSION: 11,
  VERSION_1: 1, PROTOCOL_TYPE_GTP: 0x10, OPTIONAL_FLAGS: 0x07, EXTENSION_FLAG: 0x04, G_PDU: 0xff, PORT: 2152,
} as const;
const MAX_EXTENSIONS = 16;

/** False when the datagram is not a G-PDU carrying IP (echo, error indication, garbage): it stays plain UDP. */
export function decodeGtpU(walk: Walk, offset: number, end: number): boolean {
  const b = walk.bytes;
  if (end - offset < GTPU.MIN_LENGTH) return false;
  const flags = b[offset + GTPU.FLAGS];
  if (flags >> 5 !== GTPU.VERSION_1 || (flags & GTPU.PROTOCOL_TYPE_GTP) === 0) return false;
  if (b[offset + GTPU.MESSAGE_TYPE] !== GTPU.G_PDU) return false;
  let at = offset + GTPU.MIN_LENGTH;
  if (flags & GTPU.OPTIONAL_FLAGS) {
    if (end - at < GTPU.OPTIONAL_LENGTH) return false;
    at += GTPU.OPTIONAL_LENGTH;
    let next = flags & GTPU.EXTENSION_FLAG ? b[offset + GTPU.NEXT_EXTENSION] : 0;
    for (let count = 0; next !== 0; count++) {
      if (count === MAX_EXTENSIONS || end - at < 1) return false;
      const length = b[at] * 4;
      if (length === 0 || end - at < length) return false;
      next = b[at + length - 1];
      at += length;
    }
  }
  if (end - at < 1) return false;
  const version = b[at] >> 4;
  if (version !== 4 && version !== 6) return false;
  if (!enterTunnel(walk, 'gtp-u', offset)) return true;
  if (version === 4) decodeIpv4(walk, at, end);
  else decodeIpv6(walk, at, end);
  return true;
}
