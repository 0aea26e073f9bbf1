import { decodeEthernet } from './ethernet.js';
import { badField, tooShort } from './issues.js';
import type { Walk } from './walk.js';

/**
 * ERSPAN (draft-foschiano-erspan-03): type I has no header (GRE 0x88be without a sequence
 * number), type II an 8-byte header (GRE 0x88be), type III a 12-byte header plus an 8-byte
 * platform-specific subheader when its O flag is set (GRE 0x22eb). The mirrored frame follows.
 */
export const ERSPAN = { TYPE_II_LENGTH: 8, TYPE_III_LENGTH: 12, TYPE_III_FLAGS: 11, TYPE_III_FRAME_TYPE: 10, OPTIONAL_FLAG: 0x01, SUBHEADER_LENGTH: 8 } as const;

export function decodeErspan(walk: Walk, type: 1 | 2 | 3, offset: number, end: number): void {
  const b = walk.bytes;
  if (type === 1) return decodeEthernet(walk, offset, end);
  const length = type === 2 ? ERSPAN.TYPE_II_LENGTH : ERSPAN.TYPE_III_LENGTH;
  if (end - offset < length) {
    walk.packet.issue = tooShort('erspan', length, end - offset, offset);
    return;
  }
  if (type === 2) return decodeEthernet(walk, offset + length, end);
  // Type III: frame type (FT, 5 bits of byte 10 after the P bit) 0 is Ethernet; 2 would be IP.
  const frameType = (b[offset + ERSPAN.TYPE_III_FRAME_TYPE] >> 2) & 0x1f;
  if (frameType !== 0) {
    walk.packet.issue = badField('erspan', 'frame-type', frameType, offset);
    return;
  }
  const subheader = b[offset + ERSPAN.TYPE_III_FLAGS] & ERSPAN.OPTIONAL_FLAG ? ERSPAN.SUBHEADER_LENGTH : 0;
  if (end - offset < length + subheader) {
    walk.packet.issue = tooShort('erspan', length + subheader, end - offset, offset);
    return;
  }
  decodeEthernet(walk, offset + length + subheader, end);
}
