/** The GCM tag computed without deciphering (src/track/quic/gcm-tag.ts) against node:crypto's AES-128-GCM encryption. */
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { gcmTag } from '../../../src/track/quic/gcm-tag.js';
import { randomBytesFrom } from '../../helpers/random-bytes.js';

function tagOf(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): string {
  const out = new Uint8Array(16);
  gcmTag(key, nonce, aad, ciphertext, out);
  return Buffer.from(out).toString('hex');
}

describe('gcmTag', () => {
  it('gives the tag of NIST GCM test case 4 (AES-128, 60-byte plaintext, 20-byte AAD)', () => {
    // The GCM specification's test case 4 (McGrew and Viega), as in NIST's validation vectors.
    const key = Buffer.from('feffe9928665731c6d6a8f9467308308', 'hex');
    const nonce = Buffer.from('cafebabefacedbaddecaf888', 'hex');
    const aad = Buffer.from('feedfacedeadbeeffeedfacedeadbeefabaddad2', 'hex');
    const ciphertext = Buffer.from(
      '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091',
      'hex',
    );
    expect(tagOf(key, nonce, aad, ciphertext)).toBe('5bc94fbc3221a5db94fae95ae7121a47');
  });

  it('equals the tag of node:crypto AES-128-GCM encryption for random keys, nonces and lengths', () => {
    const rand = randomBytesFrom(0x6d2b79f5);
    const lengths = [0, 1, 15, 16, 17, 31, 32, 33, 100, 1150, 1500, 3000];
    for (let i = 0; i < 400; i++) {
      const key = rand(16);
      const nonce = rand(12);
      const aad = rand(lengths[i % lengths.length] % 300);
      const plaintext = rand(lengths[(i * 7) % lengths.length]);
      const gcm = createCipheriv('aes-128-gcm', key, nonce);
      gcm.setAAD(aad);
      const ciphertext = Buffer.concat([gcm.update(plaintext), gcm.final()]);
      expect(tagOf(key, nonce, aad, ciphertext), `case ${i}: aad ${aad.length}, ciphertext ${ciphertext.length}`).toBe(gcm.getAuthTag().toString('hex'));
    }
  });

  it('gives a different tag when any ciphertext byte changes', () => {
    const rand = randomBytesFrom(0x1b873593);
    const key = rand(16);
    const nonce = rand(12);
    const aad = rand(22);
    const ciphertext = rand(40);
    const tag = tagOf(key, nonce, aad, ciphertext);
    for (let i = 0; i < ciphertext.length; i++) {
      ciphertext[i] ^= 0x80;
      expect(tagOf(key, nonce, aad, ciphertext)).not.toBe(tag);
      ciphertext[i] ^= 0x80;
    }
    expect(tagOf(key, nonce, aad, ciphertext)).toBe(tag);
  });
});
