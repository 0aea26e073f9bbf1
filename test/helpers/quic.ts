/**
 * Test-side QUIC builder: TLS hellos, frames, long/short header packets with real Initial packet
 * protection (RFC 9001 §5: AES-128-GCM sealing and AES-ECB header protection, keys from the same
 * key schedule the tracker uses, itself checked against the RFC test vectors), Retry packets with
 * their integrity tag (RFC 9001 §5.8, RFC 9369 §3.3.3), Version Negotiation, and DecodedPacket
 * objects for the tracker. Sealing is written here independently of src/ (only key derivation is
 * shared), so a tracker bug in opening packets cannot hide behind the same bug in building them.
 */
import { createCipheriv } from 'node:crypto';
import type { DecodedPacket } from '../../src/decode/packet.js';
import { deriveInitialKeys, type PacketKeys } from '../../src/track/quic/initial-keys.js';
import { encodeVarint } from '../../src/track/quic/varint.js';
import { concat, hex } from './packets.js';

export { concat, hex };

export const V1 = 0x00000001;
export const V2 = 0x6b3343cf;
export const DRAFT_29 = 0xff00001d;

export type Side = 'client' | 'server';
export type LongType = 'initial' | '0rtt' | 'handshake' | 'retry';

/** Long packet type bits: RFC 9000 §17.2 Table 5 for v1 and drafts, RFC 9369 §3.2 for v2. */
function typeBits(type: LongType, version: number): number {
  const v1 = { initial: 0, '0rtt': 1, handshake: 2, retry: 3 };
  const v2 = { initial: 1, '0rtt': 2, handshake: 3, retry: 0 };
  return (version === V2 ? v2 : v1)[type];
}

const u16 = (n: number): Uint8Array => Uint8Array.of(n >> 8, n & 0xff);
const u24 = (n: number): Uint8Array => Uint8Array.of(n >> 16, (n >> 8) & 0xff, n & 0xff);
const u32 = (n: number): Uint8Array => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
const withLength8 = (b: Uint8Array): Uint8Array => concat(Uint8Array.of(b.length), b);
const withLength16 = (b: Uint8Array): Uint8Array => concat(u16(b.length), b);

/** A 2-byte varint (what real stacks use for Length so the header size does not depend on the payload). */
function varint2(n: number): Uint8Array {
  return Uint8Array.of(0x40 | (n >> 8), n & 0xff);
}

// ------------------------------------------------------------------------------ TLS 1.3 hellos

export interface ClientHelloOptions {
  serverName?: string | null;
  alpn?: string[];
  /** Raw quic_transport_parameters extension body (see transportParameters()). */
  transportParameters?: Uint8Array | null;
  /** Bytes of key_share data, to make the hello as big as post-quantum ones (default 32). */
  keyShareLength?: number;
  /** Use the draft codepoint 0xffa5 for the transport parameters extension. */
  draftTransportParameters?: boolean;
}

function extension(type: number, body: Uint8Array): Uint8Array {
  return concat(u16(type), withLength16(body));
}

/** A ClientHello handshake message (RFC 8446 §4.1.2) with SNI, ALPN, supported_versions, key_share and QUIC transport parameters. */
export function clientHello(o: ClientHelloOptions = {}): Uint8Array {
  const extensions: Uint8Array[] = [];
  if (o.serverName) {
    const name = new TextEncoder().encode(o.serverName);
    extensions.push(extension(0, withLength16(concat(Uint8Array.of(0), withLength16(name)))));
  }
  if (o.alpn && o.alpn.length > 0) {
    extensions.push(extension(16, withLength16(concat(...o.alpn.map((p) => withLength8(new TextEncoder().encode(p)))))));
  }
  extensions.push(extension(43, withLength8(u16(0x0304))));
  const share = new Uint8Array(o.keyShareLength ?? 32).fill(0x4b);
  extensions.push(extension(51, withLength16(concat(u16(0x001d), withLength16(share)))));
  if (o.transportParameters) extensions.push(extension(o.draftTransportParameters ? 0xffa5 : 0x39, o.transportParameters));
  const body = concat(
    u16(0x0303), new Uint8Array(32).fill(0x11), Uint8Array.of(0),
    withLength16(concat(u16(0x1301), u16(0x1302), u16(0x1303))), Uint8Array.of(1, 0),
    withLength16(concat(...extensions)),
  );
  return concat(Uint8Array.of(1), u24(body.length), body);
}

/** A ServerHello handshake message (RFC 8446 §4.1.3) choosing `cipherSuite` (default TLS_AES_128_GCM_SHA256). */
export function serverHello(o: { cipherSuite?: number } = {}): Uint8Array {
  const extensions = concat(extension(43, u16(0x0304)), extension(51, concat(u16(0x001d), withLength16(new Uint8Array(32).fill(0x53)))));
  const body = concat(u16(0x0303), new Uint8Array(32).fill(0x22), Uint8Array.of(0), u16(o.cipherSuite ?? 0x1301), Uint8Array.of(0), withLength16(extensions));
  return concat(Uint8Array.of(2), u24(body.length), body);
}

