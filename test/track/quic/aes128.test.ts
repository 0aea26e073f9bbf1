/** AES-128 single blocks in JS (src/track/quic/aes128.ts) against FIPS 197's vectors and node:crypto's AES-128-ECB. */
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AES128_ROUND_KEY_WORDS, encryptBlock128, expandKey128 } from '../../../src/track/quic/aes128.js';
import { randomBytesFrom } from '../../helpers/random-bytes.js';

const bytes = (h: string): Buffer => Buffer.from(h, 'hex');

function encrypt(key: Uint8Array, block: Uint8Array, offset = 0): string {
  const roundKeys = new Int32Array(AES128_ROUND_KEY_WORDS);
  expandKey128(key, roundKeys);
  const out = new Uint8Array(16);
  encryptBlock128(roundKeys, block, offset, out);
  return Buffer.from(out).toString('hex');
}

describe('AES-128 in JS', () => {
  it('expands the FIPS 197 §A.1 key to its round keys (first, fifth and last words)', () => {
    const roundKeys = new Int32Array(AES128_ROUND_KEY_WORDS);
    expandKey128(bytes('2b7e151628aed2a6abf7158809cf4f3c'), roundKeys);
    const hex = (w: number): string => (w >>> 0).toString(16).padStart(8, '0');
    expect(hex(roundKeys[0])).toBe('2b7e1516');
    expect(hex(roundKeys[4])).toBe('a0fafe17');
    expect(hex(roundKeys[43])).toBe('b6630ca6');
  });

  it('gives the FIPS 197 §C.1 and §B ciphertexts', () => {
    expect(encrypt(bytes('000102030405060708090a0b0c0d0e0f'), bytes('00112233445566778899aabbccddeeff'))).toBe('69c4e0d86a7b0430d8cdb78070b4c55a');
    expect(encrypt(bytes('2b7e151628aed2a6abf7158809cf4f3c'), bytes('3243f6a8885a308d313198a2e0370734'))).toBe('3925841d02dc09fbdc118597196a0b32');
  });

  it('equals node:crypto AES-128-ECB on 5,000 random keys and blocks, read at any offset', () => {
    const rand = randomBytesFrom(0x2545f491);
    for (let i = 0; i < 5000; i++) {
      const key = rand(16);
      const offset = i % 7;
      const input = rand(16 + offset + 3);
      const block = input.subarray(offset, offset + 16);
      const expected = createCipheriv('aes-128-ecb', key, null).update(block).toString('hex');
      expect(encrypt(key, input, offset), `case ${i}`).toBe(expected);
    }
  });
});
