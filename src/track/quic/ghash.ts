/**
 * The AES-128-GCM authentication tag (NIST SP 800-38D §7.1) in plain TypeScript, so that a packet
 * whose tag does not match is refused without node:crypto.
 *
 * Why: an Initial that nobody can read (a flood of garbage with random DCIDs, or keys tried that
 * are not the packet's) used to cost a Decipher object, a deciphered copy of the payload and an
 * exception from final(); together more than this computation, and all of it garbage to collect.
 * Only a packet whose tag matches here is deciphered, by node:crypto, which checks the tag again.
 *
 * GHASH uses Shoup's 8-bit tables: for H = AES_K(0^128), M[b] = b * H for every byte b, so that a
 * block times H is 16 table lookups with a byte shift and reduction between them. Initial keys are
 * public, so neither this nor aes.ts needs to run in constant time. Checked against node:crypto in
 * test/track/quic/ghash.test.ts.
 */
import { aes128Encrypt, aes128ExpandKey } from './aes.js';

/** M[4b..4b+3]: b * H as four big-endian words (GCM bit order: the first bit is x^0). */
const M = new Int32Array(256 * 4);
/**
 * R8[r]: what the byte r shifted out of a value by a multiplication by x^8 adds back, reduced by
 * x^128 + x^7 + x^2 + x + 1 (NIST SP 800-38D §6.3: R = 11100001 || 0^120). It lands in the top 16
 * bits of the first word.
 */
const R8 = new Int32Array(256);

/** v * x in GCM's bit order (NIST SP 800-38D §6.3, the "rightshift" step of Algorithm 1), in place. */
function timesX(v: Int32Array): void {
  const carry = v[3] & 1;
  v[3] = (v[3] >>> 1) | (v[2] << 31);
  v[2] = (v[2] >>> 1) | (v[1] << 31);
  v[1] = (v[1] >>> 1) | (v[0] << 31);
  v[0] = (v[0] >>> 1) ^ (carry ? 0xe1000000 : 0);
}

{
  const v = new Int32Array(4);
  for (let r = 0; r < 256; r++) {
    v.fill(0);
    v[3] = r;
    for (let i = 0; i < 8; i++) timesX(v);
    R8[r] = v[0];
  }
}

/** Scratch (synchronous, not re-entrant): key schedule, blocks, and the running GHASH value. */
const rk = new Int32Array(44);
const block = new Uint8Array(16);
const encrypted = new Uint8Array(16);
const hWords = new Int32Array(4);
let y0 = 0;
let y1 = 0;
let y2 = 0;
let y3 = 0;

/** Fills M for H = AES_K(0^128), with the key already in `rk`. */
function setH(): void {
  block.fill(0);
  aes128Encrypt(rk, block, 0, encrypted);
  for (let i = 0; i < 4; i++) hWords[i] = (encrypted[4 * i] << 24) | (encrypted[4 * i + 1] << 16) | (encrypted[4 * i + 2] << 8) | encrypted[4 * i + 3];
  M.fill(0, 0, 4);
  // One bit: 0x80 is x^0 (H itself), 0x40 is x^1, ... 0x01 is x^7.
  for (let b = 0x80; b >= 1; b >>= 1) {
    M.set(hWords, 4 * b);
    timesX(hWords);
  }
  // Several bits: multiplication distributes over XOR.
  for (let high = 2; high < 256; high <<= 1) {
    for (let low = 1; low < high; low++) {
      const at = 4 * (high + low);
      const p = 4 * high;
      const q = 4 * low;
      M[at] = M[p] ^ M[q];
      M[at + 1] = M[p + 1] ^ M[q + 1];
      M[at + 2] = M[p + 2] ^ M[q + 2];
      M[at + 3] = M[p + 3] ^ M[q + 3];
    }
  }
}

/**
 * y = y * H. Horner's rule over the bytes of y from the last (x^120..x^127) to the first:
 * r = r * x^8 + M[byte]. Written out byte by byte: this is the inner loop of every packet.
 */
