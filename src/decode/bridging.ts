import { u16 } from './bytes.js';
import { decodeEthernet } from './ethernet.js';
import { decodeEtherType } from './ethertype.js';
import { tooShort } from './issues.js';
import { enterTunnel, type Walk } from './walk.js';

/** IEEE 802.1ah Provider Backbone Bridge I-TAG (EtherType 0x88e7): 4 bytes (flags, I-SID), then the customer frame's addresses and type. */
export const PBB_ITAG = { LENGTH: 4 } as const;
/** IEEE 802.1BR E-TAG (EtherType 0x893f): 6 bytes after the type, then the next EtherType. */
export const E_TAG = { LENGTH: 6, NEXT_TYPE: 6 } as const;

/**
 * Cisco VN-Tag (EtherType 0x8926, IEEE 802.1Qbh draft): 4 bytes (direction, pointer, destination
 * and source virtual interface) after the type, then the next EtherType. Wireshark and Zeek both
 * read it; it may sit inside a VLAN tag or carry one.
 */
export const VN_TAG = { LENGTH: 4, NEXT_TYPE: 4 } as const;

export function decodeVnTag(walk: Walk, offset: number, end: number): void {
  if (end - offset < VN_TAG.LENGTH + 2) {
    walk.packet.issue = tooShort('vlan', VN_TAG.LENGTH + 2, end - offset, offset);
    return;
  }
  decodeEtherType(walk, u16(walk.bytes, offset + VN_TAG.NEXT_TYPE), offset + VN_TAG.LENGTH + 2, end);
}

export function decodePbb(walk: Walk, offset: number, end: number): void {
  if (end - offset < PBB_ITAG.LENGTH) {
    walk.packet.issue = tooShort('ethernet', PBB_ITAG.LENGTH, end - offset, offset);
    return;
  }
  if (!enterTunnel(walk, 'pbb', offset)) return;
  decodeEthernet(walk, offset + PBB_ITAG.LENGTH, end);
}

export function decodeETag(walk: Walk, offset: number, end: number): void {
  if (end - offset < E_TAG.LENGTH + 2) {
    walk.packet.issue = tooShort('vlan', E_TAG.LENGTH + 2, end - offset, offset);
    return;
  }
  decodeEtherType(walk, u16(walk.bytes, offset + E_TAG.NEXT_TYPE), offset + E_TAG.LENGTH + 2, end);
}
