import { tooShort } from './issues.js';
import { decodeLlc } from './llc.js';
import type { Walk } from './walk.js';

/** FDDI, LINKTYPE_FDDI (10; ANSI X3.139): frame control, destination, source, then an LLC frame. */
export const FDDI = { FRAME_CONTROL: 0, DST: 1, SRC: 7, LENGTH: 13, FC_FORMAT_MASK: 0xf8, FC_ASYNC_LLC: 0x50 } as const;

export function decodeFddi(walk: Walk, offset: number, end: number): void {
  if (end - offset < FDDI.LENGTH) {
    walk.packet.issue = tooShort('link', FDDI.LENGTH, end - offset, offset);
    return;
  }
  const frameControl = walk.bytes[offset + FDDI.FRAME_CONTROL];
  if ((frameControl & FDDI.FC_FORMAT_MASK) !== FDDI.FC_ASYNC_LLC) { // SMT and MAC frames carry no LLC
    walk.packet.skipped = 'fddi-0x' + frameControl.toString(16).padStart(2, '0');
    return;
  }
  decodeLlc(walk, offset + FDDI.LENGTH, end);
}
