/**
 * QUIC packet headers, pure: bytes in, views out (STYLE practices 1-4). Long headers carry their
 * own CID lengths; short headers do not, so `parseShortHeader` takes the DCID length as an
 * argument, like quic-go's `ParseConnectionID(data, shortHeaderConnIDLen)`: the caller learns it
 * from long headers (cid.ts). Nothing here removes header protection: the packet-number length
 * and the reserved bits stay unknown until protection.ts has the keys.
 */
import { readVarint, type VarintRead } from './varint.js';

/** Versions statecap reads beyond the invariant fields (RFC 8999). */
export const QUIC_VERSION = {
  /** Version Negotiation (RFC 9000 §17.2.1). */
  NEGOTIATION: 0x00000000,
  V1: 0x00000001,
  /** QUIC v2 (RFC 9369 §3.1). */
  V2: 0x6b3343cf,
  DRAFT_29: 0xff00001d,
} as const;

/** Header field offsets (RFC 9000 §17.2 long header, §17.3 short header). */
export const QUIC_HEADER = {
  FIRST_BYTE: 0,
  VERSION: 1,
  DCID_LENGTH: 5,
  DCID: 6,
  /** Short header: the DCID follows the first byte. */
  SHORT_DCID: 1,
  /** RFC 9000 §17.2: "Header Form (1)" is the most significant bit. */
  FORM_BIT: 0x80,
  /** RFC 9000 §17.2: "Fixed Bit (1) = 1" (may be greased per RFC 9287). */
  FIXED_BIT: 0x40,
  /** Long packet type: bits 0x30 of the first byte. */
  TYPE_MASK: 0x30,
  TYPE_SHIFT: 4,
  /** RFC 9000 §17.2: in version 1, CIDs are at most 20 bytes. */
  MAX_CID_LENGTH: 20,
  /** RFC 8999 §5.1: any version may use CIDs of up to 255 bytes. */
  MAX_INVARIANT_CID_LENGTH: 255,
  /** Retry Integrity Tag (RFC 9001 §5.8): the last 16 bytes of a Retry. */
  RETRY_TAG_LENGTH: 16,
} as const;

export type LongPacketType = 'initial' | '0rtt' | 'handshake' | 'retry';

/** A header that could not be read, said where and why (STYLE practice 4). Offsets are into the datagram. */
export type HeaderIssue =
  | { kind: 'too-short'; field: string; need: number; have: number; offset: number }
  | { kind: 'bad-field'; field: string; value: number; offset: number };

/** A long header as read from the wire. All byte fields are views into the datagram. */
export interface LongHeader {
  form: 'long';
  /** Offset of the packet's first byte in the datagram. */
  offset: number;
  /** First byte as sent (the low four bits are still header-protected for Initial/0-RTT/Handshake). */
  firstByte: number;
  version: number;
  /** What the type bits mean for this version; 'version-negotiation' for version 0; 'unknown' for unknown versions. */
  type: LongPacketType | 'version-negotiation' | 'unknown';
  dcid: Uint8Array;
  scid: Uint8Array;
  /** Initial only: the token (RFC 9000 §17.2.2); Retry: the retry token (§17.2.5). */
  token?: Uint8Array;
  /** Initial, 0-RTT, Handshake: offset of the (protected) packet number. */
  pnOffset?: number;
  /** Initial, 0-RTT, Handshake: the Length field (packet number + payload, RFC 9000 §17.2). */
  length?: number;
  /**
   * Offset just past this packet within the bytes given: pnOffset + Length, or the datagram end
   * for Retry, VN and unknown versions. Never past `b.length` (see `truncated`).
   */
  end: number;
  /** The Length field runs past the bytes given (a snaplen cut, or a bad Length): `end` was clamped. */
  truncated?: boolean;
  /** Version Negotiation: the offered versions (RFC 9000 §17.2.1). */
  supportedVersions?: number[];
  /** Retry: the Retry Integrity Tag (RFC 9001 §5.8). */
  retryTag?: Uint8Array;
}

export interface ShortHeader {
  form: 'short';
  offset: number;
  firstByte: number;
  dcid: Uint8Array;
  /** Offset of the (protected) packet number. */
  pnOffset: number;
  /** A short-header packet always runs to the end of the datagram (RFC 9000 §12.2). */
  end: number;
}

