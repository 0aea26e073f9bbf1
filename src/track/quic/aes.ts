/**
 * AES-128 encryption of one block (FIPS 197), in plain TypeScript, for the header protection mask
 * (RFC 9001 §5.4.3: AES-ECB(hp_key, sample)) and the two blocks of a GCM tag check (ghash.ts).
 *
 * Why not node:crypto: each client Initial with a new DCID has a new hp key, and creating a Cipher
 * object for one block costs far more than the block itself; a flood of unanswered Initials paid
 * it on every packet. The key schedule and 10 table-driven rounds here take well under a
 * microsecond. The mask is computed from public Initial keys, so constant time does not matter.
 * Checked against node:crypto's aes-128-ecb in test/track/quic/aes.test.ts.
 */

/** The S-box (FIPS 197 §5.1.1) and the round tables (SubBytes, ShiftRows and MixColumns in one lookup). */
const SBOX = new Uint8Array(256);
const T0 = new Int32Array(256);
const T1 = new Int32Array(256);
const T2 = new Int32Array(256);
const T3 = new Int32Array(256);

/** Multiplication by x in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (FIPS 197 §4.2.1). */
const xtime = (b: number): number => ((b << 1) ^ (b & 0x80 ? 0x1b : 0)) & 0xff;

{
  // The S-box is the multiplicative inverse followed by the affine map (FIPS 197 §5.1.1). Walking
  // p through the powers of the generator 3 while q walks the powers of its inverse pairs every
  // non-zero p with q = p^-1.
  const rotl8 = (x: number, s: number): number => ((x << s) | (x >>> (8 - s))) & 0xff;
  let p = 1;
  let q = 1;
  do {
    p = p ^ xtime(p);
    q ^= q << 1;
    q ^= q << 2;
    q ^= q << 4;
    q &= 0xff;
    if (q & 0x80) q ^= 0x09;
    SBOX[p] = q ^ rotl8(q, 1) ^ rotl8(q, 2) ^ rotl8(q, 3) ^ rotl8(q, 4) ^ 0x63;
  } while (p !== 1);
  SBOX[0] = 0x63;
  for (let i = 0; i < 256; i++) {
    const s = SBOX[i];
    const s2 = xtime(s);
    // MixColumns column (2s, s, s, 3s) as a big-endian word, and its byte rotations.
    const t = (s2 << 24) | (s << 16) | (s << 8) | (s2 ^ s);
    T0[i] = t;
    T1[i] = (t >>> 8) | (t << 24);
    T2[i] = (t >>> 16) | (t << 16);
    T3[i] = (t >>> 24) | (t << 8);
  }
}

/** FIPS 197 §5.2: round constants of AES-128's key expansion, in the top byte. */
const RCON = Int32Array.from([0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36].map((r) => r << 24));

/** Scratch for the 44-word key schedule of aes128EncryptBlock (synchronous, not re-entrant). */
const RK = new Int32Array(44);

function word(b: Uint8Array, at: number): number {
  return (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
}

/** SubBytes and ShiftRows of one output column. */
function lastRound(a: number, b: number, c: number, d: number): number {
  return (SBOX[a >>> 24] << 24) | (SBOX[(b >>> 16) & 0xff] << 16) | (SBOX[(c >>> 8) & 0xff] << 8) | SBOX[d & 0xff];
}

function putWord(out: Uint8Array, at: number, w: number): void {
  out[at] = w >>> 24;
  out[at + 1] = (w >>> 16) & 0xff;
  out[at + 2] = (w >>> 8) & 0xff;
  out[at + 3] = w & 0xff;
}

/** FIPS 197 §5.2: KeyExpansion of a 16-byte key into the 44 words of `rk`. */
export function aes128ExpandKey(key: Uint8Array, rk: Int32Array): void {
  if (key.length !== 16) throw new RangeError(`aes128ExpandKey: key of ${key.length} bytes`);
  for (let i = 0; i < 4; i++) rk[i] = word(key, 4 * i);
  for (let i = 4; i < 44; i++) {
    let t = rk[i - 1];
    if ((i & 3) === 0) {
      // SubWord(RotWord(t)) xor Rcon.
      t = ((SBOX[(t >>> 16) & 0xff] << 24) | (SBOX[(t >>> 8) & 0xff] << 16) | (SBOX[t & 0xff] << 8) | SBOX[t >>> 24]) ^ RCON[(i >> 2) - 1];
    }
    rk[i] = rk[i - 4] ^ t;
  }
}

/** AES-128 (FIPS 197 §5.1) of the 16 bytes of `input` from `inputOffset` under the expanded key `rk`, into `out` (16 bytes from 0). */
export function aes128Encrypt(rk: Int32Array, input: Uint8Array, inputOffset: number, out: Uint8Array): void {
  let s0 = word(input, inputOffset) ^ rk[0];
  let s1 = word(input, inputOffset + 4) ^ rk[1];
  let s2 = word(input, inputOffset + 8) ^ rk[2];
  let s3 = word(input, inputOffset + 12) ^ rk[3];
  // Rounds 1-9.
  for (let r = 4; r < 40; r += 4) {
    const t0 = T0[s0 >>> 24] ^ T1[(s1 >>> 16) & 0xff] ^ T2[(s2 >>> 8) & 0xff] ^ T3[s3 & 0xff] ^ rk[r];
    const t1 = T0[s1 >>> 24] ^ T1[(s2 >>> 16) & 0xff] ^ T2[(s3 >>> 8) & 0xff] ^ T3[s0 & 0xff] ^ rk[r + 1];
    const t2 = T0[s2 >>> 24] ^ T1[(s3 >>> 16) & 0xff] ^ T2[(s0 >>> 8) & 0xff] ^ T3[s1 & 0xff] ^ rk[r + 2];
    const t3 = T0[s3 >>> 24] ^ T1[(s0 >>> 16) & 0xff] ^ T2[(s1 >>> 8) & 0xff] ^ T3[s2 & 0xff] ^ rk[r + 3];
    s0 = t0;
    s1 = t1;
    s2 = t2;
    s3 = t3;
  }
  // The last round has no MixColumns.
  putWord(out, 0, lastRound(s0, s1, s2, s3) ^ rk[40]);
  putWord(out, 4, lastRound(s1, s2, s3, s0) ^ rk[41]);
  putWord(out, 8, lastRound(s2, s3, s0, s1) ^ rk[42]);
  putWord(out, 12, lastRound(s3, s0, s1, s2) ^ rk[43]);
}

/** AES-128 of the 16 bytes of `input` from `inputOffset` under `key` (16 bytes), into `out` (16 bytes from 0). */
export function aes128EncryptBlock(key: Uint8Array, input: Uint8Array, inputOffset: number, out: Uint8Array): void {
  aes128ExpandKey(key, RK);
  aes128Encrypt(RK, input, inputOffset, out);
}
