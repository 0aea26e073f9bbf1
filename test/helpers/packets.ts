/**
 * Test-side frame builders: compose Ethernet / cooked / loopback framing, IPv4 / IPv6 and
 * TCP / UDP / ICMP headers into the exact bytes a capture would hold. Every builder returns a
 * fresh Uint8Array; lengths and checksums are computed unless an override asks for a wrong one
 * (tests for malformed input patch the returned bytes or pass the override).
 *
 * Conventions: addresses as text ("10.0.0.1", "2001:db8::1"), numbers in host form, wire order
 * is big-endian unless a link type says otherwise (BSD null). IP version is chosen from the
 * address syntax where a builder has to choose.
 */

// ---------------------------------------------------------------------------------------------
// Constants tests usually want by name
// ---------------------------------------------------------------------------------------------

export const ETHERTYPE = {
  IPV4: 0x0800, ARP: 0x0806, VLAN: 0x8100, QINQ: 0x88a8, QINQ_OLD: 0x9100, IPV6: 0x86dd,
  MPLS: 0x8847, MPLS_MULTICAST: 0x8848, PPPOE_SESSION: 0x8864, TEB: 0x6558,
  ERSPAN_II: 0x88be, ERSPAN_III: 0x22eb, FABRICPATH: 0x8903,
} as const;

export const IP_PROTO = {
  HOP_BY_HOP: 0, ICMP: 1, IPIP: 4, TCP: 6, UDP: 17, IPV6: 41, ROUTING: 43, FRAGMENT: 44, GRE: 47,
  AH: 51, ICMPV6: 58, NO_NEXT: 59, DEST_OPTS: 60,
} as const;

export const LINKTYPE = {
  NULL: 0, ETHERNET: 1, PPP: 9, FDDI: 10, RAW_12: 12, RAW_14: 14, RAW: 101, C_HDLC: 104, IEEE802_11: 105,
  LOOP: 108, LINUX_SLL: 113, IEEE802_11_RADIOTAP: 127, NFLOG: 239, LINUX_SLL2: 276, IPV4: 228, IPV6: 229,
} as const;

// ---------------------------------------------------------------------------------------------
// Bytes and addresses
// ---------------------------------------------------------------------------------------------

const utf8 = new TextEncoder();

/** Concatenates byte arrays (and strings, as UTF-8). */
export function concat(...parts: (Uint8Array | string)[]): Uint8Array {
  const arrays = parts.map((p) => (typeof p === 'string' ? utf8.encode(p) : p));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) { out.set(a, at); at += a.length; }
  return out;
}

/** Bytes from hex text; whitespace, colons and `//` comments to the end of a line are ignored. */
export function hex(text: string): Uint8Array {
  const digits = text.replace(/\/\/[^\n]*/g, '').replace(/[\s:]/g, '');
  if (digits.length % 2 !== 0 || /[^0-9a-fA-F]/.test(digits)) throw new Error(`hex(): bad hex text "${text}"`);
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function toBytes(payload: Uint8Array | string | undefined): Uint8Array {
  if (payload === undefined) return new Uint8Array(0);
  return typeof payload === 'string' ? utf8.encode(payload) : payload;
}

export function isIpv6Text(address: string): boolean {
  return address.includes(':');
}

/** "10.0.0.1" -> 4 bytes. */
export function ipv4Bytes(address: string): Uint8Array {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`ipv4Bytes(): not an IPv4 address: ${address}`);
  }
  return Uint8Array.from(parts);
}

/** "2001:db8::1", "::ffff:192.0.2.1" -> 16 bytes. */
export function ipv6Bytes(address: string): Uint8Array {
  let text = address;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    // Embedded IPv4 ("::ffff:192.0.2.1"): rewrite the dotted quad as two hex groups.
    const v4 = ipv4Bytes(text.slice(lastColon + 1));
    text = `${text.slice(0, lastColon + 1)}${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`;
  }
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw new Error(`ipv6Bytes(): bad group "${g}" in ${address}`);
    return parseInt(g, 16);
  }));
  const halves = text.split('::');
  if (halves.length > 2) throw new Error(`ipv6Bytes(): more than one "::" in ${address}`);
  let groups: number[];
  if (halves.length === 2) {
    const head = parse(halves[0]);
    const rest = parse(halves[1]);
    const zeros = 8 - head.length - rest.length;
    if (zeros < 1) throw new Error(`ipv6Bytes(): too many groups in ${address}`);
    groups = [...head, ...new Array<number>(zeros).fill(0), ...rest];
  } else {
    groups = parse(halves[0]);
  }
  if (groups.length !== 8) throw new Error(`ipv6Bytes(): need 8 groups in ${address}`);
  const out = new Uint8Array(16);
  groups.forEach((g, i) => { out[i * 2] = g >> 8; out[i * 2 + 1] = g & 0xff; });
  return out;
}

export function ipBytes(address: string): Uint8Array {
  return isIpv6Text(address) ? ipv6Bytes(address) : ipv4Bytes(address);
}

