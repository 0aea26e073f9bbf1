/** CRYPTO stream reassembly by offset (RFC 9000 §19.6), table-driven (STYLE practice 15). */
import { describe, expect, it } from 'vitest';
import { CryptoStream } from '../../../src/track/quic/crypto-stream.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array | null): string | null => (b ? new TextDecoder().decode(b) : null);

describe('CryptoStream', () => {
  const cases: { name: string; pieces: [number, string][]; contiguous: number; read: [number, string | null] }[] = [
    { name: 'in order', pieces: [[0, 'hello '], [6, 'world']], contiguous: 11, read: [11, 'hello world'] },
    { name: 'out of order across packets', pieces: [[6, 'world'], [0, 'hello ']], contiguous: 11, read: [11, 'hello world'] },
    { name: 'a gap holds back what follows', pieces: [[0, 'he'], [6, 'world']], contiguous: 2, read: [3, null] },
    { name: 'overlaps and repeats', pieces: [[0, 'hell'], [2, 'llo w'], [0, 'he'], [6, 'world']], contiguous: 11, read: [11, 'hello world'] },
    { name: 'three pieces, last first', pieces: [[8, 'rld'], [4, 'o wo'], [0, 'hell']], contiguous: 11, read: [11, 'hello world'] },
  ];
  it.each(cases)('$name', ({ pieces, contiguous, read }) => {
    const s = new CryptoStream();
    for (const [offset, data] of pieces) s.add(offset, text(data));
    expect(s.contiguous).toBe(contiguous);
    expect(str(s.read(read[0]))).toBe(read[1]);
  });

  it('refuses data past maxBytes and counts it', () => {
    const s = new CryptoStream({ maxBytes: 10 });
    expect(s.add(8, text('abc'))).toBe('beyond-limit');
    expect(s.add(0, text('abc'))).toBe('added');
    expect(s.refused).toBe(1);
  });

  it('refuses fragments past maxFragments', () => {
    const s = new CryptoStream({ maxFragments: 2 });
    expect(s.add(10, text('a'))).toBe('added');
    expect(s.add(20, text('b'))).toBe('added');
    expect(s.add(30, text('c'))).toBe('beyond-limit');
  });

  it('a piece already covered is a duplicate', () => {
    const s = new CryptoStream();
    s.add(0, text('hello'));
    expect(s.add(1, text('ell'))).toBe('duplicate');
  });
});
