import type { CaptureRecord } from '../capture/record.js';
import { decodeLink } from './link.js';
import type { DecodedPacket } from './packet.js';
import type { Walk } from './walk.js';

export interface DecodeOptions {
  /**
   * Verify IPv4 header, TCP and UDP checksums (pseudo-header included) where the whole header
   * or segment was captured. A bad one sets `skipped: 'bad-checksum-ipv4' | 'bad-checksum-tcp' |
   * 'bad-checksum-udp'` and leaves the layer it protects undefined. Default false, as tshark.
   */
  verifyChecksums?: boolean;
}

/**
 * Decodes one capture record, layer by layer, as far as its bytes allow. Pure and total: never
 * throws on packet data, and nothing one call sees changes what another returns (the only state is
 * a bounded memo of address text). `tcp.payload` and `udp.payload` are views
 * into `record.data` (valid only as long as that buffer is). When `ip.fragment` is set the
 * transport is not decoded: feed the packet to a FragmentReassembler.
 */
export function decodePacket(record: CaptureRecord, options?: DecodeOptions): DecodedPacket {
  const packet: DecodedPacket = {
    number: record.number,
    time: record.time,
    linkType: record.linkType,
    vlans: undefined,
    tunnels: undefined,
    tunnelDatagrams: undefined,
    ip: undefined,
    tcp: undefined,
    udp: undefined,
    icmp: undefined,
    issue: undefined,
    skipped: undefined,
  };
  const bytes = record.data;
  const walk: Walk = {
    bytes,
    packet,
    verifyChecksums: options?.verifyChecksums === true,
    uncaptured: record.originalLength > bytes.length ? record.originalLength - bytes.length : 0,
    depth: 0,
    sourceSum: 0,
    destinationSum: 0,
    greSequence: false,
  };
  decodeLink(walk, record.linkType, bytes.length);
  return packet;
}
