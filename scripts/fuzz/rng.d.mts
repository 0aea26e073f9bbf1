/** Seeded generator used by the fuzz harness: the same seed gives the same sequence everywhere. */
export interface Rng {
  /** A uniform 32-bit unsigned integer. */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** An integer in [lo, hi]. */
  range(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  bytes(n: number): Uint8Array;
}
export function createRng(seed: number): Rng;
