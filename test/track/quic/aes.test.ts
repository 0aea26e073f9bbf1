/** The one-block AES-128 of the header protection mask (src/track/quic/aes.ts) against FIPS 197 and node:crypto. */
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aes128EncryptBlock } from '../../../src/track/quic/aes.js';

const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Buffer => Buffer.from(h, 'hex');

describe('aes128EncryptBlock', () => {
  it('FIPS 197 Appendix C.1 (AES-128)', () => {
    const out = new Uint8Array(16);
    aes128EncryptBlock(bytes('000102030405060708090a0b0c0d0e0f'), bytes('00112233445566778899aabbccddeeff'), 0, out);
    expect(hexOf(out)).toBe('69c4e0d86a7b0430d8cdb78070b4c55a');
  });

  it('FIPS 197 Appendix B (the cipher example), read at an offset', () => {
    const out = new Uint8Array(16);
    const input = Buffer.concat([bytes('ffff'), bytes('3243f6a8885a308d313198a2e0370734')]);
    aes128EncryptBlock(bytes('2b7e151628aed2a6abf7158809cf4f3c'), input, 2, out);
    expect(hexOf(out)).toBe('3925841d02dc09fbdc118597196a0b32');
  });

  it('equals node:crypto aes-128-ecb for 500 random keys and blocks', () => {
    let x = 0x9e3779b9;
    const rand = (): number => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) & 0xff;
    };
    const out = new Uint8Array(16);
    for (let i = 0; i < 500; i++) {
      const key = Buffer.from(Array.from({ length: 16 }, rand));
      const block = Buffer.from(Array.from({ length: 16 }, rand));
      aes128EncryptBlock(key, block, 0, out);
      const expected = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false).update(block);
      expect(hexOf(out), `case ${i}`).toBe(hexOf(expected));
    }
  });

  it('refuses a key that is not 16 bytes', () => {
    expect(() => aes128EncryptBlock(new Uint8Array(32), new Uint8Array(16), 0, new Uint8Array(16))).toThrow(RangeError);
  });
});
