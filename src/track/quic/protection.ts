/**
 * Removing Initial packet protection (RFC 9001 §5.3-5.4): the header-protection mask from
 * AES-128-ECB over a 16-byte sample of the ciphertext, then AES-128-GCM over the payload with the
 * unprotected header as associated data. Pure functions over a datagram view; the capture's bytes
 * are never modified (the header is copied before it is unmasked).
 *
 * A packet cut short by the capture's snaplen has no tag to check. Its captured prefix is still
 * readable, since GCM encrypts with AES-CTR: such results say `authenticated: false`, and callers
 * must treat what they read from them as a hint that can be wrong.
 */
import { createDecipheriv, type Decipher } from 'node:crypto';
import { AES128_ROUND_KEY_WORDS, encryptBlock128, expandKey128 } from './aes128.js';
import { INITIAL_AEAD, type PacketKeys } from './initial-keys.js';

/** RFC 9001 §5.4.2: the sample starts 4 bytes after the packet number's first byte and is 16 bytes. */
export const HP_SAMPLE = { OFFSET_FROM_PN: 4, LENGTH: 16 } as const;

/** RFC 9001 §5.4.1: bits of the first byte covered by header protection. */
const FIRST_BYTE_MASK = { LONG: 0x0f, SHORT: 0x1f } as const;
/** RFC 9000 §17.2: the two low bits of the (unprotected) first byte are the packet number length - 1. */
const PN_LENGTH_MASK = 0x03;

export interface OpenedPacket {
  /** First byte with protection removed. */
  firstByte: number;
  /** Packet number length (1-4 bytes). */
  pnLength: number;
  /** The full packet number (RFC 9000 §A.3), reconstructed from `largestPn`. */
  packetNumber: number;
  /** Decrypted frames. */
  payload: Uint8Array;
  /** The AEAD tag was checked. False: the packet was cut short and only its captured prefix was deciphered. */
  authenticated: boolean;
}

export type OpenFailure = 'too-short-for-sample' | 'too-short' | 'authentication-failed';

export type OpenResult = { packet: OpenedPacket; failure?: undefined } | { packet?: undefined; failure: OpenFailure };

/** Where the packet is inside its datagram: as header.ts reports it. */
export interface PacketBounds {
  /** Offset of the first byte. */
  offset: number;
  pnOffset: number;
  /** End of the captured bytes of this packet. */
  end: number;
  /** The packet's Length ran past the captured bytes. */
  truncated?: boolean;
}

const TOO_SHORT_FOR_SAMPLE: OpenResult = { failure: 'too-short-for-sample' };
const TOO_SHORT: OpenResult = { failure: 'too-short' };
const AUTHENTICATION_FAILED: OpenResult = { failure: 'authentication-failed' };

/**
 * Scratch for the nonce and, per length, the AAD: node:crypto copies both when they are passed
 * (createDecipheriv, setAAD), so one buffer of each serves every packet.
 */
const nonceScratch = Buffer.alloc(INITIAL_AEAD.IV_LENGTH);
/** The AEAD tag, copied out of the datagram (node:crypto copies it during the call). */
const tagScratch = Buffer.alloc(INITIAL_AEAD.TAG_LENGTH);
const aadScratch: Buffer[] = [];
const MAX_SCRATCH_AAD = 256;
function aadBuffer(length: number): Buffer {
  if (length > MAX_SCRATCH_AAD) return Buffer.allocUnsafe(length);
  let b = aadScratch[length];
  if (!b) {
    b = Buffer.alloc(length);
    aadScratch[length] = b;
  }
  return b;
}

/** The header protection key's round keys and the enciphered sample: every packet's mask is made in these. */
const hpRoundKeys = new Int32Array(AES128_ROUND_KEY_WORDS);
const maskScratch = new Uint8Array(HP_SAMPLE.LENGTH);

/**
 * The 16-byte AES-ECB(hp_key, sample) block of the sample at `sampleStart`; its first 5 bytes are
 * the mask (RFC 9001 §5.4.3). In JS (aes128.ts): a flood brings a new key with every packet, and the
 * key expansion costs less than comparing the key with the last one would save. Valid until the next call.
 */
function maskBlock(hpKey: Uint8Array, sample: Uint8Array, sampleStart: number): Uint8Array {
  expandKey128(hpKey, hpRoundKeys);
  encryptBlock128(hpRoundKeys, sample, sampleStart, maskScratch);
  return maskScratch;
}

/** The 5-byte header protection mask: AES-ECB(hp_key, sample) (RFC 9001 §5.4.3). */
export function headerProtectionMask(hpKey: Uint8Array, sample: Uint8Array): Buffer {
  return Buffer.from(maskBlock(hpKey, sample, 0).subarray(0, 5));
}

