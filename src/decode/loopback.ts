import { u32, u32le } from './bytes.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { tooShort } from './issues.js';
import type { Walk } from './walk.js';

/** BSD loopback header: a 4-byte address family (tcpdump.org/linktypes/LINKTYPE_NULL.html). */
export const LOOPBACK = { FAMILY: 0, LENGTH: 4 } as const;
/** AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD/OpenBSD/BSD/OS), 28 (FreeBSD), 30 (Darwin). */
const AF_INET = 2;
const AF_INET6: ReadonlySet<number> = new Set([24, 28, 30]);

/**
 * LINKTYPE_NULL stores the family in the writer's byte order, LINKTYPE_LOOP in network order;
 * both are read here in either order: a family is small, so a value with only high bytes set is
 * the other byte order.
 */
export function decodeLoopback(walk: Walk, offset: number, end: number): void {
  const b = walk.bytes;
  if (end - offset < LOOPBACK.LENGTH) {
    walk.packet.issue = tooShort('null', LOOPBACK.LENGTH, end - offset, offset);
    return;
  }
  let family = u32le(b, offset + LOOPBACK.FAMILY);
  if (family > 0xffff) family = u32(b, offset + LOOPBACK.FAMILY);
  const next = offset + LOOPBACK.LENGTH;
  if (family === AF_INET) return decodeIpv4(walk, next, end);
  if (AF_INET6.has(family)) return decodeIpv6(walk, next, end);
  walk.packet.skipped = 'af-' + family;
}
