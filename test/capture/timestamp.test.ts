import { describe, expect, it } from 'vitest';
import { SplitTime, resolutionOf } from '../../src/capture/timestamp.js';

/** The exact answer, by BigInt: whole seconds and nanoseconds (truncated) of high:low units. */
function reference(high: number, low: number, tsresol: number): [number, number] {
  const units = tsresol & 0x80 ? 1n << BigInt(tsresol & 0x7f) : 10n ** BigInt(tsresol);
  const count = (BigInt(high) << 32n) | BigInt(low);
  return [Number(count / units), Number(((count % units) * 1_000_000_000n) / units)];
}

/** A small deterministic generator (xorshift32), so failures reproduce. */
function randoms(seed: number): () => number {
  let x = seed;
  return () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return x >>> 0; };
}

describe('pcapng timestamp split', () => {
  const resolutions = [0, 1, 3, 6, 9, 10, 12, 0x80 | 10, 0x80 | 20, 0x80 | 30, 0x80 | 32];

  for (const tsresol of resolutions) {
    it(`tsresol 0x${tsresol.toString(16)}: sec and nsec equal the BigInt answer over the whole 64-bit range`, () => {
      const res = resolutionOf(tsresol);
      const split = new SplitTime();
      const next = randoms(0x9e3779b9 ^ tsresol);
      const edges: [number, number][] = [[0, 0], [0, 1], [0x1fffff, 0xffffffff], [0x200000, 0], [0xffffffff, 0xffffffff], [0x179a0e2c, 0x4e1c0bff]];
      const samples: [number, number][] = [...edges];
      for (let i = 0; i < 1000; i++) samples.push([next() >>> (i % 32), next()]);
      const wrong: string[] = [];
      for (const [high, low] of samples) {
        split.set(high, low, res);
        const [sec, nsec] = reference(high, low, tsresol);
        if (split.sec !== sec || split.nsec !== nsec) wrong.push(`${high}:${low} gave ${split.sec}.${split.nsec}, not ${sec}.${nsec}`);
      }
      expect(wrong).toEqual([]);
    });
  }

  it('typical nanosecond timestamps of today take the fast path and are exact', () => {
    const res = resolutionOf(9);
    expect(res.nanosPerUnit).toBe(1);
    const count = 1700000000_123456789n;
    const split = new SplitTime();
    split.set(Number(count >> 32n), Number(count & 0xffffffffn), res);
    expect([split.sec, split.nsec]).toEqual([1700000000, 123456789]);
  });
});
