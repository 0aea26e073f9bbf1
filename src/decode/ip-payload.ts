import { decodeGre } from './gre.js';
import { decodeIcmp, decodeIcmpv6 } from './icmp.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { decodeTcp } from './tcp.js';
import { decodeUdp } from './udp.js';
import { enterTunnel, type Walk } from './walk.js';

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
    case IP_PROTOCOL.GRE: return decodeGre(walk, offset, end);
    case IP_PROTOCOL.IPIP: // RFC 2003 (IPv4 in IPv4), RFC 2473 (IPv4 in IPv6)
      if (!enterTunnel(walk, walk.packet.ip?.version === 6 ? '4in6' : 'ipip', offset)) return;
      return decodeIpv4(walk, offset, end);
    case IP_PROTOCOL.IPV6: // RFC 4213 §3 (6in4), RFC 2473 (IPv6 in IPv6)
      if (!enterTunnel(walk, walk.packet.ip?.version === 6 ? '6in6' : '6in4', offset)) return;
      return decodeIpv6(walk, offset, end);
    default:
      walk.packet.skipped = 'ip-proto-' + protocol;
  }
}
