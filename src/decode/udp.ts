import { u16 } from './bytes.js';
import { fold, wordSum } from './checksum.js';
import { badField, tooShort } from './issues.js';
import type { UdpDatagram } from './packet.js';
import { decodeUdpTunnel } from './udp-tunnels.js';
import type { Walk } from './walk.js';

/** UDP header fields (RFC 768). */
export const UDP = { SRC_PORT: 0, DST_PORT: 2, LENGTH: 4, CHECKSUM: 6, HEADER_LENGTH: 8, PROTOCOL: 17 } as const;

/**
 * `claimed` is the length the IP header states. The payload view is bounded by the UDP length
 * field, the IP claim and the capture, whichever is shortest.
 */
export function decodeUdp(walk: Walk, offset: number, end: number, claimed: number): void {
  const b = walk.bytes;
  const packet = walk.packet;
  const have = end - offset;
  if (have < UDP.HEADER_LENGTH) {
    packet.issue = tooShort('udp', UDP.HEADER_LENGTH, have, offset);
    return;
  }
  let length = u16(b, offset + UDP.LENGTH);
  if (length === 0 && packet.ip?.version === 6 && claimed > 0xffff) {
    length = claimed; // RFC 2675 §4: a jumbogram's UDP length is 0; the IP length rules
  } else if (length < UDP.HEADER_LENGTH) { // RFC 768: length counts the 8-byte header
    packet.issue = badField('udp', 'length', length, offset);
    return;
  }
  const payloadEnd = Math.min(end, offset + length);
  if (walk.verifyChecksums && !checksumOk(walk, offset, payloadEnd, length)) {
    packet.skipped = 'bad-checksum-udp';
    return;
  }
  const datagram: UdpDatagram = walk.layers !== null ? walk.layers.udp : { srcPort: 0, dstPort: 0, length: 0, payload: b };
  datagram.srcPort = u16(b, offset + UDP.SRC_PORT);
  datagram.dstPort = u16(b, offset + UDP.DST_PORT);
  datagram.length = length;
  datagram.payload = b.subarray(offset + UDP.HEADER_LENGTH, payloadEnd);
  packet.udp = datagram;
  decodeUdpTunnel(walk, datagram.srcPort, datagram.dstPort, offset + UDP.HEADER_LENGTH, payloadEnd);
}

/** True when the checksum verifies, is absent over IPv4, or cannot be checked (datagram not fully captured). */
function checksumOk(walk: Walk, offset: number, end: number, length: number): boolean {
  if (end - offset !== length) return true;
  const b = walk.bytes;
  const stored = u16(b, offset + UDP.CHECKSUM);
  // RFC 768: zero means "no checksum" over IPv4; RFC 8200 §8.1 makes it mandatory over IPv6
  // (Zeek counts a zero there as bad too).
  if (stored === 0) return walk.packet.ip?.version === 4;
  const sum = walk.sourceSum + walk.destinationSum + UDP.PROTOCOL + length + wordSum(b, offset, end);
  return fold(sum) === 0xffff;
}
