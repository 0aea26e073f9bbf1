/** CID text and copies (src/track/quic/cid.ts). */
import { describe, expect, it } from 'vitest';
import { cidHex, makeCid } from '../../../src/track/quic/cid.js';

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

describe('makeCid', () => {
  it('copies the bytes: later changes to the capture buffer do not reach learned CIDs, nor do CIDs overlap', () => {
    const datagram = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const a = makeCid(datagram.subarray(0, 4));
    const b = makeCid(datagram.subarray(4, 8));
    datagram.fill(0);
    expect([Array.from(a.bytes), a.hex, Array.from(b.bytes), b.hex]).toEqual([[1, 2, 3, 4], '01020304', [5, 6, 7, 8], '05060708']);
  });

  it('keeps every CID intact across many slabs, long and empty ones included', () => {
    const cids = Array.from({ length: 5000 }, (_, i) => {
      const view = Uint8Array.from({ length: i % 21 }, (_, j) => (i + j) & 0xff);
      return { view: Uint8Array.from(view), cid: makeCid(view) };
    });
    const long = Uint8Array.from({ length: 40_000 }, (_, j) => j & 0xff);
    const big = makeCid(long);
    for (const { view, cid } of cids) expect(Array.from(cid.bytes)).toEqual(Array.from(view));
    expect(big.bytes.length).toBe(40_000);
    expect(big.bytes[39_999]).toBe(39_999 & 0xff);
  });
});
