/**
 * HMAC-SHA-256 (RFC 2104, FIPS 180-4) in plain TypeScript, for the Initial key schedule only.
 *
 * Why not node:crypto: every client Initial with a new DCID needs five HMACs over a few dozen
 * bytes (RFC 9001 §5.2), and each createHmac().update().digest() costs several microseconds of
 * object set-up and native calls, which made HMAC the largest cost of a flood of unanswered
 * Initials. Here one HMAC over a short message is two SHA-256 compressions once the key's padded
 * blocks are hashed (RFC 2104 §4 suggests precomputing them), with no allocation but the output.
 * Initial secrets are public (anyone who sees the DCID can derive them), so constant time does
 * not matter. Checked against node:crypto in test/track/quic/sha256.test.ts.
 */

/** FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** FIPS 180-4 §5.3.3: the initial hash value. */
const H0 = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

const BLOCK_BYTES = 64;
const DIGEST_BYTES = 32;

/** The message schedule, shared (the code is synchronous and not re-entrant). */
const W = new Int32Array(64);

/** FIPS 180-4 §6.2.2: hashes the block in W[0..15] into the state h[at..at+7]. */
function compress(h: Int32Array, at: number): void {
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15];
    const w2 = W[i - 2];
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
  }
  let a = h[at], b = h[at + 1], c = h[at + 2], d = h[at + 3], e = h[at + 4], f = h[at + 5], g = h[at + 6], hh = h[at + 7];
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (hh + s1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[at + 0] = (h[at + 0] + a) | 0;
  h[at + 1] = (h[at + 1] + b) | 0;
  h[at + 2] = (h[at + 2] + c) | 0;
  h[at + 3] = (h[at + 3] + d) | 0;
  h[at + 4] = (h[at + 4] + e) | 0;
  h[at + 5] = (h[at + 5] + f) | 0;
  h[at + 6] = (h[at + 6] + g) | 0;
  h[at + 7] = (h[at + 7] + hh) | 0;
}

/**
 * Continues the hash h[at..at+7] (which has already taken `prefixBytes`, a multiple of 64) over
 * `message` and finishes it: the FIPS 180-4 §5.1.1 padding, a 1 bit, zeros, and the 64-bit bit length.
 */
function finish(h: Int32Array, at: number, prefixBytes: number, message: Uint8Array): void {
  let m = 0;
  for (; m + BLOCK_BYTES <= message.length; m += BLOCK_BYTES) {
    for (let i = 0; i < 16; i++) {
      const j = m + 4 * i;
      W[i] = (message[j] << 24) | (message[j + 1] << 16) | (message[j + 2] << 8) | message[j + 3];
    }
    compress(h, at);
  }
  W.fill(0, 0, 16);
  const rest = message.length - m;
  for (let i = 0; i < rest; i++) W[i >> 2] |= message[m + i] << (24 - 8 * (i & 3));
  W[rest >> 2] |= 0x80 << (24 - 8 * (rest & 3));
  if (rest >= BLOCK_BYTES - 8) {
    // No room for the length in this block: it goes in one more.
    compress(h, at);
    W.fill(0, 0, 16);
  }
  const bits = (prefixBytes + message.length) * 8;
  W[14] = Math.floor(bits / 2 ** 32);
  W[15] = bits | 0;
  compress(h, at);
}

function writeWords(h: Int32Array, at: number, out: Uint8Array): void {
  for (let i = 0; i < 8; i++) {
    const w = h[at + i];
    out[4 * i] = w >>> 24;
    out[4 * i + 1] = (w >>> 16) & 0xff;
    out[4 * i + 2] = (w >>> 8) & 0xff;
    out[4 * i + 3] = w & 0xff;
  }
}

/** SHA-256 of `message` (FIPS 180-4 §6.2). */
export function sha256(message: Uint8Array): Buffer {
  const h = Int32Array.from(H0);
  finish(h, 0, 0, message);
  const out = Buffer.allocUnsafe(DIGEST_BYTES);
  writeWords(h, 0, out);
  return out;
}

const INNER = 0;
const OUTER = 8;
const STATE = 16;
const IPAD = 0x36;
const OPAD = 0x5c;

/**
 * An HMAC-SHA-256 key with the hashes of its inner and outer padded blocks computed once
 * (RFC 2104 §4), so that each `mac` of a message shorter than 56 bytes is two compressions.
 * `setKey` re-keys the object, so that a key schedule can reuse one instead of allocating.
 */
export class HmacSha256 {
  /** The state after the inner padded block (INNER), after the outer one (OUTER), and a MAC's running state. */
  private readonly h = new Int32Array(24);

  constructor(key: Uint8Array = new Uint8Array(0)) {
    this.setKey(key);
  }

  setKey(key: Uint8Array): this {
    // RFC 2104 §2: a key longer than the block is hashed first; a shorter one is zero-padded.
    const k = key.length > BLOCK_BYTES ? sha256(key) : key;
    const h = this.h;
    h.set(H0, INNER);
    padBlock(k, IPAD);
    compress(h, INNER);
    h.set(H0, OUTER);
    padBlock(k, OPAD);
    compress(h, OUTER);
    return this;
  }

  /** HMAC-SHA-256(key, message) (RFC 2104 §2), written to `out` (32 bytes) or a new Buffer. */
  mac(message: Uint8Array, out: Uint8Array = Buffer.allocUnsafe(DIGEST_BYTES)): Uint8Array {
    const h = this.h;
    h.copyWithin(STATE, INNER, INNER + 8);
    finish(h, STATE, BLOCK_BYTES, message);
    // The outer hash's message is the 32-byte inner digest: one block with its padding.
    for (let i = 0; i < 8; i++) W[i] = h[STATE + i];
    W[8] = 0x80000000;
    W.fill(0, 9, 15);
    W[15] = (BLOCK_BYTES + DIGEST_BYTES) * 8;
    h.copyWithin(STATE, OUTER, OUTER + 8);
    compress(h, STATE);
    writeWords(h, STATE, out);
    return out;
  }
}

/** Loads the key, zero-padded to a block and XORed with `pad`, into W. */
function padBlock(key: Uint8Array, pad: number): void {
  const p = pad * 0x01010101;
  for (let i = 0; i < 16; i++) W[i] = p;
  for (let i = 0; i < key.length; i++) W[i >> 2] ^= key[i] << (24 - 8 * (i & 3));
}
