/**
 * AES-128 encryption of single blocks (FIPS 197), in JS. Header protection (RFC 9001 §5.4.3)
 * enciphers one 16-byte sample per packet, under a key that changes with every client DCID: a
 * node:crypto cipher object per key cost about 2.5 µs to create, more than this key expansion and
 * block together. Four 256-entry tables fold SubBytes, ShiftRows and MixColumns into lookups
 * (FIPS 197 §5.1; the "T-tables" of Daemen and Rijmen, The Design of Rijndael, §4.2).
 * Not constant-time: it only opens packets whose keys anyone can derive from the capture.
 */

/** Round keys of AES-128: 11 rounds of 4 words (FIPS 197 §5.2). */
export const AES128_ROUND_KEY_WORDS = 44;
const ROUNDS = 10;

const SBOX = new Uint8Array(256);
/** Te0[x] = the column (2s, s, s, 3s) of s = S(x), big-endian; Te1..Te3 are it rotated by 8, 16, 24 bits. */
const TE0 = new Int32Array(256);
const TE1 = new Int32Array(256);
const TE2 = new Int32Array(256);
const TE3 = new Int32Array(256);

/** Multiplication by x in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (FIPS 197 §4.2.1). */
const xtime = (b: number): number => ((b << 1) ^ (b & 0x80 ? 0x1b : 0)) & 0xff;

/** The S-box from its definition (FIPS 197 §5.1.1): the inverse in GF(2^8), then the affine map. */
function buildTables(): void {
  // Walk the multiplicative group with generator 3, so that p = 3^i and q = 3^-i.
  let p = 1;
  let q = 1;
  do {
    p = p ^ xtime(p);
    q ^= q << 1;
    q ^= q << 2;
    q ^= q << 4;
    q &= 0xff;
    if (q & 0x80) q ^= 0x09;
    const rotl = (b: number, n: number): number => ((b << n) | (b >> (8 - n))) & 0xff;
    SBOX[p] = q ^ rotl(q, 1) ^ rotl(q, 2) ^ rotl(q, 3) ^ rotl(q, 4) ^ 0x63;
  } while (p !== 1);
  SBOX[0] = 0x63;
  for (let x = 0; x < 256; x++) {
    const s = SBOX[x];
    const s2 = xtime(s);
    const t = (s2 << 24) | (s << 16) | (s << 8) | (s2 ^ s);
    TE0[x] = t;
    TE1[x] = (t >>> 8) | (t << 24);
    TE2[x] = (t >>> 16) | (t << 16);
    TE3[x] = (t >>> 24) | (t << 8);
  }
}
buildTables();

const readWord = (b: Uint8Array, at: number): number => (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];

/** FIPS 197 §5.2: the 44 round-key words of a 16-byte key, written into `out`. */
export function expandKey128(key: Uint8Array, out: Int32Array): void {
  for (let i = 0; i < 4; i++) out[i] = readWord(key, 4 * i);
  let rcon = 1;
  for (let i = 4; i < AES128_ROUND_KEY_WORDS; i += 4) {
    const t = out[i - 1];
    // SubWord(RotWord(t)) ^ Rcon[i/4].
    const sub = (SBOX[(t >>> 16) & 0xff] << 24) | (SBOX[(t >>> 8) & 0xff] << 16) | (SBOX[t & 0xff] << 8) | SBOX[t >>> 24];
    out[i] = out[i - 4] ^ sub ^ (rcon << 24);
    out[i + 1] = out[i - 3] ^ out[i];
    out[i + 2] = out[i - 2] ^ out[i + 1];
    out[i + 3] = out[i - 1] ^ out[i + 2];
    rcon = xtime(rcon);
  }
}

/** Enciphers the 16 bytes of `input` at `inputOffset` under `roundKeys` (expandKey128) into `out[0..16)` (FIPS 197 §5.1). */
export function encryptBlock128(roundKeys: Int32Array, input: Uint8Array, inputOffset: number, out: Uint8Array): void {
  const k = roundKeys;
  let s0 = readWord(input, inputOffset) ^ k[0];
  let s1 = readWord(input, inputOffset + 4) ^ k[1];
  let s2 = readWord(input, inputOffset + 8) ^ k[2];
  let s3 = readWord(input, inputOffset + 12) ^ k[3];
  let r = 4;
  for (let round = 1; round < ROUNDS; round++) {
    const t0 = TE0[s0 >>> 24] ^ TE1[(s1 >>> 16) & 0xff] ^ TE2[(s2 >>> 8) & 0xff] ^ TE3[s3 & 0xff] ^ k[r];
    const t1 = TE0[s1 >>> 24] ^ TE1[(s2 >>> 16) & 0xff] ^ TE2[(s3 >>> 8) & 0xff] ^ TE3[s0 & 0xff] ^ k[r + 1];
    const t2 = TE0[s2 >>> 24] ^ TE1[(s3 >>> 16) & 0xff] ^ TE2[(s0 >>> 8) & 0xff] ^ TE3[s1 & 0xff] ^ k[r + 2];
    const t3 = TE0[s3 >>> 24] ^ TE1[(s0 >>> 16) & 0xff] ^ TE2[(s1 >>> 8) & 0xff] ^ TE3[s2 & 0xff] ^ k[r + 3];
    s0 = t0;
    s1 = t1;
    s2 = t2;
    s3 = t3;
    r += 4;
  }
  // The last round has no MixColumns: SubBytes and ShiftRows byte by byte.
  writeLastRound(out, 0, s0, s1, s2, s3, k[r]);
  writeLastRound(out, 4, s1, s2, s3, s0, k[r + 1]);
  writeLastRound(out, 8, s2, s3, s0, s1, k[r + 2]);
  writeLastRound(out, 12, s3, s0, s1, s2, k[r + 3]);
}

/** One output column of the last round: row i of the column comes from the state word i columns to the right. */
function writeLastRound(out: Uint8Array, at: number, a: number, b: number, c: number, d: number, key: number): void {
  out[at] = SBOX[a >>> 24] ^ (key >>> 24);
  out[at + 1] = SBOX[(b >>> 16) & 0xff] ^ ((key >>> 16) & 0xff);
  out[at + 2] = SBOX[(c >>> 8) & 0xff] ^ ((key >>> 8) & 0xff);
  out[at + 3] = SBOX[d & 0xff] ^ (key & 0xff);
}
