import { decodeEthernet } from './ethernet.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { badField, tooShort } from './issues.js';
import { enterTunnel, type Walk } from './walk.js';

/** MPLS label stack entry (RFC 3032 §2.1): label 20 bits, TC 3, bottom-of-stack 1, TTL 8. */
export const MPLS = { ENTRY_LENGTH: 4, BOTTOM_BYTE: 2, BOTTOM_OF_STACK: 0x01, CONTROL_WORD_LENGTH: 4 } as const;
const MAX_LABELS = 16;

/**
 * Label stack until bottom-of-stack, then the payload type is sniffed as Wireshark does: a
 * first nibble of 4 or 6 is IP; 0 is a pseudowire control word (RFC 4385 §3) before an
 * Ethernet frame; anything else an Ethernet pseudowire without control word (RFC 4448).
 */
export function decodeMpls(walk: Walk, offset: number, end: number): void {
  const b = walk.bytes;
  if (!enterTunnel(walk, 'mpls', offset)) return;
  let at = offset;
  for (let labels = 0; ; labels++) {
    if (labels === MAX_LABELS) {
      walk.packet.issue = badField('mpls', 'labels', labels + 1, at);
      return;
    }
    if (end - at < MPLS.ENTRY_LENGTH) {
      walk.packet.issue = tooShort('mpls', MPLS.ENTRY_LENGTH, end - at, at);
      return;
    }
    const bottom = (b[at + MPLS.BOTTOM_BYTE] & MPLS.BOTTOM_OF_STACK) !== 0;
    at += MPLS.ENTRY_LENGTH;
    if (bottom) break;
  }
  if (end - at < 1) {
    walk.packet.issue = tooShort('mpls', 1, end - at, at);
    return;
  }
  const nibble = b[at] >> 4;
  if (nibble === 4) return decodeIpv4(walk, at, end);
  if (nibble === 6) return decodeIpv6(walk, at, end);
  if (nibble === 0) return decodeEthernet(walk, at + MPLS.CONTROL_WORD_LENGTH, end);
  decodeEthernet(walk, at, end);
}
