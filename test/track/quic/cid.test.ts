/** CID text and copies (src/track/quic/cid.ts). */
import { describe, expect, it } from 'vitest';
import { cidBytes, cidEquals, cidHex, cidOf, cidText, isPrefixAt } from '../../../src/track/quic/cid.js';

describe('cidHex', () => {
  it('is the lowercase hex of the bytes at any offset and length, as Buffer prints them', () => {
    const b = Uint8Array.from({ length: 100 }, (_, i) => (i * 37 + 5) & 0xff);
    for (const [start, length] of [[0, 0], [0, 1], [3, 8], [0, 20], [10, 64], [1, 65], [0, 100]]) {
      expect(cidHex(b, start, length), `${start}+${length}`).toBe(Buffer.from(b.subarray(start, start + length)).toString('hex'));
    }
    expect(cidHex(b.subarray(0, 4))).toBe(Buffer.from(b.subarray(0, 4)).toString('hex'));
    expect(cidHex(b, 100)).toBe('');
  });
});

describe('cidOf', () => {
  it('copies the bytes into a latin1 string: later changes to the capture buffer do not reach it', () => {
    const datagram = Uint8Array.from([1, 2, 0xff, 0x80, 5, 6, 7, 8]);
    const a = cidOf(datagram, 0, 4);
    const b = cidOf(datagram.subarray(4, 8));
    datagram.fill(0);
    expect([a.length, cidText(a), b.length, cidText(b)]).toEqual([4, '0102ff80', 4, '05060708']);
    expect(Array.from(cidBytes(a))).toEqual([1, 2, 0xff, 0x80]);
  });

  it('round-trips every byte value and every length from 0 to 20, and longer input', () => {
    for (let length = 0; length <= 20; length++) {
      for (let first = 0; first < 256; first += 17) {
        const view = Uint8Array.from({ length }, (_, j) => (first + j * 13) & 0xff);
        const cid = cidOf(view);
        expect(cidText(cid)).toBe(Buffer.from(view).toString('hex'));
        expect(cidEquals(cid, view)).toBe(true);
        expect(cidText(cidOf(Uint8Array.of(9, ...view, 9), 1, length))).toBe(cidText(cid));
      }
    }
    const long = Uint8Array.from({ length: 40_000 }, (_, j) => j & 0xff);
    expect(cidText(cidOf(long))).toBe(Buffer.from(long).toString('hex'));
  });

  it('compares and matches prefixes by byte', () => {
    const cid = cidOf(Uint8Array.of(0xaa, 0xbb));
    expect(cidEquals(cid, Uint8Array.of(0xaa, 0xbb))).toBe(true);
    expect(cidEquals(cid, Uint8Array.of(0xaa, 0xbc))).toBe(false);
    expect(cidEquals(cid, Uint8Array.of(0xaa))).toBe(false);
    // A short header: first byte, then the DCID (RFC 9000 §17.3).
    expect(isPrefixAt(cid, Uint8Array.of(0x40, 0xaa, 0xbb, 0x01), 1)).toBe(true);
    expect(isPrefixAt(cid, Uint8Array.of(0x40, 0xaa, 0xbc, 0x01), 1)).toBe(false);
    expect(isPrefixAt(cid, Uint8Array.of(0x40, 0xaa), 1)).toBe(false);
    expect(isPrefixAt('', Uint8Array.of(0x40), 1)).toBe(true);
  });
});
