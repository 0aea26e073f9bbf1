import type { IpLayerView } from './ip-layer.js';
import type { DecodedPacket, UdpDatagram } from './packet.js';
import type { TcpSegmentView } from './tcp.js';

/** Deepest nesting of encapsulations one packet may cross before decoding stops (issue 7). */
export const MAX_TUNNEL_DEPTH = 8;
/** Most VLAN tags read from one Ethernet header. */
export const MAX_VLAN_TAGS = 8;

/**
 * The state of decoding ONE packet: the layer functions write what they find into `packet`
 * and hand the walk to the next layer. Nothing here outlives the decodePacket call
 * (STYLE practice 1); it exists so each layer takes two numbers (offset, end) instead of a
 * freshly allocated result object.
 *
 * Every layer function has the shape `(walk, offset, end) => void`: `offset` is where its header
 * starts in `walk.bytes`, `end` the first byte past what it may read (captured bytes, already cut
 * to the length the enclosing header claims). A layer that cannot continue sets `packet.issue`
 * or `packet.skipped` and returns.
 */
export interface Walk {
  bytes: Uint8Array;
  /**
   * Where the record's bytes start and end in `bytes` (a reader's chunk, read in place; 0 and the
   * length for a record's own `data`). Offsets in the layers are into `bytes`, except `ip.offset`,
   * which is from `start` (an offset into the record's `data`).
   */
  start: number;
  end: number;
  packet: DecodedPacket;
  verifyChecksums: boolean;
  /** Bytes the packet had on the wire beyond those captured (snaplen cut). */
  uncaptured: number;
  /**
   * Layer structs to fill instead of allocating (a PacketDecoder's, reused for every packet); null
   * makes fresh ones. A tunnel's inner layer overwrites the outer one, which is what the packet
   * keeps anyway (the innermost `ip`, `udp`).
   */
  layers: DecodeLayers | null;
  /** Encapsulations crossed so far. */
  depth: number;
  /** Unfolded word sums of the innermost IP header's source and (final) destination: the address part of the TCP/UDP pseudo-header. */
  sourceSum: number;
  destinationSum: number;
  /** The GRE header that led here had its sequence bit set (ERSPAN type II vs type I). */
  greSequence: boolean;
}

/** The layer structs a PacketDecoder fills again for every packet. */
export interface DecodeLayers {
  readonly ip: IpLayerView;
  readonly tcp: TcpSegmentView;
  readonly udp: UdpDatagram;
}

/** Records an encapsulation crossed; false (with an issue set) when the nesting is too deep. */
export function enterTunnel(walk: Walk, name: string, offset: number): boolean {
  if (walk.depth >= MAX_TUNNEL_DEPTH) {
    walk.packet.issue = { kind: 'bad-field', layer: 'tunnel', field: 'depth', value: walk.depth + 1, offset };
    return false;
  }
  walk.depth++;
  const tunnels = walk.packet.tunnels;
  if (tunnels === undefined) walk.packet.tunnels = [name];
  else tunnels.push(name);
  return true;
}
