/**
 * The TypeScript SHA-256 and HMAC-SHA-256 behind the Initial key schedule (src/track/quic/sha256.ts)
 * against FIPS 180-4's example and node:crypto, at every message length around the block and
 * padding boundaries and for keys shorter than, equal to and longer than a block.
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HmacSha256, sha256 } from '../../../src/track/quic/sha256.js';

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('sha256', () => {
  it('FIPS 180-4 example: SHA-256("abc")', () => {
    expect(hexOf(sha256(Buffer.from('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('equals node:crypto for every length from 0 to 200 bytes', () => {
    const rand = prng(1);
    for (let n = 0; n <= 200; n++) {
      const m = Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
      expect(hexOf(sha256(m)), `length ${n}`).toBe(createHash('sha256').update(m).digest('hex'));
    }
  });
});

describe('HmacSha256', () => {
  it('RFC 4231 test case 2 (key "Jefe")', () => {
    const mac = new HmacSha256(Buffer.from('Jefe')).mac(Buffer.from('what do ya want for nothing?'));
    expect(hexOf(mac)).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('equals node:crypto for keys of 0-100 bytes and messages of 0-150 bytes', () => {
    const rand = prng(2);
    const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
    for (let i = 0; i < 400; i++) {
      const key = bytes(Math.floor(rand() * 101));
      const message = bytes(Math.floor(rand() * 151));
      expect(hexOf(new HmacSha256(key).mac(message)), `case ${i}`).toBe(createHmac('sha256', key).update(message).digest('hex'));
    }
  });

  it('a re-keyed object and one MAC after another give the same as fresh objects', () => {
    const h = new HmacSha256();
    const out = new Uint8Array(32);
    for (const [key, messages] of [['k1', ['a', 'bb']], ['a key longer than one sixty-four byte block of SHA-256, so it is hashed first', ['c', '']]] as const) {
      h.setKey(Buffer.from(key));
      for (const m of messages) expect(hexOf(h.mac(Buffer.from(m), out))).toBe(createHmac('sha256', key).update(m).digest('hex'));
    }
  });
});
