/**
 * HMAC-SHA-256 (RFC 2104) as two calls of node:crypto's one-shot `hash`:
 *   HMAC(K, m) = H((K ^ opad) | H((K ^ ipad) | m))
 * The hashing is node:crypto's; only the padding is done here. The Initial key schedule makes five
 * HMACs for every client Initial with a new DCID, the one packet a flood can send endlessly: each
 * createHmac builds an Hmac stream object and its native context, while `hash` only hashes. Both
 * hashes return latin1 strings, not Buffers: allocating a Buffer from native code tripled the cost
 * of a one-shot hash (measured on Node 20.20: 950 against 300 ns), and a one-byte string holds the
 * same 32 bytes (charCodeAt reads them back). 'binary' is Node's name for latin1.
 *
 * A key's padded blocks are kept in HmacPads and reused for each message under it (RFC 2104 §4
 * allows precomputing them): the salts' are made once at load, and a traffic secret's serve its
 * three HKDF expansions (key, iv, hp).
 */
import { hash } from 'node:crypto';

/** SHA-256's block and output lengths (FIPS 180-4). */
const BLOCK = 64;
const OUTPUT = 32;
const IPAD = 0x36;
const OPAD = 0x5c;

/** Messages up to this length are hashed from the pads' own buffer; longer ones get their own. */
const MAX_SCRATCH_MESSAGE = 64;

/** A key's bytes: a byte array, or a latin1 string such as an earlier HMAC's output. */
export type HmacKey = Uint8Array | string;

/** A key's padded blocks, K ^ ipad and K ^ opad, each followed by room for what is hashed after it. */
export class HmacPads {
  readonly inner = Buffer.alloc(BLOCK + MAX_SCRATCH_MESSAGE);
  readonly outer = Buffer.alloc(BLOCK + OUTPUT);
  /** Views of `inner` by message length, made once: the key schedule hashes the same few lengths again and again. */
  private readonly innerViews: Buffer[] = [];
  innerView(messageLength: number): Buffer {
    let view = this.innerViews[messageLength];
    if (view === undefined) {
      view = this.inner.subarray(0, BLOCK + messageLength);
      this.innerViews[messageLength] = view;
    }
    return view;
  }
}

/** Sets `pads` to the key's padded blocks. Keys longer than a block are hashed first (RFC 2104 §2). */
export function setHmacPads(pads: HmacPads, key: HmacKey): HmacPads {
  const k = key.length > BLOCK ? hash('sha256', typeof key === 'string' ? Buffer.from(key, 'latin1') : key, 'binary') : key;
  const inner = pads.inner;
  const outer = pads.outer;
  const n = k.length;
  if (typeof k === 'string') {
    for (let i = 0; i < n; i++) {
      const b = k.charCodeAt(i);
      inner[i] = b ^ IPAD;
      outer[i] = b ^ OPAD;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const b = k[i];
      inner[i] = b ^ IPAD;
      outer[i] = b ^ OPAD;
    }
  }
  for (let i = n; i < BLOCK; i++) {
    inner[i] = IPAD;
    outer[i] = OPAD;
  }
  return pads;
}

/** HMAC-SHA-256 of `message` under the key of `pads`, as a latin1 string of 32 characters. */
export function hmacWithPads(pads: HmacPads, message: Uint8Array): string {
  let inner: Buffer;
  if (message.length <= MAX_SCRATCH_MESSAGE) {
    inner = pads.innerView(message.length);
    inner.set(message, BLOCK);
  } else {
    inner = Buffer.concat([pads.inner.subarray(0, BLOCK), message]);
  }
  writeLatin1(hash('sha256', inner, 'binary'), pads.outer, BLOCK, OUTPUT);
  return hash('sha256', pads.outer, 'binary');
}

const scratchPads = new HmacPads();

/**
 * HMAC-SHA-256 of `message` under `key`, as a latin1 string of 32 characters (one per byte).
 * Keys longer than a block are hashed first (RFC 2104 §2).
 */
export function hmacSha256(key: HmacKey, message: Uint8Array): string {
  return hmacWithPads(setHmacPads(scratchPads, key), message);
}

/** Copies the first `length` bytes of a latin1 string into `out` at `offset` (a loop: no native call for 32 bytes). */
export function writeLatin1(bytes: string, out: Uint8Array, offset: number, length: number): void {
  for (let i = 0; i < length; i++) out[offset + i] = bytes.charCodeAt(i);
}
