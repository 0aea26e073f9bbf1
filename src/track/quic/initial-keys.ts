/**
 * Initial packet keys (RFC 9001 §5.2): anyone who sees the client's first Destination Connection
 * ID can derive them, which is what lets a passive observer read the ClientHello and the
 * ServerHello. HKDF (RFC 5869) with SHA-256 and TLS 1.3's HKDF-Expand-Label (RFC 8446 §7.1),
 * built on node:crypto's HMAC.
 */
import { createHmac } from 'node:crypto';
import { QUIC_VERSION, draftNumber } from './header.js';

/** RFC 9001 §5.2: initial_salt for QUIC version 1 (also used by drafts 33 and 34). */
const SALT_V1 = Buffer.from('38762cf7f55934b34d179ae6a4c80cadccbb7f0a', 'hex');
/** RFC 9369 §3.3.1: initial_salt for QUIC version 2. */
const SALT_V2 = Buffer.from('0dede3def700a6db819381be6e269dcbf9bd2ed9', 'hex');
/** draft-ietf-quic-tls-29 §5.2: the salt of drafts 29-32. */
const SALT_DRAFT_29 = Buffer.from('afbfec289993d24c9e9786f19c6111e04390a899', 'hex');
/** draft-ietf-quic-tls-23 §5.2: the salt of drafts 23-28. */
const SALT_DRAFT_23 = Buffer.from('c3eef712c72ebb5a11a7d2432bb46365bef9f502', 'hex');

/** Lengths for AEAD_AES_128_GCM, the Initial AEAD (RFC 9001 §5.2). */
export const INITIAL_AEAD = { KEY_LENGTH: 16, IV_LENGTH: 12, HP_KEY_LENGTH: 16, TAG_LENGTH: 16, SECRET_LENGTH: 32 } as const;

/** One direction's packet protection keys. */
export interface PacketKeys {
  key: Buffer;
  iv: Buffer;
  /** Header protection key (RFC 9001 §5.4). */
  hp: Buffer;
}

export interface InitialKeys {
  version: number;
  client: PacketKeys;
  server: PacketKeys;
}

/** The initial_salt for `version`, or null for versions whose Initial protection statecap does not know. */
export function initialSalt(version: number): Buffer | null {
  if (version === QUIC_VERSION.V1) return SALT_V1;
  if (version === QUIC_VERSION.V2) return SALT_V2;
  const draft = draftNumber(version);
  if (draft === null) return null;
  if (draft >= 33 && draft <= 34) return SALT_V1;
  if (draft >= 29 && draft <= 32) return SALT_DRAFT_29;
  if (draft >= 23 && draft <= 28) return SALT_DRAFT_23;
  return null;
}

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

/** The labels that turn a traffic secret into keys: "quic ..." in v1, "quicv2 ..." in v2 (RFC 9369 §3.3.2). */
function keyLabels(version: number): { key: string; iv: string; hp: string } {
  return version === QUIC_VERSION.V2
    ? { key: 'quicv2 key', iv: 'quicv2 iv', hp: 'quicv2 hp' }
    : { key: 'quic key', iv: 'quic iv', hp: 'quic hp' };
}

/** Packet protection keys from a traffic secret (RFC 9001 §5.1). */
export function packetKeys(secret: Uint8Array, version: number): PacketKeys {
  const labels = keyLabels(version);
  const empty = new Uint8Array(0);
  return {
    key: hkdfExpandLabel(secret, labels.key, empty, INITIAL_AEAD.KEY_LENGTH),
    iv: hkdfExpandLabel(secret, labels.iv, empty, INITIAL_AEAD.IV_LENGTH),
    hp: hkdfExpandLabel(secret, labels.hp, empty, INITIAL_AEAD.HP_KEY_LENGTH),
  };
}

/**
 * The client and server Initial secrets (RFC 9001 §5.2):
 *   initial_secret = HKDF-Extract(initial_salt, client_dst_connection_id)
 *   client_initial_secret = HKDF-Expand-Label(initial_secret, "client in", "", 32)
 *   server_initial_secret = HKDF-Expand-Label(initial_secret, "server in", "", 32)
 * The "client in"/"server in" labels are the same in v2 (RFC 9369 §3.3.2). Null for unknown versions.
 */
export function initialSecrets(dcid: Uint8Array, version: number): { initial: Buffer; client: Buffer; server: Buffer } | null {
  const salt = initialSalt(version);
  if (!salt) return null;
  const initial = hkdfExtract(salt, dcid);
  const empty = new Uint8Array(0);
  return {
    initial,
    client: hkdfExpandLabel(initial, 'client in', empty, INITIAL_AEAD.SECRET_LENGTH),
    server: hkdfExpandLabel(initial, 'server in', empty, INITIAL_AEAD.SECRET_LENGTH),
  };
}

/** Both directions' Initial keys for a connection whose client first sent `dcid`; null for unknown versions. */
export function deriveInitialKeys(dcid: Uint8Array, version: number): InitialKeys | null {
  const secrets = initialSecrets(dcid, version);
  if (!secrets) return null;
  return { version, client: packetKeys(secrets.client, version), server: packetKeys(secrets.server, version) };
}
