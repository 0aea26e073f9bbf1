/**
 * The fuzz harness's own small frame builder (dist/ has no test helpers): just enough Ethernet,
 * VLAN, Linux cooked v2, BSD null, IPv4 (with fragments), IPv6 (with a fragment header), TCP with
 * options, UDP, DNS with compression pointers, and QUIC Initials with real packet protection
 * (RFC 9001 §5, with its own key schedule) to build seed captures that reach every tracker.
 * Checksums are computed so seeds also pass `--checksums verify`.
 */
import { createCipheriv, createHmac } from 'node:crypto';

export function concat(...parts) {
  const arrays = parts.map((p) => (typeof p === 'string' ? new TextEncoder().encode(p) : p));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) { out.set(a, at); at += a.length; }
  return out;
}

const u16 = (n) => Uint8Array.of((n >> 8) & 0xff, n & 0xff);
const u24 = (n) => Uint8Array.of((n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
const u32 = (n) => Uint8Array.of((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);

function ipv4Bytes(text) { return Uint8Array.from(text.split('.').map(Number)); }

function ipv6Bytes(text) {
  const [head, tail = ''] = text.split('::');
  const groups = (s) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const h = groups(head), t = groups(tail);
  const all = text.includes('::') ? [...h, ...new Array(8 - h.length - t.length).fill(0), ...t] : h;
  const out = new Uint8Array(16);
  all.forEach((g, i) => { out[i * 2] = g >> 8; out[i * 2 + 1] = g & 0xff; });
  return out;
}

const isV6 = (address) => address.includes(':');

/** RFC 1071 one's-complement sum over the parts, complemented. */
export function checksum(...parts) {
  let sum = 0;
  let odd = -1;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) {
      if (odd < 0) odd = p[i];
      else { sum += (odd << 8) | p[i]; odd = -1; }
    }
  }
  if (odd >= 0) sum += odd << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function pseudoHeader(src, dst, protocol, length) {
  return isV6(src)
    ? concat(ipv6Bytes(src), ipv6Bytes(dst), u32(length), Uint8Array.of(0, 0, 0, protocol))
    : concat(ipv4Bytes(src), ipv4Bytes(dst), Uint8Array.of(0, protocol), u16(length));
}

// ------------------------------------------------------------------ transport (RFC 9293 §3.1, RFC 768)

const FLAG_BITS = { F: 0x01, S: 0x02, R: 0x04, P: 0x08, A: 0x10, U: 0x20, E: 0x40, C: 0x80 };

/** TCP header with optional MSS / window scale / SACK-permitted / timestamps / SACK blocks, then the payload. */
export function tcp(o) {
  const opts = [];
  if (o.mss !== undefined) opts.push(2, 4, ...u16(o.mss));
  if (o.sackPermitted) opts.push(4, 2);
  if (o.timestamp) opts.push(8, 10, ...u32(o.timestamp[0]), ...u32(o.timestamp[1]));
  if (o.windowScale !== undefined) opts.push(1, 3, 3, o.windowScale);
  if (o.sack) { opts.push(1, 1, 5, 2 + o.sack.length * 4); for (const e of o.sack) opts.push(...u32(e)); }
  while (opts.length % 4) opts.push(1);
  const payload = typeof o.payload === 'string' ? new TextEncoder().encode(o.payload) : o.payload ?? new Uint8Array(0);
  const header = concat(u16(o.sport), u16(o.dport), u32(o.seq >>> 0), u32((o.ack ?? 0) >>> 0),
    Uint8Array.of(((20 + opts.length) / 4) << 4, [...o.flags].reduce((f, l) => f | FLAG_BITS[l], 0)),
    u16(o.window ?? 65535), u16(0), u16(0), Uint8Array.from(opts));
  const seg = concat(header, payload);
  const sum = checksum(pseudoHeader(o.src, o.dst, 6, seg.length), seg);
  seg[16] = sum >> 8; seg[17] = sum & 0xff;
  return seg;
}

export function udp(o) {
  const dgram = concat(u16(o.sport), u16(o.dport), u16(8 + o.payload.length), u16(0), o.payload);
  let sum = checksum(pseudoHeader(o.src, o.dst, 17, dgram.length), dgram);
  if (sum === 0) sum = 0xffff;
  dgram[6] = sum >> 8; dgram[7] = sum & 0xff;
  return dgram;
}

// ------------------------------------------------------------------ network (RFC 791 §3.1, RFC 8200 §3)

export function ipv4(o) {
  const h = new Uint8Array(20);
  h[0] = 0x45; h[8] = o.ttl ?? 64; h[9] = o.protocol;
  h.set(u16(20 + o.payload.length), 2);
  h.set(u16(o.id ?? 0), 4);
  h.set(u16((o.more ? 0x2000 : 0) | ((o.fragmentOffset ?? 0) / 8)), 6);
  h.set(ipv4Bytes(o.src), 12); h.set(ipv4Bytes(o.dst), 16);
  h.set(u16(checksum(h)), 10);
  return concat(h, o.payload);
}

/** IPv6 header; `fragment` adds a fragment extension header (RFC 8200 §4.5). */
export function ipv6(o) {
  const ext = o.fragment
    ? concat(Uint8Array.of(o.protocol, 0), u16(o.fragment.offset | (o.fragment.more ? 1 : 0)), u32(o.fragment.id))
    : new Uint8Array(0);
  const h = new Uint8Array(40);
  h[0] = 0x60; h[6] = o.fragment ? 44 : o.protocol; h[7] = 64;
  h.set(u16(ext.length + o.payload.length), 4);
  h.set(ipv6Bytes(o.src), 8); h.set(ipv6Bytes(o.dst), 24);
  return concat(h, ext, o.payload);
}

export function ip(o) {
  return isV6(o.src) ? ipv6(o) : ipv4(o);
}

// ------------------------------------------------------------------ link layers

export function ethernet(payload, vlans = []) {
  const tags = vlans.map((v, i) => concat(u16(i < vlans.length - 1 ? 0x88a8 : 0x8100), u16(v)));
  const type = payload[0] >> 4 === 6 ? 0x86dd : 0x0800;
  return concat(Uint8Array.of(2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1), ...tags, u16(type), payload);
}

/** Linux cooked v2 (LINKTYPE 276). */
export function sll2(payload) {
  const h = new Uint8Array(20);
  h.set(u16(payload[0] >> 4 === 6 ? 0x86dd : 0x0800), 0);
  h[9] = 1; h[11] = 6;
  return concat(h, payload);
}

/** BSD null (LINKTYPE 0), little-endian address family. */
export function nullLoopback(payload) {
  return concat(Uint8Array.of(payload[0] >> 4 === 6 ? 24 : 2, 0, 0, 0), payload);
}

export const tcpFrame = (o) => ethernet(ip({ ...o, protocol: 6, payload: tcp(o) }), o.vlans);
export const udpFrame = (o) => ethernet(ip({ ...o, protocol: 17, payload: udp(o) }), o.vlans);

// ------------------------------------------------------------------ DNS (RFC 1035 §4.1)

function labels(name) {
  return concat(...name.split('.').map((l) => concat(Uint8Array.of(l.length), l)), Uint8Array.of(0));
}

export function dnsQuery(id, name, type = 1) {
  return concat(u16(id), u16(0x0100), u16(1), u16(0), u16(0), u16(0), labels(name), u16(type), u16(1));
}

/**
 * A response whose answers name the question by compression pointers (RFC 1035 §4.1.4): a CNAME
 * to `www.` + pointer, then an A record for the CNAME target by another pointer.
 */
export function dnsResponse(id, name, address, rcode = 0) {
  const question = concat(labels(name), u16(1), u16(1));
  const cnameAt = 12 + question.length + 12; // where the CNAME's RDATA starts
  const cname = concat(Uint8Array.of(3), 'www', Uint8Array.of(0xc0, 12));
  const answers = concat(
    u16(0xc00c), u16(5), u16(1), u32(300), u16(cname.length), cname,
    Uint8Array.of(0xc0 | (cnameAt >> 8), cnameAt & 0xff), u16(1), u16(1), u32(300), u16(4), ipv4Bytes(address),
  );
  return concat(u16(id), u16(0x8180 | rcode), u16(1), u16(rcode ? 0 : 2), u16(0), u16(0), question, rcode ? new Uint8Array(0) : answers);
}

/** A DNS message over TCP: the 2-byte length prefix (RFC 1035 §4.2.2). */
export const dnsOverTcp = (message) => concat(u16(message.length), message);

// ------------------------------------------------------------------ QUIC (RFC 9000 §17.2, RFC 9001 §5)

export function varint(v) {
  if (v < 0x40) return Uint8Array.of(v);
  if (v < 0x4000) return Uint8Array.of(0x40 | (v >> 8), v & 0xff);
  return Uint8Array.of(0x80 | (v >>> 24), (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

function extension(type, body) { return concat(u16(type), u16(body.length), body); }

/** A TLS 1.3 ClientHello (RFC 8446 §4.1.2) with SNI, ALPN h3, supported_versions, key_share, transport parameters. */
export function clientHello(serverName) {
  const sni = new TextEncoder().encode(serverName);
  const exts = concat(
    extension(0, concat(u16(sni.length + 3), Uint8Array.of(0), u16(sni.length), sni)),
    extension(16, concat(u16(3), Uint8Array.of(2), 'h3')),
    extension(43, Uint8Array.of(2, 3, 4)),
    extension(51, concat(u16(36), u16(0x001d), u16(32), new Uint8Array(32).fill(0x4b))),
    extension(0x39, concat(varint(4), varint(4), u32(0x8000ffff), varint(1), varint(2), u16(0x4000 | 30000))),
  );
  const body = concat(u16(0x0303), new Uint8Array(32).fill(0x11), Uint8Array.of(0), u16(6), u16(0x1301), u16(0x1302), u16(0x1303),
    Uint8Array.of(1, 0), u16(exts.length), exts);
  return concat(Uint8Array.of(1), u24(body.length), body);
}

export function serverHello() {
  const exts = concat(extension(43, u16(0x0304)), extension(51, concat(u16(0x001d), u16(32), new Uint8Array(32).fill(0x53))));
  const body = concat(u16(0x0303), new Uint8Array(32).fill(0x22), Uint8Array.of(0), u16(0x1301), Uint8Array.of(0), u16(exts.length), exts);
  return concat(Uint8Array.of(2), u24(body.length), body);
}

export const cryptoFrame = (data) => concat(Uint8Array.of(0x06), varint(0), varint(data.length), data);
export const ackFrame = (largest) => Uint8Array.of(0x02, largest, 0, 0, 0);

/** RFC 9001 §5.2: the v1 initial_salt. */
const INITIAL_SALT_V1 = Buffer.from('38762cf7f55934b34d179ae6a4c80cadccbb7f0a', 'hex');

const hmac = (key, data) => createHmac('sha256', key).update(data).digest();

/** HKDF-Expand-Label (RFC 8446 §7.1) for outputs of at most one SHA-256 block, empty context. */
function expandLabel(secret, label, length) {
  const full = Buffer.from(`tls13 ${label}`);
  const info = Buffer.concat([Buffer.from([0, length, full.length]), full, Buffer.from([0])]);
  return hmac(secret, Buffer.concat([info, Buffer.from([1])])).subarray(0, length);
}

/** Both directions' Initial keys of a v1 connection whose client chose `dcid` (RFC 9001 §5.2). */
export function initialKeys(dcid) {
  const initial = hmac(INITIAL_SALT_V1, dcid); // HKDF-Extract(initial_salt, DCID)
  const side = (label) => {
    const secret = expandLabel(initial, label, 32);
    return { key: expandLabel(secret, 'quic key', 16), iv: expandLabel(secret, 'quic iv', 12), hp: expandLabel(secret, 'quic hp', 16) };
  };
  return { client: side('client in'), server: side('server in') };
}

/**
 * A protected Initial (RFC 9001 §5): AES-128-GCM over the payload with a 2-byte packet number,
 * then header protection from a sample 4 bytes past the packet number (§5.4.2).
 * `keys` is one direction of initialKeys(clientDcid).
 */
export function initialPacket({ dcid, scid, keys, frames, pn = 0, padTo = 0 }) {
  const prefix = concat(Uint8Array.of(0xc1), u32(1), Uint8Array.of(dcid.length), dcid, Uint8Array.of(scid.length), scid, varint(0));
  let payload = frames;
  const minPayload = Math.max(2, padTo - (prefix.length + 2 + 2 + 16));
  if (payload.length < minPayload) payload = concat(payload, new Uint8Array(minPayload - payload.length));
  const length = 2 + payload.length + 16;
  const header = concat(prefix, Uint8Array.of(0x40 | (length >> 8), length & 0xff), u16(pn));
  const nonce = Buffer.from(keys.iv);
  nonce[nonce.length - 1] ^= pn & 0xff;
  nonce[nonce.length - 2] ^= (pn >> 8) & 0xff;
  const gcm = createCipheriv('aes-128-gcm', keys.key, nonce);
  gcm.setAAD(header);
  const packet = concat(header, gcm.update(payload), gcm.final(), gcm.getAuthTag());
  const pnOffset = prefix.length + 2;
  const mask = createCipheriv('aes-128-ecb', keys.hp, null).setAutoPadding(false).update(packet.subarray(pnOffset + 4, pnOffset + 20));
  packet[0] ^= mask[0] & 0x0f;
  packet[pnOffset] ^= mask[1];
  packet[pnOffset + 1] ^= mask[2];
  return packet;
}

/** A Handshake packet with an opaque payload (keys a capture never has). */
export function handshakePacket({ dcid, scid, length = 40 }) {
  return concat(Uint8Array.of(0xe1), u32(1), Uint8Array.of(dcid.length), dcid, Uint8Array.of(scid.length), scid,
    Uint8Array.of(0x40 | (length >> 8), length & 0xff), new Uint8Array(length).fill(0xa5));
}

export const shortPacket = (dcid, length = 30) => concat(Uint8Array.of(0x41), dcid, new Uint8Array(length).fill(0x5a));

// ------------------------------------------------------------------ tunnels and other link layers

/** Ethernet with an explicit EtherType (MPLS, PPPoE, ...). */
export function ethernetOf(etherType, payload) {
  return concat(Uint8Array.of(2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1), u16(etherType), payload);
}

/** GRE (RFC 2784) with a key (RFC 2890) before an IP packet: IP protocol 47. */
export const gre = (inner) => concat(u16(0x2000), u16(inner[0] >> 4 === 6 ? 0x86dd : 0x0800), u32(7), inner);
/** VXLAN (RFC 7348 §5): I flag, VNI 42, then an Ethernet frame; carried on UDP 4789. */
export const vxlan = (frame) => concat(Uint8Array.of(0x08, 0, 0, 0), u32(42 << 8), frame);
/** Geneve (RFC 8926 §3): no options, protocol Transparent Ethernet Bridging; UDP 6081. */
export const geneve = (frame) => concat(Uint8Array.of(0, 0), u16(0x6558), u32(7 << 8), frame);
/** GTP-U v1 G-PDU (3GPP TS 29.281 §5.1) before an IP packet; UDP 2152. */
export const gtpu = (inner) => concat(Uint8Array.of(0x30, 0xff), u16(inner.length), u32(1), inner);
/** MPLS (RFC 3032): two labels, the second bottom-of-stack; EtherType 0x8847. */
export const mpls = (inner) => concat(u32((100 << 12) | 64), u32((200 << 12) | 0x100 | 64), inner);
/** PPPoE session (RFC 2516 §4) carrying PPP IPv4 (0x0021); EtherType 0x8864. */
export const pppoe = (inner) => concat(Uint8Array.of(0x11, 0), u16(1), u16(inner.length + 2), u16(0x0021), inner);
/** Cisco HDLC (LINKTYPE 104). */
export const ciscoHdlc = (inner) => concat(Uint8Array.of(0x0f, 0), u16(0x0800), inner);
/** PPP with HDLC framing (LINKTYPE 9). */
export const pppHdlc = (inner) => concat(Uint8Array.of(0xff, 0x03), u16(0x0021), inner);
/** Radiotap (LINKTYPE 127, flags field only) before an 802.11 data frame with LLC/SNAP. */
export function radiotap80211(inner) {
  const rt = Uint8Array.of(0, 0, 9, 0, 0x02, 0, 0, 0, 0);
  const wifi = concat(Uint8Array.of(0x08, 0x01, 0, 0), new Uint8Array(18), new Uint8Array(2));
  const llc = concat(Uint8Array.of(0xaa, 0xaa, 0x03, 0, 0, 0), u16(0x0800));
  return concat(rt, wifi, llc, inner);
}
/** Linux NFLOG (LINKTYPE 239): AF_INET header, a prefix TLV, the payload TLV (type 9), little-endian. */
export function nflog(inner) {
  const tlv = (type, value) => {
    const length = 4 + value.length;
    const out = new Uint8Array((length + 3) & ~3);
    out[0] = length & 0xff; out[1] = length >> 8; out[2] = type;
    out.set(value, 4);
    return out;
  };
  return concat(Uint8Array.of(2, 0, 0, 1), tlv(10, concat('fz', Uint8Array.of(0))), tlv(9, inner));
}
