import { u16 } from './bytes.js';
import { decodeEthernet } from './ethernet.js';
import { badField, tooShort } from './issues.js';
import type { Walk } from './walk.js';

/**
 * Juniper pseudo-header, LINKTYPE_JUNIPER_ETHER (178; tcpdump print-juniper.c): magic "MGC",
 * flags, and when flag 0x80 is set a 2-byte length and that many bytes of extension TLVs; then
 * the Ethernet frame.
 */
export const JUNIPER = { MAGIC: 0, FLAGS: 3, EXTENSION_LENGTH: 4, MIN_LENGTH: 4, MAGIC_VALUE: 0x4d4743, FLAG_EXTENSIONS: 0x80, FLAG_NO_L2: 0x02 } as const;

export function decodeJuniperEthernet(walk: Walk, offset: number, end: number): void {
  const b = walk.bytes;
  if (end - offset < JUNIPER.MIN_LENGTH) {
    walk.packet.issue = tooShort('link', JUNIPER.MIN_LENGTH, end - offset, offset);
    return;
  }
  const magic = (b[offset] << 16) | (b[offset + 1] << 8) | b[offset + 2];
  if (magic !== JUNIPER.MAGIC_VALUE) {
    walk.packet.issue = badField('link', 'juniper-magic', magic, offset);
    return;
  }
  const flags = b[offset + JUNIPER.FLAGS];
  let length: number = JUNIPER.MIN_LENGTH;
  if (flags & JUNIPER.FLAG_EXTENSIONS) {
    if (end - offset < JUNIPER.MIN_LENGTH + 2) {
      walk.packet.issue = tooShort('link', JUNIPER.MIN_LENGTH + 2, end - offset, offset);
      return;
    }
    length += 2 + u16(b, offset + JUNIPER.EXTENSION_LENGTH);
  }
  if (flags & JUNIPER.FLAG_NO_L2) {
    walk.packet.skipped = 'juniper-no-l2';
    return;
  }
  decodeEthernet(walk, offset + length, end);
}