function timesH(): void {
  let k = (y3 & 0xff) << 2;
  let r0 = M[k], r1 = M[k + 1], r2 = M[k + 2], r3 = M[k + 3];
  let rem = 0;
  for (let i = 1; i < 16; i++) {
    // Byte 15 - i of y: bytes 12-15 are in y3, 0-3 in y0; the low byte of a word is its last.
    const w = i < 4 ? y3 : i < 8 ? y2 : i < 12 ? y1 : y0;
    rem = r3 & 0xff;
    r3 = (r3 >>> 8) | (r2 << 24);
    r2 = (r2 >>> 8) | (r1 << 24);
    r1 = (r1 >>> 8) | (r0 << 24);
    r0 = (r0 >>> 8) ^ R8[rem];
    k = ((w >>> (8 * (i & 3))) & 0xff) << 2;
    r0 ^= M[k];
    r1 ^= M[k + 1];
    r2 ^= M[k + 2];
    r3 ^= M[k + 3];
  }
  y0 = r0;
  y1 = r1;
  y2 = r2;
  y3 = r3;
}

/** GHASH over b[start..end), zero-padded to whole blocks (NIST SP 800-38D §7.1 step 5). */
function absorb(b: Uint8Array, start: number, end: number): void {
  let i = start;
  for (; i + 16 <= end; i += 16) {
    y0 ^= (b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3];
    y1 ^= (b[i + 4] << 24) | (b[i + 5] << 16) | (b[i + 6] << 8) | b[i + 7];
    y2 ^= (b[i + 8] << 24) | (b[i + 9] << 16) | (b[i + 10] << 8) | b[i + 11];
    y3 ^= (b[i + 12] << 24) | (b[i + 13] << 16) | (b[i + 14] << 8) | b[i + 15];
    timesH();
  }
  if (i < end) {
    block.fill(0);
    for (let j = 0; i + j < end; j++) block[j] = b[i + j];
    absorb(block, 0, 16);
  }
}

/**
 * True when `tag` (16 bytes of `b` from `tagStart`) is the AES-128-GCM tag of the ciphertext
 * b[dataStart..dataEnd) with associated data `aad`, under `key` (16 bytes) and a 12-byte `nonce`
 * (NIST SP 800-38D §7.2 steps 1-6: J0 = nonce || 0^31 || 1, T = GCTR(J0, GHASH(A, C, lengths))).
 */
export function gcmTagMatches(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, b: Uint8Array, dataStart: number, dataEnd: number, tagStart: number): boolean {
  if (nonce.length !== 12) throw new RangeError(`gcmTagMatches: nonce of ${nonce.length} bytes`);
  aes128ExpandKey(key, rk);
  setH();
  y0 = 0;
  y1 = 0;
  y2 = 0;
  y3 = 0;
  absorb(aad, 0, aad.length);
  absorb(b, dataStart, dataEnd);
  // The lengths block: len(A) and len(C) in bits, 64 bits each.
  const aadBits = aad.length * 8;
  const dataBits = (dataEnd - dataStart) * 8;
  y0 ^= Math.floor(aadBits / 2 ** 32);
  y1 ^= aadBits | 0;
  y2 ^= Math.floor(dataBits / 2 ** 32);
  y3 ^= dataBits | 0;
  timesH();
  block.set(nonce);
  block[12] = 0;
  block[13] = 0;
  block[14] = 0;
  block[15] = 1;
  aes128Encrypt(rk, block, 0, encrypted);
  return wordMatches(y0, 0, b, tagStart) && wordMatches(y1, 4, b, tagStart + 4)
    && wordMatches(y2, 8, b, tagStart + 8) && wordMatches(y3, 12, b, tagStart + 12);
}

/** The 4 tag bytes from `at` in `b` equal word `s` of GHASH XOR bytes `e`..`e`+3 of AES_K(J0). */
function wordMatches(s: number, e: number, b: Uint8Array, at: number): boolean {
  for (let i = 0; i < 4; i++) {
    if ((((s >>> (24 - 8 * i)) & 0xff) ^ encrypted[e + i]) !== b[at + i]) return false;
  }
  return true;
}