export type HeaderResult<T> = { header: T; issue?: undefined } | { header?: undefined; issue: HeaderIssue };

/** Draft versions are 0xff0000xx (RFC 9000 §15 left them to the drafts); xx is the draft number. */
export function draftNumber(version: number): number | null {
  return (version & 0xffffff00) >>> 0 === 0xff000000 ? version & 0xff : null;
}

/** Reserved versions 0x?a?a?a?a force Version Negotiation (RFC 9000 §15). */
export function isReservedVersion(version: number): boolean {
  return (version & 0x0f0f0f0f) === 0x0a0a0a0a;
}

/**
 * Versions whose long headers statecap reads past the invariants (token, Length, packet number):
 * v1, v2, and drafts 17-34, which share v1's layout.
 */
export function isKnownVersion(version: number): boolean {
  if (version === QUIC_VERSION.V1 || version === QUIC_VERSION.V2) return true;
  const draft = draftNumber(version);
  return draft !== null && draft >= 17 && draft <= 34;
}

/** A version as reports print it: "1", "2", "draft-29", else hex ("0x51303530"). */
export function versionName(version: number): string {
  if (version === QUIC_VERSION.V1) return '1';
  if (version === QUIC_VERSION.V2) return '2';
  const draft = draftNumber(version);
  if (draft !== null) return `draft-${draft}`;
  return `0x${(version >>> 0).toString(16).padStart(8, '0')}`;
}

/** The long packet type the two type bits stand for in `version` (RFC 9000 §17.2, RFC 9369 §3.2). */
export function longPacketType(firstByte: number, version: number): LongPacketType {
  const bits = (firstByte & QUIC_HEADER.TYPE_MASK) >> QUIC_HEADER.TYPE_SHIFT;
  if (version === QUIC_VERSION.V2) {
    // RFC 9369 §3.2: Initial 0b01, 0-RTT 0b10, Handshake 0b11, Retry 0b00.
    return bits === 1 ? 'initial' : bits === 2 ? '0rtt' : bits === 3 ? 'handshake' : 'retry';
  }
  // RFC 9000 §17.2 Table 5: Initial 0x00, 0-RTT 0x01, Handshake 0x02, Retry 0x03.
  return bits === 0 ? 'initial' : bits === 1 ? '0rtt' : bits === 2 ? 'handshake' : 'retry';
}

/** The type bits that stand for `type` in `version` (the inverse of longPacketType; builders use it). */
export function longPacketTypeBits(type: LongPacketType, version: number): number {
  const v1 = { initial: 0, '0rtt': 1, handshake: 2, retry: 3 } as const;
  const v2 = { initial: 1, '0rtt': 2, handshake: 3, retry: 0 } as const;
  return (version === QUIC_VERSION.V2 ? v2 : v1)[type];
}

/** Upper bound on versions listed in one Version Negotiation packet (bounded loop). */
const MAX_OFFERED_VERSIONS = 64;

const scratch: VarintRead = { value: 0, next: 0 };

/**
 * Reads the long header starting at `offset` (its first byte has the form bit set). For known
 * versions it also reads the token and Length so that `end` finds the next coalesced packet
 * (RFC 9000 §12.2). A packet whose Length runs past the datagram is an issue, not a throw.
 */
