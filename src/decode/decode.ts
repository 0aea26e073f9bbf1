import { ReadRecord, type CaptureRecord } from '../capture/record.js';
import { ETHERNET } from './ethernet.js';
import { ETHERTYPE } from './ethertype.js';
import { decodeIpv4 } from './ipv4.js';
import { LINKTYPE, decodeLink } from './link.js';
import { IpLayerView } from './ip-layer.js';
import type { DecodedPacket } from './packet.js';
import { TcpSegmentView } from './tcp.js';
import type { DecodeLayers, Walk } from './walk.js';

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
  const packet: DecodedPacket = { number: record.number, time: record.time, linkType: record.linkType, ...CLEARED };
  const bytes = record.data;
  walkRecord(newWalk(packet, options, null), record, bytes, 0, bytes.length);
  return packet;
}

function newWalk(packet: DecodedPacket, options: DecodeOptions | undefined, layers: DecodeLayers | null): Walk {
  return {
    bytes: new Uint8Array(0), start: 0, end: 0, packet, verifyChecksums: options?.verifyChecksums === true, uncaptured: 0,
    depth: 0, sourceSum: 0, destinationSum: 0, greSequence: false, layers,
  };
}

/**
 * Starts `walk` afresh on the record's bytes, [start, end) of `bytes`, and decodes them into
 * `walk.packet`, from the link layer up.
 */
function walkRecord(walk: Walk, record: CaptureRecord, bytes: Uint8Array, start: number, end: number): void {
  const captured = end - start;
  walk.bytes = bytes;
  walk.start = start;
  walk.end = end;
  walk.uncaptured = record.originalLength > captured ? record.originalLength - captured : 0;
  walk.depth = 0;
  walk.sourceSum = 0;
  walk.destinationSum = 0;
  walk.greSequence = false;
  // The common case written out (what decodeLink -> decodeEthernet -> decodeEtherType would do):
  // Ethernet II carrying IPv4.
  if (record.linkType === LINKTYPE.ETHERNET && captured >= ETHERNET.LENGTH
    && ((bytes[start + ETHERNET.TYPE] << 8) | bytes[start + ETHERNET.TYPE + 1]) === ETHERTYPE.IPV4) {
    decodeIpv4(walk, start + ETHERNET.LENGTH, end);
    return;
  }
  decodeLink(walk, record.linkType, start, end);
}

/** Test hook: when set, the pipeline scrambles the reused packet structs after each packet (see PacketDecoder.scramble). */
export const REUSE_CHECK = { scramble: false };

const SCRAMBLED = new Uint8Array(64).fill(0xee);

/**
 * The optional fields of a DecodedPacket, all undefined: what a PacketDecoder clears before each
 * packet. Typed so that a field added to DecodedPacket must be added here (else it would carry
 * over from the previous packet).
 */
const CLEARED: { readonly [K in Exclude<keyof DecodedPacket, 'number' | 'time' | 'linkType'>]-?: undefined } = Object.freeze({
  vlans: undefined, tunnels: undefined, tunnelDatagrams: undefined, ip: undefined, tcp: undefined, udp: undefined,
  icmp: undefined, issue: undefined, skipped: undefined,
});
/** The fields PacketDecoder.decode writes back to undefined: compiles only while that is every field of CLEARED. */
type WrittenOut = 'vlans' | 'tunnels' | 'tunnelDatagrams' | 'ip' | 'tcp' | 'udp' | 'icmp' | 'issue' | 'skipped';
const EVERY_FIELD_WRITTEN_OUT: Exclude<keyof typeof CLEARED, WrittenOut> extends never ? true : never = true;
void EVERY_FIELD_WRITTEN_OUT;

/**
 * decodePacket without allocating: fills the same DecodedPacket and layer structs again for every
 * record (the hot path of the pipeline). What `decode` returns is valid only until the next call;
 * a tracker copies the fields it keeps, never a reference to the packet or one of its layers.
 */
export class PacketDecoder {
  private readonly packet: DecodedPacket = { number: 0, time: 0, linkType: 0, ...CLEARED };
  private readonly layers: DecodeLayers = {
    ip: new IpLayerView(),
    tcp: new TcpSegmentView(),
    udp: { srcPort: 0, dstPort: 0, length: 0, payload: new Uint8Array(0) },
  };
  private readonly walk: Walk;

  constructor(options?: DecodeOptions) {
    this.walk = newWalk(this.packet, options, this.layers);
  }

  /**
   * Overwrites the reused structs and the record's bytes with garbage: a test hook
   * (`REUSE_CHECK.scramble`) that makes any reference a tracker kept past its packet show up in
   * the report, as reuse by the next packet would, only sooner and louder.
   */
  scramble(record: CaptureRecord): void {
    const p = this.packet;
    p.number = -1;
    p.time = -1;
    p.linkType = -1;
    p.skipped = 'scrambled';
    const { ip, tcp, udp } = this.layers;
    Object.assign(ip, { version: 4, src: 'scrambled', dst: 'scrambled', srcKey: -1, dstKey: -1, protocol: -1, offset: -1, headerLength: -1, payloadLength: -1, ttl: -1, id: -1, fragment: { offset: -1, more: true }, checksumOk: false });
    Object.assign(tcp, { srcPort: -1, dstPort: -1, seq: -1, ack: -1, flags: 0xff, window: -1, headerLength: -1, payloadLength: -1, captured: 0, options: undefined, urgentPointer: -1, bytes: SCRAMBLED, payloadStart: 0 });
    Object.assign(udp, { srcPort: -1, dstPort: -1, length: -1, payload: SCRAMBLED });
    record.data.fill(0xee);
    Object.assign(record, { number: -1, sec: -1, nsec: -1, time: -1, linkType: -1, capturedLength: -1, originalLength: -1, interfaceId: -1 });
  }

  decode(record: CaptureRecord): DecodedPacket {
    const packet = this.packet;
    packet.number = record.number;
    packet.time = record.time;
    packet.linkType = record.linkType;
    // Every other field goes back to undefined (the fields of CLEARED, written out: Object.assign
    // costs more than the decode of the packet). Arrays are never reused: a tracker may keep them
    // (TCP flows keep their tunnels and VLANs).
    packet.vlans = undefined;
    packet.tunnels = undefined;
    packet.tunnelDatagrams = undefined;
    packet.ip = undefined;
    packet.tcp = undefined;
    packet.udp = undefined;
    packet.icmp = undefined;
    packet.issue = undefined;
    packet.skipped = undefined;
    if (record instanceof ReadRecord) {
      // In place in the reader's chunk: no view of the packet's bytes is made.
      const start = record.start;
      walkRecord(this.walk, record, record.buffer, start, start + record.capturedLength);
    } else {
      const bytes = record.data;
      walkRecord(this.walk, record, bytes, 0, bytes.length);
    }
    return packet;
  }
}
