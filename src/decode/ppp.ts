import { u16 } from './bytes.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { badField, tooShort } from './issues.js';
import { decodeMpls } from './mpls.js';
import { enterTunnel, type Walk } from './walk.js';

/** PPP protocol numbers (RFC 1661 §2; IANA PPP DLL protocol numbers). */
export const PPP_PROTOCOL = { IPV4: 0x0021, IPV6: 0x0057, MPLS_UNICAST: 0x0281, MPLS_MULTICAST: 0x0283 } as const;
/** PPP in HDLC-like framing (RFC 1662 §3.1): address 0xff, control 0x03, often omitted. */
const HDLC_ADDRESS = 0xff;
const HDLC_CONTROL = 0x03;
/** PPPoE session header (RFC 2516 §4): version/type, code, session id, length; then the PPP protocol. */
export const PPPOE = { VERSION_TYPE: 0, CODE: 1, SESSION: 2, LENGTH: 4, HEADER_LENGTH: 6, VERSION_TYPE_1_1: 0x11 } as const;

/** LINKTYPE_PPP (9) and LINKTYPE_PPP_HDLC (50): optional address/control, then the protocol field. */
export function decodePppFrame(walk: Walk, offset: number, end: number): void {
  const b = walk.bytes;
  const framed = end - offset >= 2 && b[offset] === HDLC_ADDRESS && b[offset + 1] === HDLC_CONTROL;
  decodePppProtocol(walk, framed ? offset + 2 : offset, end);
}

/** The PPP protocol field, 1 byte when compressed (odd first byte, RFC 1661 §6.5) else 2, then its payload. */
export function decodePppProtocol(walk: Walk, offset: number, end: number): void {
  const b = walk.bytes;
  if (end - offset < 1) {
    walk.packet.issue = tooShort('ppp', 2, end - offset, offset);
    return;
  }
  let protocol: number;
  let next: number;
  if (b[offset] & 0x01) {
    protocol = b[offset];
    next = offset + 1;
  } else {
    if (end - offset < 2) {
      walk.packet.issue = tooShort('ppp', 2, end - offset, offset);
      return;
    }
    protocol = u16(b, offset);
    next = offset + 2;
  }
  switch (protocol) {
    case PPP_PROTOCOL.IPV4: return decodeIpv4(walk, next, end);
    case PPP_PROTOCOL.IPV6: return decodeIpv6(walk, next, end);
    case PPP_PROTOCOL.MPLS_UNICAST:
    case PPP_PROTOCOL.MPLS_MULTICAST: return decodeMpls(walk, next, end);
    default:
      walk.packet.skipped = 'ppp-0x' + protocol.toString(16).padStart(4, '0');
  }
}

/** PPPoE session stage (EtherType 0x8864): the PPP frame is bounded by the header's length. */
export function decodePppoeSession(walk: Walk, offset: number, end: number): void {
  const b = walk.bytes;
  if (end - offset < PPPOE.HEADER_LENGTH) {
    walk.packet.issue = tooShort('ppp', PPPOE.HEADER_LENGTH, end - offset, offset);
    return;
  }
  if (b[offset + PPPOE.VERSION_TYPE] !== PPPOE.VERSION_TYPE_1_1) { // RFC 2516 §4: VER and TYPE are both 1
    walk.packet.issue = badField('ppp', 'pppoe-version-type', b[offset + PPPOE.VERSION_TYPE], offset);
    return;
  }
  if (!enterTunnel(walk, 'pppoe', offset)) return;
  const payloadEnd = Math.min(end, offset + PPPOE.HEADER_LENGTH + u16(b, offset + PPPOE.LENGTH));
  decodePppProtocol(walk, offset + PPPOE.HEADER_LENGTH, payloadEnd);
}
