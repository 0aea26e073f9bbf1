import { decodeArcnetLinux } from './arcnet.js';
import { decodeSll, decodeSll2 } from './cooked.js';
import { decodeEthernet } from './ethernet.js';
import { decodeFddi } from './fddi.js';
import { decodeCiscoHdlc } from './hdlc.js';
import { decodeIeee80211 } from './ieee80211.js';
import { decodeIpoib } from './ipoib.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { badField, tooShort } from './issues.js';
import { decodeJuniperEthernet } from './juniper.js';
import { decodeLoopback } from './loopback.js';
import { decodeNflog } from './nflog.js';
import { decodePppFrame, decodePppoeSession } from './ppp.js';
import { decodeRadiotap } from './radiotap.js';
import type { Walk } from './walk.js';

/** LINKTYPE_* values (tcpdump.org/linktypes.html). */
export const LINKTYPE = {
  NULL: 0, ETHERNET: 1, PPP: 9, FDDI: 10, RAW_OPENBSD: 12, RAW_BSDOS: 14, PPP_HDLC: 50, PPP_ETHER: 51, RAW: 101,
  C_HDLC: 104, IEEE802_11: 105, LOOP: 108, LINUX_SLL: 113, IEEE802_11_RADIOTAP: 127, ARCNET_LINUX: 129, JUNIPER_ETHER: 178, IPV4: 228,
  IPV6: 229, NFLOG: 239, IPOIB: 242, LINUX_SLL2: 276,
} as const;

/** Dispatches on the record's link type (its bytes are [start, end) of walk.bytes); unknown link types are skipped as 'linktype-<N>'. */
export function decodeLink(walk: Walk, linkType: number, start: number, end: number): void {
  switch (linkType) {
    case LINKTYPE.ETHERNET: return decodeEthernet(walk, start, end);
    case LINKTYPE.LINUX_SLL: return decodeSll(walk, start, end);
    case LINKTYPE.LINUX_SLL2: return decodeSll2(walk, start, end);
    case LINKTYPE.NULL:
    case LINKTYPE.LOOP: return decodeLoopback(walk, start, end);
    case LINKTYPE.RAW_OPENBSD:
    case LINKTYPE.RAW_BSDOS:
    case LINKTYPE.RAW: return decodeRawIp(walk, start, end);
    case LINKTYPE.IPV4: return decodeIpv4(walk, start, end);
    case LINKTYPE.IPV6: return decodeIpv6(walk, start, end);
    case LINKTYPE.PPP:
    case LINKTYPE.PPP_HDLC: return decodePppFrame(walk, start, end);
    case LINKTYPE.PPP_ETHER: return decodePppoeSession(walk, start, end);
    case LINKTYPE.C_HDLC: return decodeCiscoHdlc(walk, start, end);
    case LINKTYPE.FDDI: return decodeFddi(walk, start, end);
    case LINKTYPE.NFLOG: return decodeNflog(walk, start, end);
    case LINKTYPE.IEEE802_11: return decodeIeee80211(walk, start, end);
    case LINKTYPE.IEEE802_11_RADIOTAP: return decodeRadiotap(walk, start, end);
    case LINKTYPE.JUNIPER_ETHER: return decodeJuniperEthernet(walk, start, end);
    case LINKTYPE.IPOIB: return decodeIpoib(walk, start, end);
    case LINKTYPE.ARCNET_LINUX: return decodeArcnetLinux(walk, start, end);
    default:
      walk.packet.skipped = 'linktype-' + linkType;
  }
}

/** Raw IP without a link header: the version nibble says which (LINKTYPE_RAW). */
export function decodeRawIp(walk: Walk, offset: number, end: number): void {
  if (end - offset < 1) {
    walk.packet.issue = tooShort('link', 1, end - offset, offset);
    return;
  }
  const version = walk.bytes[offset] >> 4;
  if (version === 4) return decodeIpv4(walk, offset, end);
  if (version === 6) return decodeIpv6(walk, offset, end);
  walk.packet.issue = badField('link', 'ip-version', version, offset);
}
