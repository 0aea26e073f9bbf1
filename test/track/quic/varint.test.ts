import { describe, expect, it } from 'vitest';
import { encodeVarint, readVarint } from '../../../src/track/quic/varint.js';

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));

describe('varint (RFC 9000 §16, examples of §A.1)', () => {
  it.each([
    ['c2197c5eff14e88c', 151288809941952652, 8],
    ['9d7f3e7d', 494878333, 4],
    ['7bbd', 15293, 2],
    ['25', 37, 1],
    ['4025', 37, 2],
  ])('%s -> %d', (text, value, length) => {
    const r = readVarint(hex(text), 0);
    expect(r.value).toBe(value);
    expect(r.next).toBe(length);
  });

  it('every prefix shorter than the encoded length is "ran out" (next -1), never a throw', () => {
    const b = hex('c2197c5eff14e88c');
    for (let n = 0; n < b.length; n++) expect(readVarint(b.subarray(0, n), 0).next).toBe(-1);
  });

  it('round-trips through encodeVarint at each size boundary', () => {
    for (const v of [0, 63, 64, 16383, 16384, 1073741823, 1073741824, 2 ** 40 + 5]) {
      const e = encodeVarint(v);
      expect(readVarint(e, 0)).toEqual({ value: v, next: e.length });
    }
  });
});
