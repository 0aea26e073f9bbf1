import { ipv6Text } from './address.js';
import { ipv6Key } from './ip-layer.js';
import { u16, u32 } from './bytes.js';
import { wordSum } from './checksum.js';
import { decodeIpPayload } from './ip-payload.js';
import { badField, tooShort } from './issues.js';
import { newIpLayer, type IpLayer } from './packet.js';
import type { Walk } from './walk.js';

/** IPv6 fixed header (RFC 8200 §3). */
export const IPV6 = { VERSION: 0, PAYLOAD_LENGTH: 4, NEXT_HEADER: 6, HOP_LIMIT: 7, SRC: 8, DST: 24, LENGTH: 40 } as const;

/** Extension headers walked to find the upper-layer protocol (RFC 8200 §4; AH RFC 4302 §2). */
export const EXT = { HOP_BY_HOP: 0, ROUTING: 43, FRAGMENT: 44, AH: 51, DEST_OPTS: 60, NO_NEXT: 59 } as const;
/** Fragment extension header (RFC 8200 §4.5): next, reserved, offset(13) res(2) M(1), identification. */
export const FRAGMENT_HEADER = { NEXT: 0, OFFSET_FLAGS: 2, ID: 4, LENGTH: 8, OFFSET_MASK: 0xfff8, MORE: 0x0001 } as const;
/** Routing header (RFC 8200 §4.4): next, length, routing type, segments left, then type-specific data. */
const ROUTING = { TYPE: 2, SEGMENTS_LEFT: 3, DATA: 8 } as const;
/** Hop-by-hop option Jumbo Payload (RFC 2675 §2): type 0xC2, length 4, 32-bit length. */
const JUMBO_OPTION = 0xc2;
/** Extension headers followed per packet; more is hostile input (bounded loop, STYLE practice 6). */
const MAX_EXTENSIONS = 16;

export function decodeIpv6(walk: Walk, offset: number, end: number): void {
  const b = walk.bytes;
  const packet = walk.packet;
  const have = end - offset;
  if (have < 1) {
    packet.issue = tooShort('ipv6', IPV6.LENGTH, have, offset);
    return;
  }
  const version = b[offset] >> 4;
  if (version !== 6) {
    packet.issue = badField('ipv6', 'version', version, offset);
    return;
  }
  if (have < IPV6.LENGTH) {
    packet.issue = tooShort('ipv6', IPV6.LENGTH, have, offset);
    return;
  }
  let payloadLength = u16(b, offset + IPV6.PAYLOAD_LENGTH);
  const nextHeader = b[offset + IPV6.NEXT_HEADER];
  if (payloadLength === 0 && nextHeader !== EXT.NO_NEXT) {
    // Zero with a payload: a jumbogram (RFC 2675 §3, length in the hop-by-hop option) or, far
    // more often, segmentation offload; failing a jumbo option, use the bytes on the wire.
    payloadLength = jumboLength(b, offset + IPV6.LENGTH, end, nextHeader)
      ?? have - IPV6.LENGTH + (end === walk.end ? walk.uncaptured : 0);
  }
  let ip: IpLayer;
  if (walk.layers !== null) {
    const view = walk.layers.ip;
    view.setIpv6(b, offset + IPV6.SRC, offset + IPV6.DST); // text only when asked for
    ip = view;
  } else {
    ip = newIpLayer();
    ip.src = ipv6Text(b, offset + IPV6.SRC);
    ip.dst = ipv6Text(b, offset + IPV6.DST);
    ip.srcKey = ipv6Key(b, offset + IPV6.SRC);
    ip.dstKey = ipv6Key(b, offset + IPV6.DST);
  }
  ip.version = 6;
  ip.protocol = nextHeader;
  ip.offset = offset - walk.start;
  ip.headerLength = IPV6.LENGTH;
  ip.payloadLength = payloadLength;
  ip.ttl = b[offset + IPV6.HOP_LIMIT];
  ip.id = 0;
  ip.fragment = undefined;
  ip.checksumOk = undefined;
  packet.ip = ip;
  if (walk.verifyChecksums) {
    walk.sourceSum = wordSum(b, offset + IPV6.SRC, offset + IPV6.DST);
    walk.destinationSum = wordSum(b, offset + IPV6.DST, offset + IPV6.LENGTH);
  }
  const payloadEnd = Math.min(end, offset + IPV6.LENGTH + payloadLength);
  decodeIpv6Extensions(walk, ip, offset + IPV6.LENGTH, payloadEnd);
}

/**
 * Walks the extension headers starting at `start` (ip.protocol holds the first one's type),
 * updating ip.protocol / headerLength / payloadLength / id / fragment, then decodes the upper
 * layer unless the packet is a fragment. Also used on a reassembled payload, whose
 * fragmentable part may begin with more extension headers.
 */
