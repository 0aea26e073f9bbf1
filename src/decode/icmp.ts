import { ipv4Text, ipv6Text } from './address.js';
import { u16 } from './bytes.js';
import { tooShort } from './issues.js';
import type { IcmpMessage } from './packet.js';
import type { Walk } from './walk.js';

/** ICMP header (RFC 792): type, code, checksum, 4 type-specific bytes, then the quoted datagram. */
export const ICMP = { TYPE: 0, CODE: 1, CHECKSUM: 2, HEADER_LENGTH: 8 } as const;
/** ICMP error types that quote the offending datagram's header and first 8 bytes (RFC 792; RFC 1122 §3.2.2). */
const ICMP_ERRORS: ReadonlySet<number> = new Set([3, 4, 5, 11, 12]);
const ICMP_UNREACHABLE = 3;
/** ICMPv6 error messages are types 0-127 and quote as much of the packet as fits (RFC 4443 §2.1, §3). */
const ICMPV6_MAX_ERROR_TYPE = 127;
const ICMPV6_UNREACHABLE = 1;
/** Quoted-header walk: IPv6 extension headers that may precede the transport (RFC 8200 §4). */
const QUOTED_EXTENSIONS: ReadonlySet<number> = new Set([0, 43, 60]);
const MAX_QUOTED_EXTENSIONS = 8;

type Quoted = NonNullable<IcmpMessage['quoted']>;

export function decodeIcmp(walk: Walk, offset: number, end: number): void {
  decodeIcmpMessage(walk, offset, end, 4);
}

export function decodeIcmpv6(walk: Walk, offset: number, end: number): void {
  decodeIcmpMessage(walk, offset, end, 6);
}

/** ICMP (RFC 792) and ICMPv6 (RFC 4443) share the type/code header; only the error types differ. */
function decodeIcmpMessage(walk: Walk, offset: number, end: number, version: 4 | 6): void {
  const b = walk.bytes;
  if (end - offset < ICMP.HEADER_LENGTH) {
    walk.packet.issue = tooShort(version === 4 ? 'icmp' : 'icmpv6', ICMP.HEADER_LENGTH, end - offset, offset);
    return;
  }
  const type = b[offset + ICMP.TYPE];
  const body = offset + ICMP.HEADER_LENGTH;
  const message: IcmpMessage = {
    version,
    type,
    code: b[offset + ICMP.CODE],
    unreachable: type === (version === 4 ? ICMP_UNREACHABLE : ICMPV6_UNREACHABLE),
    identifier: u16(b, offset + 4),
    sequence: u16(b, offset + 6),
    payloadLength: end - body,
    quoted: version === 4
      ? (ICMP_ERRORS.has(type) ? quotedIpv4(b, body, end) : undefined)
      : (type <= ICMPV6_MAX_ERROR_TYPE ? quotedIpv6(b, body, end) : undefined),
  };
  walk.packet.icmp = message;
}

/** The quoted IPv4 header and, for the first fragment of TCP/UDP, the ports; undefined if unreadable. */
function quotedIpv4(b: Uint8Array, at: number, end: number): Quoted | undefined {
  if (end - at < 20 || b[at] >> 4 !== 4) return undefined;
  const headerLength = (b[at] & 0x0f) * 4;
  if (headerLength < 20 || end - at < headerLength) return undefined;
  const protocol = b[at + 9];
  const quoted: Quoted = { src: ipv4Text(b, at + 12), dst: ipv4Text(b, at + 16), protocol, srcPort: undefined, dstPort: undefined };
  const firstFragment = (u16(b, at + 6) & 0x1fff) === 0;
  if (firstFragment) addPorts(quoted, b, at + headerLength, end);
  return quoted;
}

/** The quoted IPv6 header, the protocol after its extension headers, and TCP/UDP ports. */
function quotedIpv6(b: Uint8Array, at: number, end: number): Quoted | undefined {
  if (end - at < 40 || b[at] >> 4 !== 6) return undefined;
  let protocol = b[at + 6];
  let next = at + 40;
  for (let count = 0; count < MAX_QUOTED_EXTENSIONS && QUOTED_EXTENSIONS.has(protocol); count++) {
    if (end - next < 2) break;
    protocol = b[next];
    next += (b[next + 1] + 1) * 8;
  }
  const quoted: Quoted = { src: ipv6Text(b, at + 8), dst: ipv6Text(b, at + 24), protocol, srcPort: undefined, dstPort: undefined };
  if (!QUOTED_EXTENSIONS.has(protocol)) addPorts(quoted, b, next, end);
  return quoted;
}

function addPorts(quoted: Quoted, b: Uint8Array, at: number, end: number): void {
  if ((quoted.protocol === 6 || quoted.protocol === 17) && end - at >= 4) {
    quoted.srcPort = u16(b, at);
    quoted.dstPort = u16(b, at + 2);
  }
}
