import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { tooShort } from './issues.js';
import type { Walk } from './walk.js';

/**
 * ARCnet with Linux framing, LINKTYPE_ARCNET_LINUX (129; tcpdump print-arcnet.c): source,
 * destination, 2-byte offset, protocol type. RFC 1051 types are followed by the datagram; RFC
 * 1201 types by a split flag and a 2-byte sequence number (plus 4 bytes in an exception packet,
 * flag 0xff) first.
 */
export const ARCNET_LINUX = { SOURCE: 0, DESTINATION: 1, OFFSET: 2, TYPE: 4, OLD_LENGTH: 5, FLAG: 5, NEW_LENGTH: 8, EXCEPTION_EXTRA: 4, FLAG_EXCEPTION: 0xff } as const;
const TYPE_IP_RFC1051 = 0xf0;
const TYPE_ARP_RFC1051 = 0xf1;
const TYPE_IP_RFC1201 = 0xd4;
const TYPE_ARP_RFC1201 = 0xd5;
const TYPE_IPV6 = 0xc4; // RFC 2497

export function decodeArcnetLinux(walk: Walk, offset: number, end: number): void {
  const b = walk.bytes;
  if (end - offset < ARCNET_LINUX.OLD_LENGTH) {
    walk.packet.issue = tooShort('link', ARCNET_LINUX.OLD_LENGTH, end - offset, offset);
    return;
  }
  const type = b[offset + ARCNET_LINUX.TYPE];
  if (type === TYPE_IP_RFC1051) return decodeIpv4(walk, offset + ARCNET_LINUX.OLD_LENGTH, end);
  if (type === TYPE_ARP_RFC1051 || type === TYPE_ARP_RFC1201) {
    walk.packet.skipped = 'arp';
    return;
  }
  if (type !== TYPE_IP_RFC1201 && type !== TYPE_IPV6) {
    walk.packet.skipped = 'arcnet-0x' + type.toString(16).padStart(2, '0');
    return;
  }
  if (end - offset < ARCNET_LINUX.NEW_LENGTH) {
    walk.packet.issue = tooShort('link', ARCNET_LINUX.NEW_LENGTH, end - offset, offset);
    return;
  }
  const length = ARCNET_LINUX.NEW_LENGTH + (b[offset + ARCNET_LINUX.FLAG] === ARCNET_LINUX.FLAG_EXCEPTION ? ARCNET_LINUX.EXCEPTION_EXTRA : 0);
  if (end - offset < length) {
    walk.packet.issue = tooShort('link', length, end - offset, offset);
    return;
  }
  if (type === TYPE_IPV6) decodeIpv6(walk, offset + length, end);
  else decodeIpv4(walk, offset + length, end);
}
