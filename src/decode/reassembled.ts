import { decodeIpPayload } from './ip-payload.js';
import { decodeIpv6Extensions } from './ipv6.js';
import type { DecodedPacket, IpLayer } from './packet.js';
import type { Walk } from './walk.js';

export interface ReassembledInput {
  /** The fragment that completed the datagram: number, time, link, VLANs and tunnels come from it. */
  last: DecodedPacket;
  /** Its IP layer with `protocol` the datagram's upper protocol (IPv6: the fragment header's next header). */
  ip: IpLayer;
  /** The reassembled payload (IPv6: the fragmentable part). */
  payload: Uint8Array;
  verifyChecksums: boolean;
  /** Word sums of source and destination address, for the pseudo-header. */
  sourceSum: number;
  destinationSum: number;
}

/**
 * Decodes the upper layers of a reassembled datagram as decodePacket would have decoded an
 * unfragmented one. The result's views point into `payload`; its `ip` is a new object with
 * `fragment` cleared and `payloadLength` the datagram's.
 */
export function decodeReassembled(input: ReassembledInput): DecodedPacket {
  const last = input.last;
  const ip: IpLayer = { ...input.ip, fragment: undefined, payloadLength: input.payload.length };
  const packet: DecodedPacket = {
    number: last.number,
    time: last.time,
    linkType: last.linkType,
    vlans: last.vlans,
    tunnels: last.tunnels?.slice(),
    tunnelDatagrams: undefined,
    ip,
    tcp: undefined,
    udp: undefined,
    icmp: undefined,
    issue: undefined,
    skipped: undefined,
  };
  const walk: Walk = {
    bytes: input.payload,
    start: 0,
    end: input.payload.length,
    packet,
    verifyChecksums: input.verifyChecksums,
    uncaptured: 0,
    depth: last.tunnels?.length ?? 0,
    sourceSum: input.sourceSum,
    destinationSum: input.destinationSum,
    greSequence: false,
    layers: null,
  };
  if (ip.version === 6) decodeIpv6Extensions(walk, ip, 0, input.payload.length);
  else decodeIpPayload(walk, ip.protocol, 0, input.payload.length, ip.payloadLength);
  return packet;
}
