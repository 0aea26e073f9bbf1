import { u16 } from './bytes.js';
import { decodeEtherType } from './ethertype.js';
import { tooShort } from './issues.js';
import type { Walk } from './walk.js';

/** Linux cooked capture v1, LINKTYPE_LINUX_SLL (tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html). */
export const SLL = { PACKET_TYPE: 0, ARPHRD: 2, ADDRESS_LENGTH: 4, ADDRESS: 6, PROTOCOL: 14, LENGTH: 16 } as const;
/** Linux cooked capture v2, LINKTYPE_LINUX_SLL2 (tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html). */
export const SLL2 = { PROTOCOL: 0, RESERVED: 2, INTERFACE: 4, ARPHRD: 8, PACKET_TYPE: 10, ADDRESS_LENGTH: 11, ADDRESS: 12, LENGTH: 20 } as const;

export function decodeSll(walk: Walk, offset: number, end: number): void {
  if (end - offset < SLL.LENGTH) {
    walk.packet.issue = tooShort('sll', SLL.LENGTH, end - offset, offset);
    return;
  }
  decodeEtherType(walk, u16(walk.bytes, offset + SLL.PROTOCOL), offset + SLL.LENGTH, end);
}

export function decodeSll2(walk: Walk, offset: number, end: number): void {
  if (end - offset < SLL2.LENGTH) {
    walk.packet.issue = tooShort('sll2', SLL2.LENGTH, end - offset, offset);
    return;
  }
  decodeEtherType(walk, u16(walk.bytes, offset + SLL2.PROTOCOL), offset + SLL2.LENGTH, end);
}