export function parseLongHeader(b: Uint8Array, offset = 0): HeaderResult<LongHeader> {
  const H = QUIC_HEADER;
  if (b.length - offset < H.DCID) return tooShort('long header', offset + H.DCID, b.length, offset);
  const firstByte = b[offset];
  if ((firstByte & H.FORM_BIT) === 0) return badField('header form', firstByte, offset);
  const version = ((b[offset + H.VERSION] << 24) | (b[offset + H.VERSION + 1] << 16)
    | (b[offset + H.VERSION + 2] << 8) | b[offset + H.VERSION + 3]) >>> 0;
  const known = isKnownVersion(version);
  const maxCid = known ? H.MAX_CID_LENGTH : H.MAX_INVARIANT_CID_LENGTH;

  const dcidLength = b[offset + H.DCID_LENGTH];
  if (dcidLength > maxCid) return badField('dcid length', dcidLength, offset + H.DCID_LENGTH);
  const dcidStart = offset + H.DCID;
  const scidLengthAt = dcidStart + dcidLength;
  if (scidLengthAt >= b.length) return tooShort('dcid', scidLengthAt + 1, b.length, offset);
  const scidLength = b[scidLengthAt];
  if (scidLength > maxCid) return badField('scid length', scidLength, scidLengthAt);
  const scidStart = scidLengthAt + 1;
  const afterCids = scidStart + scidLength;
  if (afterCids > b.length) return tooShort('scid', afterCids, b.length, offset);

  const header: LongHeader = {
    form: 'long',
    offset,
    firstByte,
    version,
    type: 'unknown',
    dcid: b.subarray(dcidStart, dcidStart + dcidLength),
    scid: b.subarray(scidStart, afterCids),
    end: b.length,
  };

  if (version === QUIC_VERSION.NEGOTIATION) {
    // RFC 9000 §17.2.1: the rest of the datagram is a list of 32-bit versions.
    header.type = 'version-negotiation';
    const versions: number[] = [];
    for (let at = afterCids; at + 4 <= b.length && versions.length < MAX_OFFERED_VERSIONS; at += 4) {
      versions.push(((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0);
    }
    header.supportedVersions = versions;
    return { header };
  }
  if (!known) return { header };

  const type = longPacketType(firstByte, version);
  header.type = type;
  let at = afterCids;
  if (type === 'retry') {
    // RFC 9000 §17.2.5: Retry Token then a 16-byte Retry Integrity Tag; it ends the datagram.
    if (b.length - at < H.RETRY_TAG_LENGTH) return tooShort('retry integrity tag', at + H.RETRY_TAG_LENGTH, b.length, offset);
    header.token = b.subarray(at, b.length - H.RETRY_TAG_LENGTH);
    header.retryTag = b.subarray(b.length - H.RETRY_TAG_LENGTH);
    return { header };
  }
  if (type === 'initial') {
    // RFC 9000 §17.2.2: Token Length (i), Token (..).
    const tokenLength = readVarint(b, at, scratch);
    if (tokenLength.next < 0) return tooShort('token length', at + 1, b.length, offset);
    const tokenEnd = tokenLength.next + tokenLength.value;
    if (tokenEnd > b.length) return tooShort('token', tokenEnd, b.length, offset);
    header.token = b.subarray(tokenLength.next, tokenEnd);
    at = tokenEnd;
  }
  // RFC 9000 §17.2: Length (i) covers the packet number and the payload.
  const length = readVarint(b, at, scratch);
  if (length.next < 0) return tooShort('length', at + 1, b.length, offset);
  header.length = length.value;
  header.pnOffset = length.next;
  const claimedEnd = length.next + length.value;
  // A packet cut by the snaplen still names its CIDs: keep it, clamp `end`, and say so.
  header.end = Math.min(claimedEnd, b.length);
  if (claimedEnd > b.length) header.truncated = true;
  return { header };
}

/**
 * Reads a short header (RFC 9000 §17.3.1) whose DCID is `dcidLength` bytes: the length is not on
 * the wire, so the caller supplies what it learned from the connection's long headers.
 */
export function parseShortHeader(b: Uint8Array, dcidLength: number, offset = 0): HeaderResult<ShortHeader> {
  const H = QUIC_HEADER;
  if (dcidLength < 0 || dcidLength > H.MAX_CID_LENGTH) return badField('dcid length', dcidLength, offset);
  const dcidStart = offset + H.SHORT_DCID;
  const pnOffset = dcidStart + dcidLength;
  // At least one packet-number byte must follow the DCID.
  if (pnOffset + 1 > b.length) return tooShort('short header', pnOffset + 1, b.length, offset);
  const firstByte = b[offset];
  if (firstByte & H.FORM_BIT) return badField('header form', firstByte, offset);
  return {
    header: { form: 'short', offset, firstByte, dcid: b.subarray(dcidStart, pnOffset), pnOffset, end: b.length },
  };
}

function tooShort(field: string, need: number, have: number, offset: number): { issue: HeaderIssue } {
  return { issue: { kind: 'too-short', field, need, have, offset } };
}

function badField(field: string, value: number, offset: number): { issue: HeaderIssue } {
  return { issue: { kind: 'bad-field', field, value, offset } };
}
