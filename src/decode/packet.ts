/**
 * What the bytes of one packet say, layer by layer. Produced by `decodePacket` (pure: no state
 * survives a packet) and by the fragment reassembler for reassembled datagrams. Trackers read
 * these fields and never re-decode bytes.
 *
 * Lengths come in two kinds (STYLE practice 5): `payloadLength` fields are what the headers
 * claim and drive sequence accounting; `payload` views hold only the bytes that were captured.
 */
export type Layer =
  | 'capture' | 'link' | 'ethernet' | 'vlan' | 'sll' | 'sll2' | 'null' | 'ppp' | 'mpls'
  | 'ipv4' | 'ipv6' | 'ipv6-ext' | 'fragment' | 'tcp' | 'udp' | 'icmp' | 'icmpv6'
  | 'gre' | 'vxlan' | 'geneve' | 'gtp' | 'teredo' | 'erspan' | 'tunnel';

/** Why decoding stopped before the transport layer. Malformed input is data, never an exception. */
export type DecodeIssue =
  | { kind: 'too-short'; layer: Layer; need: number; have: number; offset: number }
  | { kind: 'bad-field'; layer: Layer; field: string; value: number; offset: number };

export interface IpLayer {
  version: 4 | 6;
  src: string;
  dst: string;
  /**
   * The addresses as numbers to compare and hash (see decode/ip-layer.ts): an IPv4 address's
   * 32-bit value; for IPv6, V6_KEY_BASE plus a hash of the bytes (equal keys: compare the text).
   */
  srcKey: number;
  dstKey: number;
  /** Upper-layer protocol after IPv6 extension headers (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6 ...). */
  protocol: number;
  /** Offset of the IP header within the buffer the layer was decoded from. */
  offset: number;
  /** IP header length, including IPv6 extension headers. */
  headerLength: number;
  /** Bytes of upper-layer payload the header claims (IPv4 total length - IHL; IPv6 payload length - extensions). */
  payloadLength: number;
  ttl: number;
  /** IPv4 identification or IPv6 fragment identification. */
  id: number;
  /** Present when this packet is a fragment (offset > 0 or more-fragments set). */
  fragment?: { offset: number; more: boolean };
  /** IPv4 header checksum correct; undefined when not checked (IPv6, or truncated header). */
  checksumOk?: boolean;
}

/** An IpLayer with every field present (one object shape), to be filled by decodePacket. */
export function newIpLayer(): IpLayer {
  return {
    version: 4, src: '', dst: '', srcKey: 0, dstKey: 0, protocol: 0, offset: 0, headerLength: 0, payloadLength: 0, ttl: 0, id: 0,
    fragment: undefined, checksumOk: undefined,
  };
}

/** TCP header flag bits (RFC 9293 §3.1). */
export const TCP_FLAG = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20, ECE: 0x40, CWR: 0x80 } as const;

export interface TcpOptions {
  mss?: number;
  windowScale?: number;
  sackPermitted: boolean;
  timestamp?: { value: number; echo: number };
  /** SACK blocks as absolute [left, right) pairs, flattened. */
  sack?: number[];
}

export interface TcpSegment {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** TCP_FLAG bits. */
  flags: number;
  /** Raw (unscaled) window field. */
  window: number;
  headerLength: number;
  /** Payload bytes per the IP header (drives sequence numbers even when snaplen cut the packet). */
  payloadLength: number;
  /** How many payload bytes were captured (`payload.length`, without making the view). */
  captured: number;
  /**
   * Captured payload bytes (may be shorter than payloadLength). A view made when read: most
   * segments are never looked into, so the decoder does not make one for each.
   */
  readonly payload: Uint8Array;
  /** Parsed options; undefined when the header has none. */
  options?: TcpOptions;
  urgentPointer: number;
}

export interface UdpDatagram {
  srcPort: number;
  dstPort: number;
  /** UDP length field. */
  length: number;
  /** Captured payload bytes (bounded by both the UDP length and the capture). */
  payload: Uint8Array;
}

/** ICMP/ICMPv6 error that quotes the header of the packet it complains about (RFC 792, RFC 4443 §3). */
export interface IcmpMessage {
  version: 4 | 6;
  type: number;
  code: number;
  /** Destination unreachable (ICMP type 3, ICMPv6 type 1). */
  unreachable: boolean;
  /** Bytes 4-5 and 6-7 of the header: identifier and sequence number of an echo (RFC 792; RFC 4443 §4). */
  identifier: number;
  sequence: number;
  /** Bytes after the 8-byte header (as captured). */
  payloadLength: number;
  quoted?: { src: string; dst: string; protocol: number; srcPort?: number; dstPort?: number };
}

/** The UDP datagram of a tunnel a packet crossed (VXLAN, Geneve, GTP-U, Teredo, AYIYA ...): itself a UDP conversation. */
export interface TunnelDatagram {
  src: string;
  dst: string;
  /** The addresses' keys (IpLayer.srcKey / dstKey), when the decoder made the datagram. */
  srcKey?: number;
  dstKey?: number;
  srcPort: number;
  dstPort: number;
  /** Captured payload bytes (the tunnel header and what it carries). */
  payloadBytes: number;
}

export interface DecodedPacket {
  number: number;
  time: number;
  linkType: number;
  /** 802.1Q / 802.1ad VLAN IDs, outermost first. */
  vlans?: number[];
  /** Encapsulations crossed to reach `ip`, outermost first (e.g. ['gre'], ['vxlan']). */
  tunnels?: string[];
  /** The UDP datagrams of the UDP tunnels among `tunnels`, outermost first (absent when none). */
  tunnelDatagrams?: TunnelDatagram[];
  ip?: IpLayer;
  tcp?: TcpSegment;
  udp?: UdpDatagram;
  icmp?: IcmpMessage;
  /** Why decoding stopped early: a malformed or truncated header. */
  issue?: DecodeIssue;
  /** Why the packet carries nothing statecap analyses (e.g. 'arp', 'linktype-105', 'ip-proto-47'). */
  skipped?: string;
}
