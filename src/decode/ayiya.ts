import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { enterTunnel, type Walk } from './walk.js';

/**
 * AYIYA, "Anything In Anything" (draft-massar-v6ops-ayiya §6): identity length (2^n bytes) and
 * type, signature length (4-byte units) and hash method, authentication method and opcode,
 * next header, epoch (4); then identity, signature and the payload. Zeek and tshark decode it.
 */
export const AYIYA = { ID: 0, SIGNATURE: 1, OPCODE: 2, NEXT_HEADER: 3, FIXED_LENGTH: 8, OPCODE_FORWARD: 1, PORT: 5072 } as const;

export function decodeAyiya(walk: Walk, offset: number, end: number): boolean {
  const b = walk.bytes;
  if (end - offset < AYIYA.FIXED_LENGTH) return false;
  if ((b[offset + AYIYA.OPCODE] & 0x0f) !== AYIYA.OPCODE_FORWARD) return false;
  const next = b[offset + AYIYA.NEXT_HEADER];
  if (next !== 4 && next !== 41) return false;
  const length = AYIYA.FIXED_LENGTH + (1 << (b[offset + AYIYA.ID] >> 4)) + (b[offset + AYIYA.SIGNATURE] >> 4) * 4;
  if (end - offset < length) return false;
  if (!enterTunnel(walk, 'ayiya', offset)) return true;
  if (next === 4) decodeIpv4(walk, offset + length, end);
  else decodeIpv6(walk, offset + length, end);
  return true;
}
