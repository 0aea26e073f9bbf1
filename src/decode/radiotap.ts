import { u16le, u32le } from './bytes.js';
import { badField, tooShort } from './issues.js';
import { decodeIeee80211 } from './ieee80211.js';
import type { Walk } from './walk.js';

/**
 * Radiotap header, LINKTYPE_IEEE802_11_RADIOTAP (127; radiotap.org): version, pad, length (LE),
 * present bitmaps (LE, bit 31 chains another), then fields. Only the Flags field is read: its
 * 0x10 bit says the 802.11 frame ends with a 4-byte FCS.
 */
export const RADIOTAP = {
  VERSION: 0, LENGTH: 2, PRESENT: 4, MIN_LENGTH: 8,
  PRESENT_TSFT: 0x01, PRESENT_FLAGS: 0x02, PRESENT_EXTENDED: 0x80000000, TSFT_LENGTH: 8, FLAG_FCS: 0x10, FCS_LENGTH: 4,
} as const;

export function decodeRadiotap(walk: Walk, offset: number, end: number): void {
  const b = walk.bytes;
  if (end - offset < RADIOTAP.MIN_LENGTH) {
    walk.packet.issue = tooShort('link', RADIOTAP.MIN_LENGTH, end - offset, offset);
    return;
  }
  if (b[offset + RADIOTAP.VERSION] !== 0) {
    walk.packet.issue = badField('link', 'radiotap-version', b[offset + RADIOTAP.VERSION], offset);
    return;
  }
  const length = u16le(b, offset + RADIOTAP.LENGTH);
  if (length < RADIOTAP.MIN_LENGTH) {
    walk.packet.issue = badField('link', 'radiotap-length', length, offset);
    return;
  }
  if (end - offset < length) {
    walk.packet.issue = tooShort('link', length, end - offset, offset);
    return;
  }
  const present = u32le(b, offset + RADIOTAP.PRESENT);
  // Fields start after the last present bitmap (each 4 bytes, bounded by the header length).
  let fields = offset + RADIOTAP.PRESENT;
  while (fields + 4 <= offset + length && u32le(b, fields) & RADIOTAP.PRESENT_EXTENDED) fields += 4;
  fields += 4;
  let frameEnd = end;
  if (present & RADIOTAP.PRESENT_FLAGS) {
    let at = fields - offset;
    if (present & RADIOTAP.PRESENT_TSFT) at = ((at + 7) & ~7) + RADIOTAP.TSFT_LENGTH; // TSFT: 8 bytes, 8-aligned
    if (at < length && b[offset + at] & RADIOTAP.FLAG_FCS && walk.uncaptured === 0 && end - offset - length >= RADIOTAP.FCS_LENGTH) frameEnd = end - RADIOTAP.FCS_LENGTH;
  }
  decodeIeee80211(walk, offset + length, frameEnd);
}
