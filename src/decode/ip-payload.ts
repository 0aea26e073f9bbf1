import { decodeIcmp, decodeIcmpv6 } from './icmp.js';
import { decodeTcp } from './tcp.js';
import { decodeUdp } from './udp.js';
import type { Walk } from './walk.js';

/** IP protocol numbers statecap follows (IANA "Assigned Internet Protocol Numbers"). */
export const IP_PROTOCOL = { ICMP: 1, IPIP: 4, TCP: 6, UDP: 17, IPV6: 41, GRE: 47, ICMPV6: 58 } as const;

/**
 * Decodes what an IP header carries. `claimed` is the payload length the IP header states
 * (drives TCP sequence accounting); `end` bounds the captured bytes.
 */
export function decodeIpPayload(walk: Walk, protocol: number, offset: number, end: number, claimed: number): void {
  switch (protocol) {
    case IP_PROTOCOL.TCP: return decodeTcp(walk, offset, end, claimed);
    case IP_PROTOCOL.UDP: return decodeUdp(walk, offset, end, claimed);
    case IP_PROTOCOL.ICMP: return decodeIcmp(walk, offset, end);
    case IP_PROTOCOL.ICMPV6: return decodeIcmpv6(walk, offset, end);
    default:
      walk.packet.skipped = 'ip-proto-' + protocol;
  }
}
