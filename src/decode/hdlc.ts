import { u16 } from './bytes.js';
import { decodeEtherType } from './ethertype.js';
import { tooShort } from './issues.js';
import type { Walk } from './walk.js';

/** Cisco HDLC, LINKTYPE_C_HDLC (104): address (0x0f unicast, 0x8f broadcast), control, EtherType. */
export const CISCO_HDLC = { ADDRESS: 0, CONTROL: 1, PROTOCOL: 2, LENGTH: 4 } as const;

export function decodeCiscoHdlc(walk: Walk, offset: number, end: number): void {
  if (end - offset < CISCO_HDLC.LENGTH) {
    walk.packet.issue = tooShort('link', CISCO_HDLC.LENGTH, end - offset, offset);
    return;
  }
  decodeEtherType(walk, u16(walk.bytes, offset + CISCO_HDLC.PROTOCOL), offset + CISCO_HDLC.LENGTH, end);
}