/** "02:00:00:00:00:01" -> 6 bytes. */
export function macBytes(mac: string): Uint8Array {
  const out = hex(mac);
  if (out.length !== 6) throw new Error(`macBytes(): not a MAC address: ${mac}`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Checksums (RFC 1071)
// ---------------------------------------------------------------------------------------------

/** One's-complement sum of 16-bit words over the parts, folded, not yet complemented. */
function onesSum(parts: Uint8Array[]): number {
  let sum = 0;
  let odd = -1; // pending high byte when a part ends on an odd boundary
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) {
      if (odd < 0) odd = p[i];
      else { sum += (odd << 8) | p[i]; odd = -1; }
    }
  }
  if (odd >= 0) sum += odd << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** Internet checksum (RFC 1071) of the concatenated parts. */
export function internetChecksum(...parts: Uint8Array[]): number {
  return ~onesSum(parts) & 0xffff;
}

/** Pseudo-header for TCP/UDP/ICMPv6 checksums: RFC 9293 §3.1 (IPv4), RFC 8200 §8.1 (IPv6). */
export function pseudoHeader(src: string, dst: string, protocol: number, length: number): Uint8Array {
  if (isIpv6Text(src)) {
    const ph = new Uint8Array(40);
    ph.set(ipv6Bytes(src), 0);
    ph.set(ipv6Bytes(dst), 16);
    new DataView(ph.buffer).setUint32(32, length);
    ph[39] = protocol;
    return ph;
  }
  const ph = new Uint8Array(12);
  ph.set(ipv4Bytes(src), 0);
  ph.set(ipv4Bytes(dst), 4);
  ph[9] = protocol;
  new DataView(ph.buffer).setUint16(10, length);
  return ph;
}

// ---------------------------------------------------------------------------------------------
// IPv4 / IPv6
// ---------------------------------------------------------------------------------------------

export interface Ipv4Opts {
  src: string;
  dst: string;
  protocol: number;
  payload: Uint8Array;
  ttl?: number;
  id?: number;
  /** Fragment offset in BYTES (must be a multiple of 8). */
  fragmentOffset?: number;
  moreFragments?: boolean;
  dontFragment?: boolean;
  /** Raw option bytes; padded with zeros (EOL) to a multiple of 4. */
  options?: Uint8Array;
  /** Override the total length field (default: header + payload). */
  totalLength?: number;
  /** Override the header checksum (default: computed). */
  checksum?: number;
  tos?: number;
}

/** An IPv4 header followed by the payload; header checksum computed (RFC 791 §3.1). */
export function ipv4(o: Ipv4Opts): Uint8Array {
  const options = o.options ?? new Uint8Array(0);
  const optionsLength = Math.ceil(options.length / 4) * 4;
  const headerLength = 20 + optionsLength;
  const out = new Uint8Array(headerLength + o.payload.length);
  const dv = new DataView(out.buffer);
  out[0] = 0x40 | (headerLength / 4);
  out[1] = o.tos ?? 0;
  dv.setUint16(2, o.totalLength ?? headerLength + o.payload.length);
  dv.setUint16(4, o.id ?? 0);
  const offset = o.fragmentOffset ?? 0;
  if (offset % 8 !== 0) throw new Error('ipv4(): fragmentOffset must be a multiple of 8 bytes');
  dv.setUint16(6, (o.dontFragment ? 0x4000 : 0) | (o.moreFragments ? 0x2000 : 0) | (offset / 8));
  out[8] = o.ttl ?? 64;
  out[9] = o.protocol;
  out.set(ipv4Bytes(o.src), 12);
  out.set(ipv4Bytes(o.dst), 16);
  out.set(options, 20);
  dv.setUint16(10, o.checksum ?? internetChecksum(out.subarray(0, headerLength)));
  out.set(o.payload, headerLength);
  return out;
}

/**
 * An IPv6 extension header. `type` is its own protocol number (0 hop-by-hop, 43 routing,
 * 44 fragment, 60 destination options, 51 AH). For 0/43/60/51 `body` is everything after the
 * next-header and length bytes, zero-padded to the header's unit (8 bytes; AH: 4 bytes).
 */
export type Ipv6Extension =
  | { type: 0 | 43 | 60 | 51; body?: Uint8Array }
  | { type: 44; fragmentOffset: number; moreFragments: boolean; id: number };

export interface Ipv6Opts {
  src: string;
  dst: string;
  /** Upper-layer protocol (after all extensions). */
  nextHeader: number;
  payload: Uint8Array;
  hopLimit?: number;
  extensions?: Ipv6Extension[];
  /** Override the payload length field (default: extensions + payload). */
  payloadLength?: number;
  trafficClass?: number;
  flowLabel?: number;
}

function extensionBytes(ext: Ipv6Extension, next: number): Uint8Array {
  if (ext.type === 44) {
    // RFC 8200 §4.5: next, reserved, offset (13 bits, 8-octet units) | res | M, identification
    const out = new Uint8Array(8);
    const dv = new DataView(out.buffer);
    out[0] = next;
    if (ext.fragmentOffset % 8 !== 0) throw new Error('ipv6(): fragmentOffset must be a multiple of 8 bytes');
    dv.setUint16(2, ext.fragmentOffset | (ext.moreFragments ? 1 : 0));
    dv.setUint32(4, ext.id >>> 0);
    return out;
  }
  const body = ext.body ?? new Uint8Array(0);
  if (ext.type === 51) {
    // RFC 4302 §2.2: length in 4-octet units minus 2; IPv6 wants a multiple of 8 overall.
    const total = Math.max(8, Math.ceil((body.length + 2) / 8) * 8);
    const out = new Uint8Array(total);
    out[0] = next;
    out[1] = total / 4 - 2;
    out.set(body, 2);
    return out;
  }
  // RFC 8200 §4.3/4.4/4.6: length in 8-octet units, not counting the first 8.
  const total = Math.max(8, Math.ceil((body.length + 2) / 8) * 8);
  const out = new Uint8Array(total);
  out[0] = next;
  out[1] = total / 8 - 1;
  out.set(body, 2);
  return out;
}

/** An IPv6 header, its extension headers in the order given, then the payload (RFC 8200 §3). */
export function ipv6(o: Ipv6Opts): Uint8Array {
  const exts = o.extensions ?? [];
  const extParts: Uint8Array[] = [];
  for (let i = 0; i < exts.length; i++) {
    const next = i + 1 < exts.length ? exts[i + 1].type : o.nextHeader;
    extParts.push(extensionBytes(exts[i], next));
  }
  const body = concat(...extParts, o.payload);
  const out = new Uint8Array(40 + body.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, (6 << 28) | ((o.trafficClass ?? 0) << 20) | ((o.flowLabel ?? 0) & 0xfffff));
  dv.setUint16(4, o.payloadLength ?? body.length);
  out[6] = exts.length ? exts[0].type : o.nextHeader;
  out[7] = o.hopLimit ?? 64;
  out.set(ipv6Bytes(o.src), 8);
  out.set(ipv6Bytes(o.dst), 24);
  out.set(body, 40);
  return out;
}

/** IPv4 or IPv6 chosen by the address syntax. */
export function ip(o: { src: string; dst: string; protocol: number; payload: Uint8Array; ttl?: number; id?: number }): Uint8Array {
  return isIpv6Text(o.src)
    ? ipv6({ src: o.src, dst: o.dst, nextHeader: o.protocol, payload: o.payload, hopLimit: o.ttl })
    : ipv4({ src: o.src, dst: o.dst, protocol: o.protocol, payload: o.payload, ttl: o.ttl, id: o.id });
}

/**
 * Splits an IPv4 datagram's payload into fragments of at most `chunk` payload bytes
 * (rounded down to a multiple of 8). Returns whole IPv4 packets, first fragment first.
 */
export function ipv4Fragments(o: Omit<Ipv4Opts, 'fragmentOffset' | 'moreFragments'>, chunk: number): Uint8Array[] {
  const size = Math.max(8, chunk - (chunk % 8));
  const out: Uint8Array[] = [];
  for (let at = 0; at < o.payload.length; at += size) {
    const end = Math.min(at + size, o.payload.length);
    out.push(ipv4({ ...o, payload: o.payload.subarray(at, end), fragmentOffset: at, moreFragments: end < o.payload.length }));
  }
  return out;
}

/** Same for IPv6: each fragment carries a fragment extension header with identification `id`. */
export function ipv6Fragments(o: Omit<Ipv6Opts, 'extensions'> & { id: number }, chunk: number): Uint8Array[] {
  const size = Math.max(8, chunk - (chunk % 8));
  const out: Uint8Array[] = [];
  for (let at = 0; at < o.payload.length; at += size) {
    const end = Math.min(at + size, o.payload.length);
    out.push(ipv6({
      src: o.src, dst: o.dst, nextHeader: o.nextHeader, hopLimit: o.hopLimit, payload: o.payload.subarray(at, end),
      extensions: [{ type: 44, fragmentOffset: at, moreFragments: end < o.payload.length, id: o.id }],
    }));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// TCP / UDP / ICMP
// ---------------------------------------------------------------------------------------------

export interface TcpOpts {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack?: number;
  /** Flag letters: F S R P A U E C, e.g. 'S', 'SA', 'A', 'PA', 'FA', 'R', 'RA'. */
  flags: string;
  window?: number;
  urgentPointer?: number;
  options?: { mss?: number; windowScale?: number; sackPermitted?: boolean; timestamp?: [number, number]; sack?: number[] };
  /** Raw option bytes appended after `options` (padded with NOPs to a multiple of 4). */
  rawOptions?: Uint8Array;
  payload?: Uint8Array | string;
  /** Addresses for the checksum; without them the checksum is left 0. */
  src?: string;
  dst?: string;
  /** Override the checksum field. */
  checksum?: number;
}

const TCP_FLAG_LETTERS: Record<string, number> = { F: 0x01, S: 0x02, R: 0x04, P: 0x08, A: 0x10, U: 0x20, E: 0x40, C: 0x80 };

/** 'SA' -> 0x12. */
export function tcpFlags(letters: string): number {
  let bits = 0;
  for (const l of letters.toUpperCase()) {
    const bit = TCP_FLAG_LETTERS[l];
    if (bit === undefined) throw new Error(`tcpFlags(): unknown flag letter "${l}"`);
    bits |= bit;
  }
  return bits;
}

function tcpOptionBytes(o: TcpOpts): Uint8Array {
  const parts: number[] = [];
  const opt = o.options;
  const u16 = (n: number): number[] => [(n >> 8) & 0xff, n & 0xff];
  const u32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  if (opt?.mss !== undefined) parts.push(2, 4, ...u16(opt.mss));
  if (opt?.sackPermitted) parts.push(4, 2);
  if (opt?.timestamp) parts.push(8, 10, ...u32(opt.timestamp[0]), ...u32(opt.timestamp[1]));
  if (opt?.windowScale !== undefined) parts.push(1, 3, 3, opt.windowScale);
  if (opt?.sack && opt.sack.length) {
    parts.push(1, 1, 5, 2 + opt.sack.length * 4);
    for (const edge of opt.sack) parts.push(...u32(edge));
  }
  if (o.rawOptions) parts.push(...o.rawOptions);
  while (parts.length % 4 !== 0) parts.push(1); // NOP padding
  return Uint8Array.from(parts);
}

/** A TCP header with options, then the payload (RFC 9293 §3.1). */
export function tcp(o: TcpOpts): Uint8Array {
  const options = tcpOptionBytes(o);
  const payload = toBytes(o.payload);
  const headerLength = 20 + options.length;
  if (headerLength > 60) throw new Error(`tcp(): header of ${headerLength} bytes exceeds 60`);
  const out = new Uint8Array(headerLength + payload.length);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, o.srcPort);
  dv.setUint16(2, o.dstPort);
  dv.setUint32(4, o.seq >>> 0);
  dv.setUint32(8, (o.ack ?? 0) >>> 0);
  out[12] = (headerLength / 4) << 4;
  out[13] = tcpFlags(o.flags);
  dv.setUint16(14, o.window ?? 65535);
  dv.setUint16(18, o.urgentPointer ?? 0);
  out.set(options, 20);
  out.set(payload, headerLength);
  let checksum = o.checksum;
  if (checksum === undefined && o.src !== undefined && o.dst !== undefined) {
    checksum = internetChecksum(pseudoHeader(o.src, o.dst, 6, out.length), out);
  }
  dv.setUint16(16, checksum ?? 0);
  return out;
}

export interface UdpOpts {
  srcPort: number;
  dstPort: number;
  payload: Uint8Array | string;
  /** Addresses for the checksum; without them the checksum is left 0 (allowed for IPv4). */
  src?: string;
  dst?: string;
  /** Override the length field (default 8 + payload). */
  length?: number;
  checksum?: number;
}

/** A UDP header then the payload (RFC 768). */
export function udp(o: UdpOpts): Uint8Array {
  const payload = toBytes(o.payload);
  const out = new Uint8Array(8 + payload.length);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, o.srcPort);
  dv.setUint16(2, o.dstPort);
  dv.setUint16(4, o.length ?? out.length);
  out.set(payload, 8);
  let checksum = o.checksum;
  if (checksum === undefined && o.src !== undefined && o.dst !== undefined) {
    checksum = internetChecksum(pseudoHeader(o.src, o.dst, 17, out.length), out);
    if (checksum === 0) checksum = 0xffff; // RFC 768: a computed 0 is sent as all ones
  }
  dv.setUint16(6, checksum ?? 0);
  return out;
}

/**
 * ICMP error (RFC 792) quoting `original` (an IP packet): its IP header plus the first 8 bytes
 * after it. Default type 3 (destination unreachable) code 3 (port unreachable); type 11 is
 * time exceeded. Returns the ICMP message (IPv4 protocol 1 payload).
 */
export function icmpUnreachable(original: Uint8Array, opts: { type?: number; code?: number } = {}): Uint8Array {
  const ihl = (original[0] & 0x0f) * 4;
  const quoted = original.subarray(0, Math.min(original.length, ihl + 8));
  const out = new Uint8Array(8 + quoted.length);
  out[0] = opts.type ?? 3;
  out[1] = opts.code ?? 3;
  out.set(quoted, 8);
  new DataView(out.buffer).setUint16(2, internetChecksum(out));
  return out;
}

/**
 * ICMPv6 error (RFC 4443 §3) quoting `original` (an IPv6 packet): the IPv6 header, its
 * extensions and the first 8 bytes after them, as much as `quoteLength` allows (default: all of
 * the original up to 1232 bytes). Default type 1 (destination unreachable) code 4 (port
 * unreachable); type 3 is time exceeded. With src/dst the checksum is computed.
 */
export function icmpv6Unreachable(
  original: Uint8Array,
  opts: { type?: number; code?: number; src?: string; dst?: string; quoteLength?: number } = {},
): Uint8Array {
  const quoted = original.subarray(0, Math.min(original.length, opts.quoteLength ?? 1232));
  const out = new Uint8Array(8 + quoted.length);
  out[0] = opts.type ?? 1;
  out[1] = opts.code ?? 4;
  out.set(quoted, 8);
  if (opts.src !== undefined && opts.dst !== undefined) {
    new DataView(out.buffer).setUint16(2, internetChecksum(pseudoHeader(opts.src, opts.dst, 58, out.length), out));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Link layers
// ---------------------------------------------------------------------------------------------

/** 0x0800 for an IPv4 packet, 0x86dd for IPv6, by the version nibble. */
export function etherTypeFor(payload: Uint8Array): number {
  return payload.length > 0 && payload[0] >> 4 === 6 ? ETHERTYPE.IPV6 : ETHERTYPE.IPV4;
}

export interface EthernetOpts {
  /** EtherType of the payload (default: sniffed IPv4/IPv6 from the payload's version nibble). */
  etherType?: number;
  /** VLAN IDs, outermost first. */
  vlans?: number[];
  /** Outer tag(s) use 802.1ad (0x88a8) instead of 802.1Q; the innermost tag stays 0x8100. */
  qinq?: boolean;
  /** TPID for outer tags when qinq is set (default 0x88a8; 0x9100 for the older stacked form). */
  outerTpid?: number;
  src?: string;
  dst?: string;
}

/** Ethernet II header (dst, src, [tags], type) then the payload. */
export function ethernet(payload: Uint8Array, o: EthernetOpts = {}): Uint8Array {
  const vlans = o.vlans ?? [];
  const out = new Uint8Array(14 + vlans.length * 4 + payload.length);
  const dv = new DataView(out.buffer);
  out.set(macBytes(o.dst ?? '02:00:00:00:00:02'), 0);
  out.set(macBytes(o.src ?? '02:00:00:00:00:01'), 6);
  let at = 12;
  for (let i = 0; i < vlans.length; i++) {
    const inner = i === vlans.length - 1;
    dv.setUint16(at, o.qinq && !inner ? (o.outerTpid ?? ETHERTYPE.QINQ) : ETHERTYPE.VLAN);
    dv.setUint16(at + 2, vlans[i] & 0x0fff); // PCP 0, DEI 0
    at += 4;
  }
  dv.setUint16(at, o.etherType ?? etherTypeFor(payload));
  out.set(payload, at + 2);
  return out;
}

/** Linux cooked capture v1 (LINKTYPE 113): 16-byte header, protocol = EtherType. */
export function sll(payload: Uint8Array, protocol?: number, packetType = 0): Uint8Array {
  const out = new Uint8Array(16 + payload.length);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, packetType);
  dv.setUint16(2, 1); // ARPHRD_ETHER
  dv.setUint16(4, 6);
  out.set(macBytes('02:00:00:00:00:01'), 6);
  dv.setUint16(14, protocol ?? etherTypeFor(payload));
  out.set(payload, 16);
  return out;
}

/** Linux cooked capture v2 (LINKTYPE 276): 20-byte header, protocol first. */
export function sll2(payload: Uint8Array, protocol?: number, interfaceIndex = 1): Uint8Array {
  const out = new Uint8Array(20 + payload.length);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, protocol ?? etherTypeFor(payload));
  dv.setUint32(4, interfaceIndex);
  dv.setUint16(8, 1); // ARPHRD_ETHER
  out[10] = 0; // packet type: to us
  out[11] = 6;
  out.set(macBytes('02:00:00:00:00:01'), 12);
  out.set(payload, 20);
  return out;
}

/** AF_ values seen in BSD null/loop headers. */
export const AF = { INET: 2, INET6_BSD: 24, INET6_FREEBSD: 28, INET6_DARWIN: 30 } as const;

/**
 * BSD null (LINKTYPE 0, host byte order: little-endian by default here) or loop
 * (LINKTYPE 108, `bigEndian` true) header: a 4-byte address family.
 */
export function nullLoopback(payload: Uint8Array, family: number, bigEndian = false): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setUint32(0, family, !bigEndian);
  out.set(payload, 4);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Convenience: whole frames
// ---------------------------------------------------------------------------------------------

export interface FrameOpts {
  src: string;
  dst: string;
  ttl?: number;
  /** IPv4 identification. */
  id?: number;
  vlans?: number[];
  qinq?: boolean;
}

/** Ethernet + IPv4/IPv6 (by address syntax) + TCP, checksums correct. */
export function tcpFrame(o: FrameOpts & Omit<TcpOpts, 'src' | 'dst'>): Uint8Array {
  const segment = tcp({ ...o, src: o.src, dst: o.dst });
  return ethernet(ip({ src: o.src, dst: o.dst, protocol: IP_PROTO.TCP, payload: segment, ttl: o.ttl, id: o.id }),
    { vlans: o.vlans, qinq: o.qinq });
}

/** Ethernet + IPv4/IPv6 (by address syntax) + UDP, checksums correct. */
export function udpFrame(o: FrameOpts & Omit<UdpOpts, 'src' | 'dst'>): Uint8Array {
  const datagram = udp({ ...o, src: o.src, dst: o.dst });
  return ethernet(ip({ src: o.src, dst: o.dst, protocol: IP_PROTO.UDP, payload: datagram, ttl: o.ttl, id: o.id }),
    { vlans: o.vlans, qinq: o.qinq });
}

// ---------------------------------------------------------------------------------------------
// Tunnels and other link layers (issue 7). Each wraps an already built payload.
// ---------------------------------------------------------------------------------------------

function header(length: number, fill: (out: Uint8Array, dv: DataView) => void): Uint8Array {
  const out = new Uint8Array(length);
  fill(out, new DataView(out.buffer));
  return out;
}

/**
 * GRE header then payload (RFC 2784/2890). Version 1 is PPTP's enhanced GRE (RFC 2637 §4.1):
 * key (payload length, call ID) always present, protocol 0x880b.
 */
export function gre(payload: Uint8Array, o: { protocol?: number; key?: number; sequence?: number; checksum?: boolean; version?: 0 | 1; ack?: number } = {}): Uint8Array {
  const version = o.version ?? 0;
  const hasKey = version === 1 || o.key !== undefined;
  const fields: number[] = [];
  if (o.checksum) fields.push(0); // checksum + reserved, filled below
  if (hasKey) fields.push(version === 1 ? ((payload.length << 16) | ((o.key ?? 0) & 0xffff)) >>> 0 : o.key ?? 0);
  if (o.sequence !== undefined) fields.push(o.sequence);
  if (version === 1 && o.ack !== undefined) fields.push(o.ack);
  const flags = (o.checksum ? 0x8000 : 0) | (hasKey ? 0x2000 : 0) | (o.sequence !== undefined ? 0x1000 : 0)
    | (version === 1 && o.ack !== undefined ? 0x0080 : 0) | version;
  const out = header(4 + fields.length * 4 + payload.length, (h, dv) => {
    dv.setUint16(0, flags);
    dv.setUint16(2, o.protocol ?? (version === 1 ? 0x880b : etherTypeFor(payload)));
    fields.forEach((f, i) => dv.setUint32(4 + i * 4, f >>> 0));
  });
  out.set(payload, 4 + fields.length * 4);
  if (o.checksum) new DataView(out.buffer).setUint16(4, internetChecksum(out));
  return out;
}

/** ERSPAN type II (8-byte header, session `sessionId`) or III (12 bytes, +8 platform subheader when `subheader`) before a mirrored frame. */
export function erspan(frame: Uint8Array, o: { type: 2 | 3; sessionId?: number; subheader?: boolean }): Uint8Array {
  const length = o.type === 2 ? 8 : 12 + (o.subheader ? 8 : 0);
  const h = header(length, (b, dv) => {
    dv.setUint16(0, (o.type === 2 ? 1 : 2) << 12); // version
    dv.setUint16(2, (o.sessionId ?? 1) & 0x3ff);
    if (o.type === 3 && o.subheader) b[11] |= 0x01;
  });
  return concat(h, frame);
}

/** VXLAN header (RFC 7348 §5) with the I flag, then the Ethernet frame. Wrap in udp({ dstPort: 4789 }). */
export function vxlan(frame: Uint8Array, vni = 1): Uint8Array {
  return concat(header(8, (b, dv) => { b[0] = 0x08; dv.setUint32(4, (vni << 8) >>> 0); }), frame);
}

/** Geneve header (RFC 8926 §3.4) with `optionBytes` of options (multiple of 4), then the payload. Wrap in udp({ dstPort: 6081 }). */
export function geneve(payload: Uint8Array, o: { protocol?: number; vni?: number; optionBytes?: number } = {}): Uint8Array {
  const options = o.optionBytes ?? 0;
  return concat(header(8 + options, (b, dv) => {
    b[0] = options / 4;
    dv.setUint16(2, o.protocol ?? ETHERTYPE.TEB);
    dv.setUint32(4, ((o.vni ?? 1) << 8) >>> 0);
  }), payload);
}

/**
 * GTP-U v1 header (3GPP TS 29.281 §5.1), message type G-PDU (255) unless given, then the
 * payload. `sequence` adds the optional 4 bytes; `extensions` adds extension headers, each given
 * as its content length in 4-byte units (content zero-filled).
 */
export function gtpu(payload: Uint8Array, o: { teid?: number; messageType?: number; sequence?: number; extensions?: number[] } = {}): Uint8Array {
  const exts = o.extensions ?? [];
  const optional = o.sequence !== undefined || exts.length > 0;
  const extBytes = exts.reduce((n, units) => n + units * 4, 0);
  const length = 8 + (optional ? 4 : 0) + extBytes;
  const h = header(length, (b, dv) => {
    b[0] = 0x30 | (exts.length ? 0x04 : 0) | (o.sequence !== undefined ? 0x02 : 0);
    b[1] = o.messageType ?? 0xff;
    dv.setUint16(2, length - 8 + payload.length);
    dv.setUint32(4, o.teid ?? 1);
    if (optional) {
      dv.setUint16(8, o.sequence ?? 0);
      b[11] = exts.length ? 0x85 : 0; // next extension type (PDU session container), 0 = none
      let at = 12;
      exts.forEach((units, i) => {
        b[at] = units;
        b[at + units * 4 - 1] = i + 1 < exts.length ? 0x85 : 0;
        at += units * 4;
      });
    }
  });
  return concat(h, payload);
}

/** Teredo (RFC 4380 §5.1.1): optional origin indication (8 bytes) then an IPv6 packet. Wrap in udp on port 3544. */
export function teredo(ipv6Packet: Uint8Array, o: { origin?: boolean; authentication?: boolean } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  if (o.authentication) parts.push(header(13, (b) => { b[1] = 0x01; })); // indicator, ID len 0, AU len 0, nonce, confirmation
  if (o.origin) parts.push(header(8, (b, dv) => { dv.setUint16(2, 0xffff ^ 3544); }));
  return concat(...parts, ipv6Packet);
}

/** AYIYA (draft-massar-v6ops-ayiya): 16-byte identity, no signature, opcode forward, then the packet. Wrap in udp on port 5072. */
export function ayiya(packet: Uint8Array, nextHeader: 4 | 41 = 41): Uint8Array {
  return concat(header(8 + 16, (b) => { b[0] = 0x41; b[2] = 0x11; b[3] = nextHeader; }), packet);
}

/** MPLS label stack (RFC 3032), bottom-of-stack on the last label; `controlWord` adds a zero PW control word. */
export function mpls(payload: Uint8Array, labels: number[], o: { controlWord?: boolean; ttl?: number } = {}): Uint8Array {
  const stack = header(labels.length * 4, (_, dv) => {
    labels.forEach((label, i) => dv.setUint32(i * 4, ((label << 12) | (i === labels.length - 1 ? 0x100 : 0) | (o.ttl ?? 64)) >>> 0));
  });
  return concat(stack, o.controlWord ? new Uint8Array(4) : new Uint8Array(0), payload);
}

/** A PPP frame: optional HDLC address/control (ff 03), the protocol field (default by IP version), the payload. */
export function ppp(payload: Uint8Array, o: { protocol?: number; hdlc?: boolean } = {}): Uint8Array {
  const protocol = o.protocol ?? (payload[0] >> 4 === 6 ? 0x0057 : 0x0021);
  return concat(o.hdlc ? Uint8Array.from([0xff, 0x03]) : new Uint8Array(0), Uint8Array.from([protocol >> 8, protocol & 0xff]), payload);
}

/** PPPoE session header (RFC 2516 §4) around a PPP frame without HDLC framing. Use EtherType 0x8864. */
export function pppoe(payload: Uint8Array, o: { sessionId?: number; protocol?: number } = {}): Uint8Array {
  const frame = ppp(payload, { protocol: o.protocol });
  return concat(header(6, (b, dv) => { b[0] = 0x11; dv.setUint16(2, o.sessionId ?? 1); dv.setUint16(4, frame.length); }), frame);
}

/** Cisco HDLC (LINKTYPE 104): address 0x0f, control 0, EtherType. */
export function ciscoHdlc(payload: Uint8Array, etherType?: number): Uint8Array {
  return concat(header(4, (b, dv) => { b[0] = 0x0f; dv.setUint16(2, etherType ?? etherTypeFor(payload)); }), payload);
}

/** LLC/SNAP (RFC 1042) header before an EtherType payload. */
export function llcSnap(payload: Uint8Array, etherType?: number): Uint8Array {
  return concat(header(8, (b, dv) => { b[0] = 0xaa; b[1] = 0xaa; b[2] = 0x03; dv.setUint16(6, etherType ?? etherTypeFor(payload)); }), payload);
}

/** FDDI (LINKTYPE 10): frame control 0x50 (async LLC), addresses, then LLC/SNAP and the payload. */
export function fddi(payload: Uint8Array, frameControl = 0x50): Uint8Array {
  return concat(header(13, (b) => { b[0] = frameControl; b[6] = 2; b[12] = 1; }), llcSnap(payload));
}

/**
 * Linux NFLOG (LINKTYPE 239): header (family AF_INET 2 / AF_INET6 10), a prefix TLV, then the
 * payload TLV (type 9). TLV lengths/types little-endian unless `bigEndian`.
 */
export function nflog(payload: Uint8Array, o: { family?: number; bigEndian?: boolean; omitPayload?: boolean } = {}): Uint8Array {
  const le = !o.bigEndian;
  const tlv = (type: number, value: Uint8Array): Uint8Array => {
    const length = 4 + value.length;
    const out = new Uint8Array((length + 3) & ~3);
    const dv = new DataView(out.buffer);
    dv.setUint16(0, length, le);
    dv.setUint16(2, type, le);
    out.set(value, 4);
    return out;
  };
  const family = o.family ?? (payload[0] >> 4 === 6 ? 10 : 2);
  return concat(Uint8Array.from([family, 0, 0, 1]), tlv(10, utf8.encode('prefix\0')), o.omitPayload ? new Uint8Array(0) : tlv(9, payload));
}

export interface Ieee80211Opts {
  /** Frame type (0 management, 1 control, 2 data) and subtype; default QoS data (2, 8) when `qos`, else data (2, 0). */
  type?: number;
  subtype?: number;
  qos?: boolean;
  toDs?: boolean;
  fromDs?: boolean;
  protected?: boolean;
  /** Order flag: with QoS adds a 4-byte HT control field. */
  order?: boolean;
  /** Wrap the LLC/SNAP body as the first A-MSDU subframe (QoS only). */
  amsdu?: boolean;
}

/** An 802.11 frame (LINKTYPE 105, no FCS) with an LLC/SNAP body around `payload`. */
export function ieee80211(payload: Uint8Array, o: Ieee80211Opts = {}): Uint8Array {
  const qos = o.qos ?? false;
  const type = o.type ?? 2;
  const subtype = o.subtype ?? (qos ? 8 : 0);
  const fourAddresses = o.toDs && o.fromDs;
  const length = 24 + (fourAddresses ? 6 : 0) + (qos ? 2 : 0) + (qos && o.order ? 4 : 0);
  const h = header(length, (b) => {
    b[0] = (subtype << 4) | (type << 2);
    b[1] = (o.toDs ? 0x01 : 0) | (o.fromDs ? 0x02 : 0) | (o.protected ? 0x40 : 0) | (o.order ? 0x80 : 0);
    if (qos && o.amsdu) b[24 + (fourAddresses ? 6 : 0)] = 0x80;
  });
  let body = llcSnap(payload);
  if (o.amsdu) body = concat(header(14, (_, dv) => dv.setUint16(12, body.length)), body);
  return concat(h, body);
}

/** Radiotap header (LINKTYPE 127) before an 802.11 frame: optional TSFT, Flags (with the FCS bit appending 4 FCS bytes). */
export function radiotap(frame: Uint8Array, o: { fcs?: boolean; tsft?: boolean } = {}): Uint8Array {
  const present = 0x02 | (o.tsft ? 0x01 : 0);
  const length = o.tsft ? 8 + 8 + 1 : 8 + 1; // TSFT is 8-aligned: it starts right at 8
  const h = header(length, (b, dv) => {
    dv.setUint16(2, length, true);
    dv.setUint32(4, present, true);
    b[length - 1] = o.fcs ? 0x10 : 0;
  });
  return concat(h, frame, o.fcs ? Uint8Array.from([0xde, 0xad, 0xbe, 0xef]) : new Uint8Array(0));
}

/** Cisco FabricPath (EtherType 0x8903): outer addresses, type, FTag/TTL, then the classical Ethernet frame. */
export function fabricPath(innerFrame: Uint8Array): Uint8Array {
  return concat(header(16, (b, dv) => { b[0] = 0x02; b[6] = 0x02; dv.setUint16(12, ETHERTYPE.FABRICPATH); dv.setUint16(14, 0x0140); }), innerFrame);
}

/** Juniper pseudo-header (LINKTYPE 178): "MGC", flags 0x80 with `extension` bytes of TLVs, then the Ethernet frame. */
export function juniperEther(frame: Uint8Array, extension = 0): Uint8Array {
  return concat(header(6 + extension, (b, dv) => { b[0] = 0x4d; b[1] = 0x47; b[2] = 0x43; b[3] = 0x80; dv.setUint16(4, extension); }), frame);
}

/** IP over InfiniBand (LINKTYPE 242): 40 bytes of addresses, EtherType, 2 reserved bytes. */
export function ipoib(payload: Uint8Array, etherType?: number): Uint8Array {
  return concat(header(44, (_, dv) => dv.setUint16(40, etherType ?? etherTypeFor(payload))), payload);
}

/** ARCnet with Linux framing (LINKTYPE 129): RFC 1051 type 0xf0 (IP right after) or RFC 1201 type 0xd4 (flag, sequence first). */
export function arcnetLinux(payload: Uint8Array, rfc: 1051 | 1201 = 1201): Uint8Array {
  return rfc === 1051
    ? concat(Uint8Array.from([0xbe, 0x50, 0, 0, 0xf0]), payload)
    : concat(Uint8Array.from([0xbe, 0x50, 0, 0, 0xd4, 0, 0, 1]), payload);
}

/**
 * L2TPv2 data message (RFC 2661 §3.1) with the length field and, when `sequence`, Ns/Nr; the
 * payload is a PPP frame with HDLC address/control. Wrap in udp on port 1701.
 */
export function l2tp(packet: Uint8Array, o: { tunnelId?: number; sessionId?: number; sequence?: boolean; offsetPad?: number } = {}): Uint8Array {
  const frame = ppp(packet, { hdlc: true });
  const length = 2 + 2 + 4 + (o.sequence ? 4 : 0) + (o.offsetPad !== undefined ? 2 + o.offsetPad : 0);
  const h = header(length, (_, dv) => {
    dv.setUint16(0, 0x4000 | (o.sequence ? 0x0800 : 0) | (o.offsetPad !== undefined ? 0x0200 : 0) | 2);
    dv.setUint16(2, length + frame.length);
    dv.setUint16(4, o.tunnelId ?? 1);
    dv.setUint16(6, o.sessionId ?? 1);
    if (o.offsetPad !== undefined) dv.setUint16(length - 2 - o.offsetPad, o.offsetPad);
  });
  return concat(h, frame);
}