/** Transport parameters (RFC 9000 §18): [id, value bytes] pairs. */
export function transportParameters(params: [number, Uint8Array][]): Uint8Array {
  return concat(...params.map(([id, value]) => concat(encodeVarint(id), encodeVarint(value.length), value)));
}

/** An integer transport parameter value (one varint). */
export const tpInt = (value: number): Uint8Array => encodeVarint(value);

// ------------------------------------------------------------------------------ frames (RFC 9000 §19)

export const PING = Uint8Array.of(0x01);
export const padding = (n: number): Uint8Array => new Uint8Array(n);
export const cryptoFrame = (offset: number, data: Uint8Array): Uint8Array =>
  concat(Uint8Array.of(0x06), encodeVarint(offset), encodeVarint(data.length), data);
export const ackFrame = (largest: number, firstRange = 0): Uint8Array =>
  concat(Uint8Array.of(0x02), encodeVarint(largest), encodeVarint(0), encodeVarint(0), encodeVarint(firstRange));
export const connectionCloseFrame = (errorCode: number, reason = '', frameType = 0): Uint8Array => {
  const r = new TextEncoder().encode(reason);
  return concat(Uint8Array.of(0x1c), encodeVarint(errorCode), encodeVarint(frameType), encodeVarint(r.length), r);
};

// ------------------------------------------------------------------------------ packets

export interface InitialOptions {
  side: Side;
  version?: number;
  dcid: Uint8Array;
  scid: Uint8Array;
  /** The client's first DCID (or a Retry's SCID), from which Initial keys derive; default `dcid`. */
  keyCid?: Uint8Array;
  token?: Uint8Array;
  pn?: number;
  pnLength?: 1 | 2 | 3 | 4;
  frames: Uint8Array;
  /** Pad the payload with PADDING frames until the packet is at least this long. */
  padTo?: number;
}

/** A protected Initial packet (RFC 9001 §5). */
export function initialPacket(o: InitialOptions): Uint8Array {
  const version = o.version ?? V1;
  const keys = deriveInitialKeys(o.keyCid ?? o.dcid, version);
  if (!keys) throw new Error(`initialPacket: no Initial salt for version 0x${version.toString(16)}`);
  return sealLong({ ...o, version, type: 'initial' }, keys[o.side]);
}

interface SealOptions {
  type: LongType;
  version: number;
  dcid: Uint8Array;
  scid: Uint8Array;
  token?: Uint8Array;
  pn?: number;
  pnLength?: 1 | 2 | 3 | 4;
  frames: Uint8Array;
  padTo?: number;
}

/** Seals a long-header packet: AES-128-GCM over the payload, then header protection (RFC 9001 §5.3-5.4). */
export function sealLong(o: SealOptions, keys: PacketKeys): Uint8Array {
  const pn = o.pn ?? 0;
  const pnLength = o.pnLength ?? 2;
  const tokenPart = o.type === 'initial' ? concat(encodeVarint((o.token ?? new Uint8Array(0)).length), o.token ?? new Uint8Array(0)) : new Uint8Array(0);
  const prefix = concat(
    Uint8Array.of(0xc0 | (typeBits(o.type, o.version) << 4) | (pnLength - 1)),
    u32(o.version), withLength8(o.dcid), withLength8(o.scid), tokenPart,
  );
  let payload = o.frames;
  // The header-protection sample needs 4 - pnLength bytes of payload at least (RFC 9001 §5.4.2).
  const minPayload = Math.max(4 - pnLength, (o.padTo ?? 0) - (prefix.length + 2 + pnLength + 16));
  if (payload.length < minPayload) payload = concat(payload, padding(minPayload - payload.length));
  const pnBytes = new Uint8Array(pnLength);
  for (let i = 0; i < pnLength; i++) pnBytes[pnLength - 1 - i] = Math.floor(pn / 256 ** i) & 0xff;
  const header = concat(prefix, varint2(pnLength + payload.length + 16), pnBytes);
  return protect(header, prefix.length + 2, pnLength, pn, payload, keys);
}

function protect(header: Uint8Array, pnOffset: number, pnLength: number, pn: number, payload: Uint8Array, keys: PacketKeys): Uint8Array {
  const nonce = Buffer.from(keys.iv);
  for (let i = 0, v = pn; i < 8; i++, v = Math.floor(v / 256)) nonce[nonce.length - 1 - i] ^= v & 0xff;
  const gcm = createCipheriv('aes-128-gcm', keys.key, nonce);
  gcm.setAAD(header);
  const sealed = concat(gcm.update(payload), gcm.final(), gcm.getAuthTag());
  const packet = concat(header, sealed);
  const sample = packet.subarray(pnOffset + 4, pnOffset + 20);
  const mask = createCipheriv('aes-128-ecb', keys.hp, null).setAutoPadding(false).update(sample);
  packet[0] ^= mask[0] & ((packet[0] & 0x80) !== 0 ? 0x0f : 0x1f);
  for (let i = 0; i < pnLength; i++) packet[pnOffset + i] ^= mask[1 + i];
  return packet;
}

