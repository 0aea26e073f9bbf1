/**
 * Removing Initial packet protection (RFC 9001 §5.3-5.4): the header-protection mask from
 * AES-128-ECB over a 16-byte sample of the ciphertext, then AES-128-GCM over the payload with the
 * unprotected header as associated data: its tag first (gcm-tag.ts), and the payload deciphered
 * (AES-CTR) only when the tag matches. Pure functions over a datagram view; the capture's bytes
 * are never modified (the header is copied before it is unmasked).
 *
 * A packet cut short by the capture's snaplen has no tag to check. Its captured prefix is still
 * readable, since GCM encrypts with AES-CTR: such results say `authenticated: false`, and callers
 * must treat what they read from them as a hint that can be wrong.
 */
import { createDecipheriv } from 'node:crypto';
import { bytesAt } from '../../decode/bytes.js';
import { AES128_ROUND_KEY_WORDS, encryptBlock128, expandKey128 } from './aes128.js';
import { gcmTag } from './gcm-tag.js';
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
 * Scratch for the nonce and, per length, the AAD: node:crypto and gcmTag copy both when they are
 * passed, so one buffer of each serves every packet.
 */
const nonceScratch = Buffer.alloc(INITIAL_AEAD.IV_LENGTH);
/** The AEAD tag computed for the packet, compared with the datagram's. */
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
    // No tag to verify: the captured prefix is deciphered all the same.
    const payload = ctrDecipher(keys.key, nonce, datagram.subarray(payloadStart, at.end));
    return { packet: { firstByte, pnLength, packetNumber, payload, authenticated: false } };
  }

  // The tag is checked before anything is deciphered (gcm-tag.ts): a flood's garbage Initials stop here.
  const ciphertext = datagram.subarray(payloadStart, tagStart);
  gcmTag(keys.key, nonce, header, ciphertext, tagScratch);
  if (!bytesAt(tagScratch, datagram, tagStart)) return AUTHENTICATION_FAILED;
  const payload = ctrDecipher(keys.key, nonce, ciphertext);
  return { packet: { firstByte, pnLength, packetNumber, payload, authenticated: true } };
}

/** The first counter block of GCM's payload: the nonce, then a 32-bit 2 (NIST SP 800-38D §7.2: inc32(J0), J0 = nonce | 1). */
const counterScratch = Buffer.alloc(16);
counterScratch[15] = 2;

/**
 * GCM's encryption is AES-CTR from inc32(J0), so CTR deciphers what GCM enciphered. OpenSSL's CTR
 * carries into the whole block where GCM's inc32 wraps its last 32 bits: the same until 2^32
 * blocks, far beyond any datagram.
 */
function ctrDecipher(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array): Buffer {
  counterScratch.set(nonce, 0);
  return createDecipheriv('aes-128-ctr', key, counterScratch).update(ciphertext);
}
