/**
 * The TypeScript AES-128-GCM tag check (src/track/quic/ghash.ts) against the GCM specification's
 * test cases and node:crypto: every length of associated data and ciphertext around the block size,
 * and a change to any byte of the key, nonce, AAD, ciphertext or tag.
 */
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { gcmTagMatches } from '../../../src/track/quic/ghash.js';

const bytes = (h: string): Buffer => Buffer.from(h, 'hex');

/** Seals with node:crypto and returns ciphertext || tag. */
function seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Buffer {
  const gcm = createCipheriv('aes-128-gcm', key, nonce);
  gcm.setAAD(aad);
  return Buffer.concat([gcm.update(plaintext), gcm.final(), gcm.getAuthTag()]);
}

const matches = (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): boolean =>
  gcmTagMatches(key, nonce, aad, sealed, 0, sealed.length - 16, sealed.length - 16);

describe('gcmTagMatches', () => {
  it('GCM specification test cases 1 and 2 (zero key and nonce; empty and one zero block)', () => {
    const zero16 = new Uint8Array(16);
    const zero12 = new Uint8Array(12);
    expect(matches(zero16, zero12, new Uint8Array(0), bytes('58e2fccefa7e3061367f1d57a4e7455a'))).toBe(true);
    expect(matches(zero16, zero12, new Uint8Array(0), bytes('0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf'))).toBe(true);
    expect(matches(zero16, zero12, new Uint8Array(0), bytes('0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bdde'))).toBe(false);
  });

  it('accepts what node:crypto seals, for AAD of 0-40 bytes and ciphertext of 0-100 bytes and 1,162', () => {
    let x = 7;
    const rand = (): number => {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      return x >>> 24;
    };
    const fill = (n: number): Buffer => Buffer.from(Array.from({ length: n }, rand));
    for (let i = 0; i < 300; i++) {
      const key = fill(16);
      const nonce = fill(12);
      const aad = fill(i % 41);
      const plaintext = fill(i === 299 ? 1162 : Math.floor((i * 7) % 101));
      const sealed = seal(key, nonce, aad, plaintext);
      expect(matches(key, nonce, aad, sealed), `case ${i}`).toBe(true);
    }
  });

  it('refuses a change to any byte of the key, nonce, AAD, ciphertext or tag', () => {
    const key = bytes('000102030405060708090a0b0c0d0e0f');
    const nonce = bytes('a0a1a2a3a4a5a6a7a8a9aaab');
    const aad = bytes('c300000001088394c8f03e5157080000449e00000002');
    const sealed = seal(key, nonce, aad, Buffer.alloc(50, 0x42));
    const flip = (b: Buffer, i: number): Buffer => {
      const c = Buffer.from(b);
      c[i] ^= 0x04;
      return c;
    };
    for (let i = 0; i < key.length; i++) expect(matches(flip(key, i), nonce, aad, sealed)).toBe(false);
    for (let i = 0; i < nonce.length; i++) expect(matches(key, flip(nonce, i), aad, sealed)).toBe(false);
    for (let i = 0; i < aad.length; i++) expect(matches(key, nonce, flip(aad, i), sealed)).toBe(false);
    for (let i = 0; i < sealed.length; i++) expect(matches(key, nonce, aad, flip(sealed, i)), `byte ${i}`).toBe(false);
    expect(matches(key, nonce, aad, sealed)).toBe(true);
  });

  it('reads the ciphertext and tag where they are inside a larger buffer', () => {
    const key = bytes('feffe9928665731c6d6a8f9467308308');
    const nonce = bytes('cafebabefacedbaddecaf888');
    const aad = bytes('feedfacedeadbeeffeedfacedeadbeefabaddad2');
    const sealed = seal(key, nonce, aad, Buffer.alloc(60, 0xd9));
    const datagram = Buffer.concat([Buffer.alloc(7, 0xee), sealed, Buffer.alloc(5, 0xee)]);
    expect(gcmTagMatches(key, nonce, aad, datagram, 7, 7 + 60, 7 + 60)).toBe(true);
    expect(gcmTagMatches(key, nonce, aad, datagram, 7, 7 + 59, 7 + 60)).toBe(false);
  });
});
