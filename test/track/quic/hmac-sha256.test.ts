/**
 * HMAC-SHA-256 from two one-shot hashes (src/track/quic/hmac-sha256.ts) against node:crypto's
 * createHmac and the RFC 4231 vectors. The Initial key schedule built on it is checked against the
 * RFC 9001 Appendix A vectors in initial-keys.test.ts.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HmacPads, hmacSha256, hmacWithPads, setHmacPads } from '../../../src/track/quic/hmac-sha256.js';

const hexOf = (latin1: string): string => Buffer.from(latin1, 'latin1').toString('hex');

describe('hmacSha256', () => {
  it('gives the RFC 4231 §4.2 and §4.7 results (a 20-byte key; a 131-byte key, hashed first)', () => {
    // §4.2 (test case 1): key = 0x0b * 20, data = "Hi There".
    expect(hexOf(hmacSha256(Buffer.alloc(20, 0x0b), Buffer.from('Hi There'))))
      .toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
    // §4.7 (test case 6): key = 0xaa * 131, longer than SHA-256's 64-byte block.
    expect(hexOf(hmacSha256(Buffer.alloc(131, 0xaa), Buffer.from('Test Using Larger Than Block-Size Key - Hash Key First'))))
      .toBe('60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54');
  });

  it('equals createHmac for keys of 0-100 bytes and messages of 0-150 bytes (past the scratch), as bytes or latin1 strings', () => {
    let x = 0x9e3779b9;
    const rand = (): number => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) & 0xff;
    };
    for (let keyLength = 0; keyLength <= 100; keyLength += 3) {
      for (const messageLength of [0, 1, 20, 63, 64, 65, 150]) {
        const key = Uint8Array.from({ length: keyLength }, rand);
        const message = Uint8Array.from({ length: messageLength }, rand);
        const expected = createHmac('sha256', key).update(message).digest('hex');
        expect(hexOf(hmacSha256(key, message)), `key ${keyLength} message ${messageLength}`).toBe(expected);
        expect(hexOf(hmacSha256(Buffer.from(key).toString('latin1'), message))).toBe(expected);
      }
    }
  });

  it('chains: an HMAC output used as the next key gives what createHmac gives', () => {
    const first = hmacSha256(Buffer.from('salt'), Buffer.from('ikm'));
    const second = hmacSha256(first, Buffer.from('info'));
    const reference = createHmac('sha256', createHmac('sha256', Buffer.from('salt')).update('ikm').digest()).update('info').digest('hex');
    expect(first.length).toBe(32);
    expect(hexOf(second)).toBe(reference);
  });

  it('pads set once serve many messages, of any length, and two pads do not share bytes', () => {
    const a = setHmacPads(new HmacPads(), Buffer.from('first key'));
    const b = setHmacPads(new HmacPads(), Buffer.alloc(80, 7));
    for (const length of [0, 8, 20, 64, 65, 100, 20, 8]) {
      const message = Buffer.alloc(length, length + 1);
      expect(hexOf(hmacWithPads(a, message)), `length ${length}`).toBe(createHmac('sha256', 'first key').update(message).digest('hex'));
      expect(hexOf(hmacWithPads(b, message))).toBe(createHmac('sha256', Buffer.alloc(80, 7)).update(message).digest('hex'));
    }
  });
});