/**
 * node:crypto reports a tag mismatch by throwing; for us it is data (wrong keys or a damaged
 * packet). A flood of garbage Initials fails here every time, and capturing the stack of an error
 * that is dropped took most of an open's cost, so none is captured. Reflect.set: no throw if
 * Error.stackTraceLimit is read-only (--frozen-intrinsics).
 */
function finalSucceeds(gcm: Decipher): boolean {
  const limit = Error.stackTraceLimit;
  Reflect.set(Error, 'stackTraceLimit', 0);
  try {
    gcm.final();
    return true;
  } catch {
    return false;
  } finally {
    Reflect.set(Error, 'stackTraceLimit', limit);
  }
}

/**
 * RFC 9000 §A.3: the full packet number closest to largest + 1 whose low `pnLength * 8` bits are
 * `truncated`. `largestPn` is -1 before any packet of the space was seen.
 */
export function decodePacketNumber(largestPn: number, truncated: number, pnLength: number): number {
  const bits = pnLength * 8;
  const expected = largestPn + 1;
  const window = 2 ** bits;
  const halfWindow = window / 2;
  const candidate = Math.floor(expected / window) * window + truncated;
  if (candidate <= expected - halfWindow && candidate < 2 ** 62 - window) return candidate + window;
  if (candidate > expected + halfWindow && candidate >= window) return candidate - window;
  return candidate;
}

/** RFC 9001 §5.3: the nonce is the IV XORed with the packet number, left-padded to the IV length. */
export function packetNonce(iv: Uint8Array, packetNumber: number, nonce: Buffer = Buffer.alloc(iv.length)): Buffer {
  nonce.set(iv);
  let pn = packetNumber;
  for (let i = nonce.length - 1; i >= 0 && pn > 0; i--) {
    nonce[i] ^= pn % 256;
    pn = Math.floor(pn / 256);
  }
  return nonce;
}

/**
 * Removes header protection and decrypts one long- or short-header packet of `datagram`.
 * `largestPn` is the largest packet number seen so far in this packet number space and direction.
 */
export function openPacket(datagram: Uint8Array, at: PacketBounds, keys: PacketKeys, largestPn: number): OpenResult {
  const sampleStart = at.pnOffset + HP_SAMPLE.OFFSET_FROM_PN;
  if (sampleStart + HP_SAMPLE.LENGTH > at.end) return TOO_SHORT_FOR_SAMPLE;
  const mask = maskBlock(keys.hp, datagram, sampleStart);

  const protectedFirst = datagram[at.offset];
  const isLong = (protectedFirst & 0x80) !== 0;
  // RFC 9001 §5.4.1: 4 bits of a long header's first byte are protected, 5 of a short header's.
  const firstByte = protectedFirst ^ (mask[0] & (isLong ? FIRST_BYTE_MASK.LONG : FIRST_BYTE_MASK.SHORT));
  const pnLength = (firstByte & PN_LENGTH_MASK) + 1;
  const payloadStart = at.pnOffset + pnLength;
  const tagStart = at.end - INITIAL_AEAD.TAG_LENGTH;
  // Nothing to decipher (checked before any copy or cipher object is made).
  if (!at.truncated && tagStart < payloadStart) return TOO_SHORT;

  // The unprotected header is the AAD (RFC 9001 §5.3); build it in a copy.
  const header = aadBuffer(payloadStart - at.offset);
  for (let i = 0; i < header.length; i++) header[i] = datagram[at.offset + i];
  header[0] = firstByte;
  let truncatedPn = 0;
  for (let i = 0; i < pnLength; i++) {
    const at2 = at.pnOffset - at.offset + i;
    header[at2] ^= mask[1 + i];
    truncatedPn = truncatedPn * 256 + header[at2];
  }
  const packetNumber = decodePacketNumber(largestPn, truncatedPn, pnLength);
  const nonce = packetNonce(keys.iv, packetNumber, nonceScratch);

  if (at.truncated) {
    // No tag to verify: decipher the captured prefix with AES-CTR, which is what GCM's
    // encryption is, starting at counter 2 (NIST SP 800-38D §7.2: inc32(J0)).
    const counter = Buffer.concat([nonce, Uint8Array.of(0, 0, 0, 2)]);
    const ctr = createDecipheriv('aes-128-ctr', keys.key, counter);
    const payload = ctr.update(datagram.subarray(payloadStart, at.end));
    return { packet: { firstByte, pnLength, packetNumber, payload, authenticated: false } };
  }

  const gcm = createDecipheriv('aes-128-gcm', keys.key, nonce);
  gcm.setAAD(header);
  for (let i = 0; i < INITIAL_AEAD.TAG_LENGTH; i++) tagScratch[i] = datagram[tagStart + i];
  gcm.setAuthTag(tagScratch);
  const payload = gcm.update(datagram.subarray(payloadStart, tagStart));
  if (!finalSucceeds(gcm)) return AUTHENTICATION_FAILED;
  return { packet: { firstByte, pnLength, packetNumber, payload, authenticated: true } };
}