export function decodeIpv6Extensions(walk: Walk, ip: IpLayer, start: number, end: number): void {
  const b = walk.bytes;
  const packet = walk.packet;
  let next = ip.protocol;
  let at = start;
  for (let count = 0; count < MAX_EXTENSIONS; count++) {
    let length: number;
    if (next === EXT.HOP_BY_HOP || next === EXT.ROUTING || next === EXT.DEST_OPTS || next === EXT.AH) {
      if (end - at < 2) {
        packet.issue = tooShort('ipv6-ext', 2, end - at, at);
        return;
      }
      length = next === EXT.AH
        ? (b[at + 1] + 2) * 4 // RFC 4302 §2.2: 4-octet units, minus 2
        : (b[at + 1] + 1) * 8; // RFC 8200 §4.3: 8-octet units, not including the first 8
      if (end - at < length) {
        packet.issue = tooShort('ipv6-ext', length, end - at, at);
        return;
      }
      if (next === EXT.ROUTING && walk.verifyChecksums) finalDestination(walk, at, length);
    } else if (next === EXT.FRAGMENT) {
      length = FRAGMENT_HEADER.LENGTH;
      if (end - at < length) {
        packet.issue = tooShort('ipv6-ext', length, end - at, at);
        return;
      }
      const offsetFlags = u16(b, at + FRAGMENT_HEADER.OFFSET_FLAGS);
      const fragmentOffset = offsetFlags & FRAGMENT_HEADER.OFFSET_MASK; // 8-octet units in bits 15..3 = bytes
      const more = (offsetFlags & FRAGMENT_HEADER.MORE) !== 0;
      ip.id = u32(b, at + FRAGMENT_HEADER.ID);
      if (fragmentOffset > 0 || more) {
        // RFC 8200 §4.5: what follows is a piece of the fragmentable part, not a header.
        ip.fragment = { offset: fragmentOffset, more };
        ip.protocol = b[at + FRAGMENT_HEADER.NEXT];
        ip.headerLength += length;
        ip.payloadLength -= length;
        // As for IPv4: a first fragment cut by the snaplen is decoded as far as it goes.
        if (fragmentOffset === 0 && end - (at + length) < ip.payloadLength) {
          decodeIpPayload(walk, ip.protocol, at + length, end, ip.payloadLength);
        }
        return;
      }
      // RFC 6946 §4: an atomic fragment (offset 0, M 0) is processed as a whole packet.
    } else {
      break;
    }
    next = b[at];
    at += length;
    ip.headerLength += length;
    ip.payloadLength -= length;
    ip.protocol = next;
  }
  if (isExtension(next)) {
    packet.issue = badField('ipv6-ext', 'count', MAX_EXTENSIONS + 1, at);
    return;
  }
  decodeIpPayload(walk, next, at, end, ip.payloadLength);
}

function isExtension(next: number): boolean {
  return next === EXT.HOP_BY_HOP || next === EXT.ROUTING || next === EXT.DEST_OPTS || next === EXT.AH || next === EXT.FRAGMENT;
}

/** Jumbo Payload option value if the first extension is hop-by-hop and carries one (RFC 2675 §2). */
function jumboLength(b: Uint8Array, at: number, end: number, nextHeader: number): number | undefined {
  if (nextHeader !== EXT.HOP_BY_HOP || end - at < 2) return undefined;
  const headerEnd = Math.min(end, at + (b[at + 1] + 1) * 8);
  let option = at + 2;
  while (option + 1 < headerEnd) { // each pass advances at least one byte: bounded by headerEnd
    const type = b[option];
    if (type === 0) { option += 1; continue; } // Pad1 (RFC 8200 §4.2)
    const length = b[option + 1];
    if (type === JUMBO_OPTION && length === 4 && option + 6 <= headerEnd) return u32(b, option + 2);
    option += 2 + length;
  }
  return undefined;
}

/**
 * RFC 8200 §8.1: with a routing header still to be processed, the pseudo-header destination is the
 * final one: the last address of a type 0 header, the home address of type 2 (RFC 6275 §6.4),
 * segment list [0] of a segment routing header (RFC 8754 §2).
 */
function finalDestination(walk: Walk, at: number, length: number): void {
  const b = walk.bytes;
  const segmentsLeft = b[at + ROUTING.SEGMENTS_LEFT];
  if (segmentsLeft === 0) return;
  const type = b[at + ROUTING.TYPE];
  let final = -1;
  if (type === 0 && length >= ROUTING.DATA + 16) final = at + ROUTING.DATA + Math.floor((length - ROUTING.DATA) / 16) * 16 - 16;
  else if ((type === 2 || type === 4) && length >= ROUTING.DATA + 16) final = at + ROUTING.DATA;
  if (final < 0) return;
  walk.destinationSum = wordSum(b, final, final + 16);
}
