import { u16 } from './bytes.js';
import { decodeEtherType } from './ethertype.js';
import { tooShort } from './issues.js';
import { decodeLlc } from './llc.js';
import { MAX_VLAN_TAGS, type Walk } from './walk.js';

/** Ethernet II header (IEEE 802.3 §3.1.1). */
export const ETHERNET = { DST: 0, SRC: 6, TYPE: 12, LENGTH: 14 } as const;
/** Values of the type field at or below this are an 802.3 length, and an LLC header follows. */
const MAX_8023_LENGTH = 1500;

/** 802.1Q tag after its TPID (IEEE 802.1Q §9.6): TCI (PCP 3 bits, DEI 1, VID 12) then the next type. */
export const VLAN_TAG = { TCI: 0, TYPE: 2, LENGTH: 4, VID_MASK: 0x0fff } as const;

export function decodeEthernet(walk: Walk, offset: number, end: number): void {
  if (end - offset < ETHERNET.LENGTH) {
    walk.packet.issue = tooShort('ethernet', ETHERNET.LENGTH, end - offset, offset);
    return;
  }
  const type = u16(walk.bytes, offset + ETHERNET.TYPE);
  if (type <= MAX_8023_LENGTH) {
    // IEEE 802.3 length field: the payload is an LLC frame, bounded by that length.
    const llcEnd = Math.min(end, offset + ETHERNET.LENGTH + type);
    return decodeLlc(walk, offset + ETHERNET.LENGTH, llcEnd);
  }
  decodeEtherType(walk, type, offset + ETHERNET.LENGTH, end);
}

/** One VLAN tag (the TPID was the previous type field); stacked tags recurse, at most MAX_VLAN_TAGS. */
export function decodeVlanTag(walk: Walk, offset: number, end: number): void {
  const packet = walk.packet;
  if (end - offset < VLAN_TAG.LENGTH) {
    packet.issue = tooShort('vlan', VLAN_TAG.LENGTH, end - offset, offset);
    return;
  }
  const vid = u16(walk.bytes, offset + VLAN_TAG.TCI) & VLAN_TAG.VID_MASK;
  if (packet.vlans === undefined) packet.vlans = [vid];
  else if (packet.vlans.length >= MAX_VLAN_TAGS) {
    packet.issue = { kind: 'bad-field', layer: 'vlan', field: 'tag-count', value: packet.vlans.length + 1, offset };
    return;
  } else packet.vlans.push(vid);
  decodeEtherType(walk, u16(walk.bytes, offset + VLAN_TAG.TYPE), offset + VLAN_TAG.LENGTH, end);
}
