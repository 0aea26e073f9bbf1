import { u16 } from './bytes.js';
import { badField, tooShort } from './issues.js';
import { decodeLlc } from './llc.js';
import type { Walk } from './walk.js';

/** IEEE 802.11 MAC header (802.11-2020 §9.2.3), LINKTYPE_IEEE802_11 (105); no FCS assumed. */
export const WLAN = {
  FRAME_CONTROL: 0, FLAGS: 1, HEADER_LENGTH: 24, ADDRESS4_LENGTH: 6, QOS_LENGTH: 2, HT_CONTROL_LENGTH: 4,
  TYPE_DATA: 2, SUBTYPE_NO_DATA: 0x04, SUBTYPE_QOS: 0x08,
  FLAG_TO_DS: 0x01, FLAG_FROM_DS: 0x02, FLAG_PROTECTED: 0x40, FLAG_ORDER: 0x80, QOS_AMSDU: 0x80,
  /** A-MSDU subframe header (§9.3.2.2.2): destination, source, length. */
  AMSDU_HEADER: 14, AMSDU_LENGTH: 12,
} as const;
const TYPE_NAMES = ['wlan-management', 'wlan-control', 'wlan-data', 'wlan-extension'] as const;

/**
 * Data frames only: management and control frames, frames without a body (null data) and
 * protected (encrypted) frames are skipped by name. The body is an LLC/SNAP frame; of an
 * A-MSDU only the first subframe is decoded.
 */
export function decodeIeee80211(walk: Walk, offset: number, end: number): void {
  const b = walk.bytes;
  const packet = walk.packet;
  if (end - offset < 2) {
    packet.issue = tooShort('link', WLAN.HEADER_LENGTH, end - offset, offset);
    return;
  }
  const frameControl = b[offset + WLAN.FRAME_CONTROL];
  if ((frameControl & 0x03) !== 0) {
    packet.issue = badField('link', 'wlan-version', frameControl & 0x03, offset);
    return;
  }
  const type = (frameControl >> 2) & 0x03;
  const subtype = frameControl >> 4;
  if (type !== WLAN.TYPE_DATA) {
    packet.skipped = TYPE_NAMES[type];
    return;
  }
  if (subtype & WLAN.SUBTYPE_NO_DATA) {
    packet.skipped = 'wlan-no-data';
    return;
  }
  const flags = b[offset + WLAN.FLAGS];
  const qos = (subtype & WLAN.SUBTYPE_QOS) !== 0;
  let length = WLAN.HEADER_LENGTH;
  if ((flags & (WLAN.FLAG_TO_DS | WLAN.FLAG_FROM_DS)) === (WLAN.FLAG_TO_DS | WLAN.FLAG_FROM_DS)) length += WLAN.ADDRESS4_LENGTH;
  const qosAt = offset + length;
  if (qos) length += WLAN.QOS_LENGTH;
  if (qos && flags & WLAN.FLAG_ORDER) length += WLAN.HT_CONTROL_LENGTH;
  if (end - offset < length) {
    packet.issue = tooShort('link', length, end - offset, offset);
    return;
  }
  if (flags & WLAN.FLAG_PROTECTED) {
    packet.skipped = 'wlan-protected';
    return;
  }
  let body = offset + length;
  let bodyEnd = end;
  if (qos && b[qosAt] & WLAN.QOS_AMSDU) {
    if (end - body < WLAN.AMSDU_HEADER) {
      packet.issue = tooShort('link', WLAN.AMSDU_HEADER, end - body, body);
      return;
    }
    bodyEnd = Math.min(end, body + WLAN.AMSDU_HEADER + u16(b, body + WLAN.AMSDU_LENGTH));
    body += WLAN.AMSDU_HEADER;
  }
  decodeLlc(walk, body, bodyEnd);
}
