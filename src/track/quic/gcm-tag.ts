/**
 * The AES-128-GCM tag of a ciphertext, without deciphering it (NIST SP 800-38D §7.2):
 *   T = GHASH_H(A | pad | C | pad | [len(A)]64 | [len(C)]64) ^ E_K(J0),   H = E_K(0^128)
 * node:crypto can only check a tag while deciphering (an output buffer as large as the packet) and
 * reports a mismatch by throwing. A flood of Initials with garbage payloads fails every check, so
 * the tag is computed instead: one GCM encryption with A' = A | pad | C as its only AAD and nothing
 * to encrypt hashes the same blocks as GHASH(A, C) except the last one, the lengths block:
 * L' = [len(A')]64 | [0]64 against L = [len(A)]64 | [len(C)]64. GHASH's last step is
 * Y = (Y' ^ L) · H, so T = T' ^ ((L ^ L') · H), one multiplication in GF(2^128) done here with H
 * from the JS AES (aes128.ts).
 */
import { createCipheriv } from 'node:crypto';
import { AES128_ROUND_KEY_WORDS, encryptBlock128, expandKey128 } from './aes128.js';

const BLOCK = 16;
const TWO_32 = 0x100000000;

/** A' is built here; it grows to the largest packet seen. */
let hashed = Buffer.alloc(2048);
const roundKeys = new Int32Array(AES128_ROUND_KEY_WORDS);
const ZERO_BLOCK = new Uint8Array(BLOCK);
const hashKey = new Uint8Array(BLOCK);
/** L ^ L' and H as big-endian words (bit 0 of GF(2^128) is the top bit of word 0, SP 800-38D §6.3). */
const x = new Int32Array(4);
const h = new Int32Array(4);

/**
 * The GCM tag (16 bytes) of `ciphertext` with associated data `aad` under `key` and the 12-byte
 * `nonce`, written into out[0..16).
 */
export function gcmTag(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array, out: Uint8Array): void {
  const paddedAad = Math.ceil(aad.length / BLOCK) * BLOCK;
  const total = paddedAad + ciphertext.length;
  if (hashed.length < total) hashed = Buffer.alloc(total);
  hashed.set(aad, 0);
  hashed.fill(0, aad.length, paddedAad);
  hashed.set(ciphertext, paddedAad);
  const gcm = createCipheriv('aes-128-gcm', key, nonce);
  gcm.setAAD(hashed.subarray(0, total));
  gcm.final();
  const tagOfAadOnly = gcm.getAuthTag();

  expandKey128(key, roundKeys);
  encryptBlock128(roundKeys, ZERO_BLOCK, 0, hashKey);
  for (let i = 0; i < 4; i++) h[i] = (hashKey[4 * i] << 24) | (hashKey[4 * i + 1] << 16) | (hashKey[4 * i + 2] << 8) | hashKey[4 * i + 3];
  // L ^ L', lengths in bits, each 64-bit field as two words.
  const aadBits = aad.length * 8;
  const hashedBits = total * 8;
  const ciphertextBits = ciphertext.length * 8;
  x[0] = Math.floor(aadBits / TWO_32) ^ Math.floor(hashedBits / TWO_32);
  x[1] = (aadBits >>> 0) ^ (hashedBits >>> 0);
  x[2] = Math.floor(ciphertextBits / TWO_32);
  x[3] = ciphertextBits >>> 0;
  multiplyInto(x, h);
  for (let i = 0; i < BLOCK; i++) out[i] = tagOfAadOnly[i] ^ (x[i >> 2] >>> (24 - 8 * (i & 3)));
}

/**
 * REDUCE_BYTE[d]: what the byte d shifted out of the bottom of V, 8 times one bit, feeds back into
 * V's top 16 bits (the reduction by R = 11100001 | 0^120 of SP 800-38D §6.3). It lets V · x^8 be one
 * step, as in Shoup's table method; it depends on nothing but R, so it is made once.
 */
const REDUCE_BYTE = new Int32Array(256);
for (let d = 0; d < 256; d++) {
  let top = 0;
  let low = d;
  for (let bit = 0; bit < 8; bit++) {
    const carry = low & 1;
    low >>>= 1;
    top = (top >>> 1) ^ (carry ? 0xe100 : 0);
  }
  REDUCE_BYTE[d] = top << 16;
}

/**
 * x = x · y in GF(2^128) (SP 800-38D §6.3, Algorithm 1); y is left as it was. Algorithm 1 adds
 * V = y · x^i for each set bit i of x; here x is a lengths block with few bits set, so V jumps from
 * one set bit to the next, a byte at a time where it can.
 */
function multiplyInto(xw: Int32Array, y: Int32Array): void {
  let z0 = 0;
  let z1 = 0;
  let z2 = 0;
  let z3 = 0;
  let v0 = y[0];
  let v1 = y[1];
  let v2 = y[2];
  let v3 = y[3];
  let at = 0;
  for (let w = 0; w < 4; w++) {
    let bits = xw[w];
    while (bits !== 0) {
      const lead = Math.clz32(bits);
      bits &= ~(0x80000000 >>> lead);
      const i = 32 * w + lead;
      for (; at + 8 <= i; at += 8) {
        const d = v3 & 0xff;
        v3 = (v3 >>> 8) | (v2 << 24);
        v2 = (v2 >>> 8) | (v1 << 24);
        v1 = (v1 >>> 8) | (v0 << 24);
        v0 = (v0 >>> 8) ^ REDUCE_BYTE[d];
      }
      for (; at < i; at++) {
        const carry = v3 & 1;
        v3 = (v3 >>> 1) | (v2 << 31);
        v2 = (v2 >>> 1) | (v1 << 31);
        v1 = (v1 >>> 1) | (v0 << 31);
        v0 = (v0 >>> 1) ^ (carry ? 0xe1000000 : 0);
      }
      z0 ^= v0;
      z1 ^= v1;
      z2 ^= v2;
      z3 ^= v3;
    }
  }
  xw[0] = z0;
  xw[1] = z1;
  xw[2] = z2;
  xw[3] = z3;
}
