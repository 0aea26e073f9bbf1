import { u16 } from './bytes.js';
import { decodeEtherType } from './ethertype.js';
import { tooShort } from './issues.js';
import type { Walk } from './walk.js';

/** IEEE 802.2 LLC header with a SNAP extension (RFC 1042): AA AA 03, OUI (3 bytes), EtherType. */
export const LLC_SNAP = { DSAP: 0, SSAP: 1, CONTROL: 2, OUI: 3, TYPE: 6, LENGTH: 8 } as const;
const SAP_SNAP = 0xaa;
const CONTROL_UI = 0x03;

/**
 * LLC payload of 802.3, FDDI and 802.11 frames. Only SNAP with an EtherType carries IP
 * (RFC 1042); other SAPs (spanning tree, NetBIOS, ...) are skipped as 'llc'.
 */
export function decodeLlc(walk: Walk, offset: number, end: number): void {
  const b = walk.bytes;
  if (end - offset < 3) {
    walk.packet.issue = tooShort('link', 3, end - offset, offset);
    return;
  }
  if (b[offset + LLC_SNAP.DSAP] !== SAP_SNAP || b[offset + LLC_SNAP.SSAP] !== SAP_SNAP || b[offset + LLC_SNAP.CONTROL] !== CONTROL_UI) {
    walk.packet.skipped = 'llc';
    return;
  }
  if (end - offset < LLC_SNAP.LENGTH) {
    walk.packet.issue = tooShort('link', LLC_SNAP.LENGTH, end - offset, offset);
    return;
  }
  decodeEtherType(walk, u16(b, offset + LLC_SNAP.TYPE), offset + LLC_SNAP.LENGTH, end);
}
