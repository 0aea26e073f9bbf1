/**
 * The general HKDF definitions (RFC 5869 §2.2-2.3, RFC 8446 §7.1) on node:crypto, written as the
 * RFCs state them: the reference the fast Initial key schedule (one HMAC per expansion) is checked
 * against. statecap itself only ever needs single-block expansions (src/track/quic/initial-keys.ts).
 */
import { createHmac } from 'node:crypto';

/** HKDF-Extract (RFC 5869 §2.2): PRK = HMAC-Hash(salt, IKM). */
export function hkdfExtract(salt: Uint8Array, ikm: Uint8Array): Buffer {
  return createHmac('sha256', salt).update(ikm).digest();
}

/** HKDF-Expand (RFC 5869 §2.3) for SHA-256; `length` is at most 255 * 32. */
export function hkdfExpand(prk: Uint8Array, info: Uint8Array, length: number): Buffer {
  const hashLength = 32;
  const blocks = Math.ceil(length / hashLength);
  if (blocks > 255) throw new RangeError(`hkdfExpand: length ${length} exceeds 255 * ${hashLength}`);
  const out = Buffer.alloc(blocks * hashLength);
  let previous: Buffer = Buffer.alloc(0);
  for (let i = 1; i <= blocks; i++) {
    // T(i) = HMAC-Hash(PRK, T(i-1) | info | i)
    previous = createHmac('sha256', prk).update(previous).update(info).update(Uint8Array.of(i)).digest();
    previous.copy(out, (i - 1) * hashLength);
  }
  return out.subarray(0, length);
}

/**
 * HKDF-Expand-Label (RFC 8446 §7.1): info is HkdfLabel { uint16 length; opaque label<7..255> =
 * "tls13 " + Label; opaque context<0..255> }.
 */
export function hkdfExpandLabel(secret: Uint8Array, label: string, context: Uint8Array, length: number): Buffer {
  const fullLabel = Buffer.from(`tls13 ${label}`, 'ascii');
  const info = Buffer.alloc(2 + 1 + fullLabel.length + 1 + context.length);
  info.writeUInt16BE(length, 0);
  info[2] = fullLabel.length;
  fullLabel.copy(info, 3);
  info[3 + fullLabel.length] = context.length;
  info.set(context, 4 + fullLabel.length);
  return hkdfExpand(secret, info, length);
}
