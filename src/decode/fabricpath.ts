import { decodeEthernet } from './ethernet.js';
import { tooShort } from './issues.js';
import { enterTunnel, type Walk } from './walk.js';

/**
 * Cisco FabricPath (EtherType 0x8903): outer switch addresses, the 0x8903 type, then a 2-byte
 * FTag/TTL field and the classical Ethernet frame (Wireshark packet-cfp.c, 16-byte header).
 */
export const FABRICPATH = { FTAG_TTL_LENGTH: 2 } as const;

export function decodeFabricPath(walk: Walk, offset: number, end: number): void {
  if (end - offset < FABRICPATH.FTAG_TTL_LENGTH) {
    walk.packet.issue = tooShort('ethernet', FABRICPATH.FTAG_TTL_LENGTH, end - offset, offset);
    return;
  }
  if (!enterTunnel(walk, 'fabricpath', offset)) return;
  decodeEthernet(walk, offset + FABRICPATH.FTAG_TTL_LENGTH, end);
}
