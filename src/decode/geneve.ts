import { u16 } from './bytes.js';
import { decodeEtherType } from './ethertype.js';
import { enterTunnel, type Walk } from './walk.js';

/** Geneve header (RFC 8926 §3.4): version (2 bits) and option length (6 bits, 4-byte units), flags, protocol type, VNI. */
export const GENEVE = { VERSION_OPTIONS: 0, PROTOCOL: 2, LENGTH: 8, OPTIONS_MASK: 0x3f, PORT: 6081 } as const;

/** False when the payload is not Geneve version 0 with its options present; the datagram then stays plain UDP. */
export function decodeGeneve(walk: Walk, offset: number, end: number): boolean {
  const b = walk.bytes;
  if (end - offset < GENEVE.LENGTH || b[offset + GENEVE.VERSION_OPTIONS] >> 6 !== 0) return false;
  const length = GENEVE.LENGTH + (b[offset + GENEVE.VERSION_OPTIONS] & GENEVE.OPTIONS_MASK) * 4;
  if (end - offset < length) return false;
  if (enterTunnel(walk, 'geneve', offset)) decodeEtherType(walk, u16(b, offset + GENEVE.PROTOCOL), offset + length, end);
  return true;
}
