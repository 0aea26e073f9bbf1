import { u16, u16le } from './bytes.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { badField, tooShort } from './issues.js';
import { decodeRawIp } from './link.js';
import type { Walk } from './walk.js';

/**
 * Linux NFLOG, LINKTYPE_NFLOG (239; tcpdump.org/linktypes/LINKTYPE_NFLOG.html): family,
 * version, resource id, then TLVs of length (including the 4-byte TLV header) and type, padded
 * to 4 bytes. Length and type are in the capturing host's byte order, so each TLV is tried
 * little-endian first, then big-endian. Type 9 (NFULA_PAYLOAD) holds the packet.
 */
export const NFLOG = { FAMILY: 0, VERSION: 1, RESOURCE: 2, HEADER_LENGTH: 4, TLV_HEADER: 4, TYPE_MASK: 0x3fff, TYPE_PAYLOAD: 9 } as const;
const AF_INET = 2;
const AF_INET6 = 10;
const MAX_TLVS = 64;

export function decodeNflog(walk: Walk, offset: number, end: number): void {
  const b = walk.bytes;
  if (end - offset < NFLOG.HEADER_LENGTH) {
    walk.packet.issue = tooShort('link', NFLOG.HEADER_LENGTH, end - offset, offset);
    return;
  }
  const family = b[offset + NFLOG.FAMILY];
  let at = offset + NFLOG.HEADER_LENGTH;
  for (let count = 0; count < MAX_TLVS && end - at >= NFLOG.TLV_HEADER; count++) {
    let length = u16le(b, at);
    let type = u16le(b, at + 2);
    if (length < NFLOG.TLV_HEADER || length > end - at) {
      length = u16(b, at);
      type = u16(b, at + 2);
      if (length < NFLOG.TLV_HEADER || length > end - at) {
        walk.packet.issue = badField('link', 'nflog-tlv-length', u16le(b, at), at);
        return;
      }
    }
    if ((type & NFLOG.TYPE_MASK) === NFLOG.TYPE_PAYLOAD) {
      const payload = at + NFLOG.TLV_HEADER;
      const payloadEnd = at + length;
      if (family === AF_INET) return decodeIpv4(walk, payload, payloadEnd);
      if (family === AF_INET6) return decodeIpv6(walk, payload, payloadEnd);
      return decodeRawIp(walk, payload, payloadEnd);
    }
    at += (length + 3) & ~3; // TLVs are padded to 4 bytes
  }
  walk.packet.skipped = 'nflog-no-payload';
}
