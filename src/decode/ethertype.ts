import { decodeETag, decodePbb, decodeVnTag } from './bridging.js';
import { decodeErspan } from './erspan.js';
import { decodeEthernet, decodeVlanTag } from './ethernet.js';
import { decodeFabricPath } from './fabricpath.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { decodeMpls } from './mpls.js';
import { decodePppFrame, decodePppoeSession } from './ppp.js';
import { enterTunnel, type Walk } from './walk.js';

/** EtherType values statecap follows (IEEE registry; RFC 7042 §3). */
export const ETHERTYPE = {
  IPV4: 0x0800,
  ARP: 0x0806,
  VLAN: 0x8100,
  QINQ: 0x88a8,
  QINQ_LEGACY: 0x9100,
  IPV6: 0x86dd,
  MPLS: 0x8847,
  MPLS_MULTICAST: 0x8848,
  PPPOE_SESSION: 0x8864,
  PPP: 0x880b,
  TRANSPARENT_ETHERNET: 0x6558,
  ERSPAN_II: 0x88be,
  ERSPAN_III: 0x22eb,
  FABRICPATH: 0x8903,
  PBB: 0x88e7,
  E_TAG: 0x893f,
  VN_TAG: 0x8926,
} as const;

/** Dispatches the payload that an EtherType (Ethernet, VLAN, SLL, GRE, Geneve, ...) announces. */
export function decodeEtherType(walk: Walk, type: number, offset: number, end: number): void {
  switch (type) {
    case ETHERTYPE.IPV4: return decodeIpv4(walk, offset, end);
    case ETHERTYPE.IPV6: return decodeIpv6(walk, offset, end);
    case ETHERTYPE.VLAN:
    case ETHERTYPE.QINQ:
    case ETHERTYPE.QINQ_LEGACY: return decodeVlanTag(walk, offset, end);
    case ETHERTYPE.ARP: walk.packet.skipped = 'arp'; return;
    case ETHERTYPE.MPLS:
    case ETHERTYPE.MPLS_MULTICAST: return decodeMpls(walk, offset, end);
    case ETHERTYPE.PPPOE_SESSION: return decodePppoeSession(walk, offset, end);
    case ETHERTYPE.PPP: return decodePppFrame(walk, offset, end); // PPTP (RFC 2637 §4.1): HDLC-like framing may stay
    case ETHERTYPE.TRANSPARENT_ETHERNET: return decodeEthernet(walk, offset, end); // RFC 1701 §3: bridged Ethernet in GRE
    case ETHERTYPE.ERSPAN_II:
    case ETHERTYPE.ERSPAN_III:
      if (!enterTunnel(walk, 'erspan', offset)) return;
      return decodeErspan(walk, type === ETHERTYPE.ERSPAN_III ? 3 : walk.greSequence ? 2 : 1, offset, end);
    case ETHERTYPE.FABRICPATH: return decodeFabricPath(walk, offset, end);
    case ETHERTYPE.PBB: return decodePbb(walk, offset, end);
    case ETHERTYPE.E_TAG: return decodeETag(walk, offset, end);
    case ETHERTYPE.VN_TAG: return decodeVnTag(walk, offset, end);
    default:
      walk.packet.skipped = 'ethertype-0x' + type.toString(16).padStart(4, '0');
  }
}
