import { u16 } from './bytes.js';
import { decodeEtherType } from './ethertype.js';
import { tooShort } from './issues.js';
import type { Walk } from './walk.js';

/**
 * IP over InfiniBand, LINKTYPE_IPOIB (242): destination and source hardware addresses (20 bytes
 * each), then the RFC 4391 §6 encapsulation header: EtherType and 2 reserved bytes.
 */
export const IPOIB = { DST: 0, SRC: 20, TYPE: 40, LENGTH: 44 } as const;

export function decodeIpoib(walk: Walk, offset: number, end: number): void {
  if (end - offset < IPOIB.LENGTH) {
    walk.packet.issue = tooShort('link', IPOIB.LENGTH, end - offset, offset);
    return;
  }
  decodeEtherType(walk, u16(walk.bytes, offset + IPOIB.TYPE), offset + IPOIB.LENGTH, end);
}
