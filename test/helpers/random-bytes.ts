/** Reproducible random bytes for tests that compare an implementation with node:crypto (xorshift32, Marsaglia 2003). */
export function randomBytesFrom(seed: number): (length: number) => Uint8Array {
  let x = seed;
  return (length) => Uint8Array.from({ length }, () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) & 0xff;
  });
}