/** A long-header packet whose payload is opaque (Handshake or 0-RTT: keys a capture never has). */
export function longPacket(o: { type: 'handshake' | '0rtt'; version?: number; dcid: Uint8Array; scid: Uint8Array; payloadLength?: number }): Uint8Array {
  const version = o.version ?? V1;
  const body = new Uint8Array(o.payloadLength ?? 40).fill(0xa5);
  return concat(
    Uint8Array.of(0xc1 | (typeBits(o.type, version) << 4)), u32(version), withLength8(o.dcid), withLength8(o.scid),
    varint2(body.length), body,
  );
}

/** A short-header (1-RTT) packet with an opaque payload (RFC 9000 §17.3.1). */
export function shortPacket(dcid: Uint8Array, payloadLength = 30): Uint8Array {
  return concat(Uint8Array.of(0x41), dcid, new Uint8Array(payloadLength).fill(0x5a));
}

/** RFC 9001 §5.8 and RFC 9369 §3.3.3: the fixed key and nonce of the Retry Integrity Tag. */
const RETRY_AEAD: Record<string, { key: string; nonce: string }> = {
  v1: { key: 'be0c690b9f66575a1d766b54e368c84e', nonce: '461599d35d632bf2239825bb' },
  v2: { key: '8fb4b01b56ac48e260fbcbcead7ccc92', nonce: 'd86969bc2d7c6d9990efb04a' },
};

/** A Retry packet with its integrity tag computed over the pseudo-packet (RFC 9001 §5.8). */
export function retryPacket(o: { version?: number; dcid: Uint8Array; scid: Uint8Array; originalDcid: Uint8Array; token: Uint8Array }): Uint8Array {
  const version = o.version ?? V1;
  // The four low bits are unused in a Retry (RFC 9000 §17.2.5); RFC 9001 §A.4 sets them all.
  const body = concat(Uint8Array.of(0xc0 | (typeBits('retry', version) << 4) | 0x0f), u32(version), withLength8(o.dcid), withLength8(o.scid), o.token);
  const aead = RETRY_AEAD[version === V2 ? 'v2' : 'v1'];
  const gcm = createCipheriv('aes-128-gcm', Buffer.from(aead.key, 'hex'), Buffer.from(aead.nonce, 'hex'));
  gcm.setAAD(concat(withLength8(o.originalDcid), body));
  gcm.final();
  return concat(body, gcm.getAuthTag());
}

/** A Version Negotiation packet (RFC 9000 §17.2.1): DCID/SCID mirror the client's SCID/DCID. */
export function versionNegotiation(o: { dcid: Uint8Array; scid: Uint8Array; versions: number[] }): Uint8Array {
  return concat(Uint8Array.of(0x80), u32(0), withLength8(o.dcid), withLength8(o.scid), ...o.versions.map(u32));
}

// ------------------------------------------------------------------------------ datagrams

export interface Address {
  address: string;
  port: number;
}

/** A UDP datagram as the decoder would hand it over (a plain DecodedPacket). */
export function udpPacket(number: number, time: number, from: Address, to: Address, payload: Uint8Array, capturedLength?: number): DecodedPacket {
  const v6 = from.address.includes(':');
  return {
    number,
    time,
    linkType: 1,
    ip: { version: v6 ? 6 : 4, src: from.address, dst: to.address, protocol: 17, offset: 14, headerLength: v6 ? 40 : 20, payloadLength: 8 + payload.length, ttl: 64, id: 0 },
    udp: { srcPort: from.port, dstPort: to.port, length: 8 + payload.length, payload: capturedLength === undefined ? payload : payload.subarray(0, capturedLength) },
  };
}

/** Numbers datagrams 1, 2, 3 ... and times them 1 ms apart from `start`, as a capture would. */
export class Wire {
  private count = 0;
  readonly packets: DecodedPacket[] = [];
  constructor(private readonly start = 1_700_000_000) {}

  /** One datagram carrying `packets` coalesced (RFC 9000 §12.2). */
  send(from: Address, to: Address, ...packets: Uint8Array[]): DecodedPacket {
    this.count++;
    const pkt = udpPacket(this.count, this.start + this.count / 1000, from, to, concat(...packets));
    this.packets.push(pkt);
    return pkt;
  }

  /** A datagram cut to `capturedLength` bytes of UDP payload (a snaplen). */
  sendTruncated(capturedLength: number, from: Address, to: Address, ...packets: Uint8Array[]): DecodedPacket {
    this.count++;
    const pkt = udpPacket(this.count, this.start + this.count / 1000, from, to, concat(...packets), capturedLength);
    this.packets.push(pkt);
    return pkt;
  }
}
