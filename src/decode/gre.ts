import { u16 } from './bytes.js';
import { decodeEtherType } from './ethertype.js';
import { decodeIpv4 } from './ipv4.js';
import { badField, tooShort } from './issues.js';
import { decodeIeee80211 } from './ieee80211.js';
import { enterTunnel, type Walk } from './walk.js';

/** GRE header (RFC 2784 §2, RFC 2890 §2 key/sequence, RFC 1701 §2 routing; version 1 is PPTP, RFC 2637 §4.1). */
export const GRE = {
  FLAGS_VERSION: 0, PROTOCOL: 2, MIN_LENGTH: 4,
  CHECKSUM_PRESENT: 0x8000, ROUTING_PRESENT: 0x4000, KEY_PRESENT: 0x2000, SEQUENCE_PRESENT: 0x1000,
  ACK_PRESENT: 0x0080, VERSION_MASK: 0x0007,
  /** A Source Route Entry: address family (2), SRE offset (1), SRE length (1), then `length` bytes (RFC 1701 §2.1). */
  SRE_HEADER: 4,
} as const;
/** WCCPv2 redirection in GRE (draft-wilson-wrec-wccp-v2 §4.12): an optional 4-byte redirect header, then IPv4. */
const GRE_WCCP = 0x883e;
/** Aruba access points tunnel raw 802.11 frames in GRE with protocol 0x8200-0x83ff (as Wireshark decodes them). */
const GRE_ARUBA_FIRST = 0x8200;
const GRE_ARUBA_LAST = 0x83ff;
const MAX_SOURCE_ROUTES = 16;

export function decodeGre(walk: Walk, offset: number, end: number): void {
  const b = walk.bytes;
  const packet = walk.packet;
  if (end - offset < GRE.MIN_LENGTH) {
    packet.issue = tooShort('gre', GRE.MIN_LENGTH, end - offset, offset);
    return;
  }
  const flags = u16(b, offset + GRE.FLAGS_VERSION);
  const version = flags & GRE.VERSION_MASK;
  const protocol = u16(b, offset + GRE.PROTOCOL);
  let length = GRE.MIN_LENGTH;
  if (version === 0) {
    if (flags & (GRE.CHECKSUM_PRESENT | GRE.ROUTING_PRESENT)) length += 4; // checksum + offset (RFC 1701 §2)
    if (flags & GRE.KEY_PRESENT) length += 4;
    if (flags & GRE.SEQUENCE_PRESENT) length += 4;
  } else if (version === 1) {
    // RFC 2637 §4.1: key (payload length + call ID) always, sequence and acknowledgment optional.
    length += 4;
    if (flags & GRE.SEQUENCE_PRESENT) length += 4;
    if (flags & GRE.ACK_PRESENT) length += 4;
  } else {
    packet.issue = badField('gre', 'version', version, offset);
    return;
  }
  if (end - offset < length) {
    packet.issue = tooShort('gre', length, end - offset, offset);
    return;
  }
  if (version === 0 && flags & GRE.ROUTING_PRESENT) {
    // RFC 1701 §2.1: Source Route Entries until one with address family 0 and length 0.
    let routes = 0;
    for (; routes < MAX_SOURCE_ROUTES; routes++) {
      if (end - offset < length + GRE.SRE_HEADER) {
        packet.issue = tooShort('gre', length + GRE.SRE_HEADER, end - offset, offset);
        return;
      }
      const family = u16(b, offset + length);
      const sreLength = b[offset + length + 3];
      length += GRE.SRE_HEADER + sreLength;
      if (family === 0 && sreLength === 0) break;
    }
    if (routes === MAX_SOURCE_ROUTES) {
      packet.issue = badField('gre', 'source-routes', routes, offset);
      return;
    }
    if (end - offset < length) {
      packet.issue = tooShort('gre', length, end - offset, offset);
      return;
    }
  }
  if (!enterTunnel(walk, 'gre', offset)) return;
  walk.greSequence = (flags & GRE.SEQUENCE_PRESENT) !== 0;
  const payload = offset + length;
  if (protocol === GRE_WCCP) {
    const redirect = payload < end && b[payload] >> 4 !== 4 ? 4 : 0;
    return decodeIpv4(walk, payload + redirect, end);
  }
  if (protocol >= GRE_ARUBA_FIRST && protocol <= GRE_ARUBA_LAST) return decodeIeee80211(walk, payload, end);
  decodeEtherType(walk, protocol, payload, end);
}
