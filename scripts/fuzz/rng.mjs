/**
 * A small seeded PRNG (sfc32, seeded through splitmix32) so that a fuzz run is the same sequence of
 * mutants for the same seed on every machine. Not for cryptography.
 */

/** splitmix32: spreads a 32-bit seed over the generator state. */
function splitmix32(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * @param {number} seed any integer
 * @returns {import('./rng.d.mts').Rng}
 */
export function createRng(seed) {
  const mix = splitmix32(seed);
  let a = mix(), b = mix(), c = mix(), d = mix();
  const next = () => {
    // sfc32 (Chris Doty-Humphrey's Small Fast Counting generator).
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next();
  const int = (n) => (n <= 1 ? 0 : Math.floor((next() / 0x1_0000_0000) * n));
  return {
    next,
    int,
    /** An integer in [lo, hi]. */
    range: (lo, hi) => lo + int(hi - lo + 1),
    chance: (p) => next() / 0x1_0000_0000 < p,
    pick: (items) => items[int(items.length)],
    bytes: (n) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = next() & 0xff;
      return out;
    },
  };
}
