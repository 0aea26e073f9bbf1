import { ipv4TextOfKey } from './address.js';
import { u16, u32 } from './bytes.js';
import { fold, wordSum } from './checksum.js';
import { IP_PROTOCOL, decodeIpPayload } from './ip-payload.js';
import { finalDestinationOffset } from './ipv4-route.js';
import { badField, tooShort } from './issues.js';
import { newIpLayer, type IpLayer } from './packet.js';
import { decodeTcp } from './tcp.js';
import type { Walk } from './walk.js';

/** IPv4 header fields (RFC 791 §3.1). */
export const IPV4 = {
  VERSION_IHL: 0, TOS: 1, TOTAL_LENGTH: 2, ID: 4, FLAGS_FRAGMENT: 6, TTL: 8, PROTOCOL: 9, CHECKSUM: 10,
  SRC: 12, DST: 16, MIN_LENGTH: 20,
  FLAG_MORE_FRAGMENTS: 0x2000, FRAGMENT_OFFSET_MASK: 0x1fff,
} as const;

export function decodeIpv4(walk: Walk, offset: number, end: number): void {
  const b = walk.bytes;
  const packet = walk.packet;
  const have = end - offset;
  if (have < 1) {
    packet.issue = tooShort('ipv4', IPV4.MIN_LENGTH, have, offset);
    return;
  }
  const version = b[offset] >> 4;
  if (version !== 4) {
    packet.issue = badField('ipv4', 'version', version, offset);
    return;
  }
  const headerLength = (b[offset] & 0x0f) * 4;
  if (headerLength < IPV4.MIN_LENGTH) { // RFC 791 §3.1: IHL minimum value is 5
    packet.issue = badField('ipv4', 'ihl', headerLength / 4, offset);
    return;
  }
  if (have < IPV4.MIN_LENGTH) {
    packet.issue = tooShort('ipv4', IPV4.MIN_LENGTH, have, offset);
    return;
  }
  let totalLength = u16(b, offset + IPV4.TOTAL_LENGTH);
  if (totalLength === 0) {
    // TCP segmentation offload: the NIC fills in the length after the capture point, so the
    // field reads zero; the packet's real length is what reached the wire (gopacket ip4.go).
    totalLength = have + (end === walk.end ? walk.uncaptured : 0);
  }
  if (totalLength < headerLength) {
    packet.issue = badField('ipv4', 'total-length', totalLength, offset);
    return;
  }
  if (have < headerLength) {
    packet.issue = tooShort('ipv4', headerLength, have, offset);
    return;
  }
  // A total length beyond what was on the wire (captured plus what the snaplen cut) is a lie of the
  // header: sequence accounting uses what was on the wire, as tshark clamps tcp.len.
  const onWire = Math.max(headerLength, have + (end === walk.end ? walk.uncaptured : 0));
  const flagsFragment = u16(b, offset + IPV4.FLAGS_FRAGMENT);
  const fragmentOffset = (flagsFragment & IPV4.FRAGMENT_OFFSET_MASK) * 8; // RFC 791: in 8-octet units
  const more = (flagsFragment & IPV4.FLAG_MORE_FRAGMENTS) !== 0;
  // With an unfinished source route, the final destination is in the options (RFC 791 §3.1).
  const route = headerLength > IPV4.MIN_LENGTH ? finalDestinationOffset(b, offset + IPV4.MIN_LENGTH, offset + headerLength) : -1;
  const dstAt = route >= 0 ? route : offset + IPV4.DST;
  const srcKey = u32(b, offset + IPV4.SRC);
  const dstKey = u32(b, dstAt);
  let ip: IpLayer;
  if (walk.layers !== null) {
    const view = walk.layers.ip;
    view.setIpv4(srcKey, dstKey); // text only when asked for
    ip = view;
  } else {
    ip = newIpLayer();
    ip.src = ipv4TextOfKey(srcKey);
    ip.dst = ipv4TextOfKey(dstKey);
    ip.srcKey = srcKey;
    ip.dstKey = dstKey;
  }
  ip.version = 4;
  ip.protocol = b[offset + IPV4.PROTOCOL];
  ip.offset = offset - walk.start;
  ip.headerLength = headerLength;
  ip.payloadLength = Math.min(totalLength, onWire) - headerLength;
  ip.ttl = b[offset + IPV4.TTL];
  ip.id = u16(b, offset + IPV4.ID);
  ip.fragment = fragmentOffset > 0 || more ? { offset: fragmentOffset, more } : undefined;
  ip.checksumOk = undefined;
  packet.ip = ip;
  if (walk.verifyChecksums) {
    ip.checksumOk = fold(wordSum(b, offset, offset + headerLength)) === 0xffff; // RFC 791 §3.1 / RFC 1071
    if (!ip.checksumOk) {
      packet.skipped = 'bad-checksum-ipv4';
      return;
    }
    walk.sourceSum = wordSum(b, offset + IPV4.SRC, offset + IPV4.DST);
    walk.destinationSum = wordSum(b, dstAt, dstAt + 4); // RFC 9293 §3.1: the final destination
  }
  // The payload ends where the header says, or where the capture ends if sooner (Ethernet
  // padding past total length is not payload: STYLE practice 5).
  const payloadEnd = Math.min(end, offset + totalLength);
  // A fragment's transport comes from the FragmentReassembler, except a first fragment cut by the
  // snaplen: it can never be reassembled, so it is decoded as far as it goes (Wireshark does both).
  if (ip.fragment !== undefined && (fragmentOffset > 0 || payloadEnd - offset === totalLength)) return;
  if (ip.protocol === IP_PROTOCOL.TCP) decodeTcp(walk, offset + headerLength, payloadEnd, ip.payloadLength); // the common case, without the dispatch
  else decodeIpPayload(walk, ip.protocol, offset + headerLength, payloadEnd, ip.payloadLength);
}
