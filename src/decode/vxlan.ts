import { decodeEthernet } from './ethernet.js';
import { enterTunnel, type Walk } from './walk.js';

/** VXLAN header (RFC 7348 §5): flags (I = 0x08 means the VNI is valid), reserved, VNI, reserved. */
export const VXLAN = { FLAGS: 0, VNI: 4, LENGTH: 8, FLAG_VNI_VALID: 0x08, PORT: 4789 } as const;

/** False (nothing changed) when the payload is not a VXLAN frame; the datagram then stays plain UDP. */
export function decodeVxlan(walk: Walk, offset: number, end: number): boolean {
  if (end - offset < VXLAN.LENGTH || (walk.bytes[offset + VXLAN.FLAGS] & VXLAN.FLAG_VNI_VALID) === 0) return false;
  if (enterTunnel(walk, 'vxlan', offset)) decodeEthernet(walk, offset + VXLAN.LENGTH, end);
  return true;
}
