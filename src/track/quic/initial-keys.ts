/**
 * Initial packet keys (RFC 9001 §5.2): anyone who sees the client's first Destination Connection
 * ID can derive them, which is what lets a passive observer read the ClientHello and the
 * ServerHello. HKDF (RFC 5869) with SHA-256 and TLS 1.3's HKDF-Expand-Label (RFC 8446 §7.1),
 * built on node:crypto's HMAC.
 *
 * The tracker uses a faster path for the same values: a client Initial with a new DCID is the one
 * packet an attacker can send endlessly for free, so its keys must be cheap. It derives only the
 * side it needs (the client's to open a client Initial; the server's only when a server Initial
 * comes), with HKDF-Expand as a single HMAC over HkdfLabel bytes built once at load, and each HMAC
 * two one-shot node:crypto hashes (hmac-sha256.ts) after padded key blocks made once per key. Secrets between steps stay latin1 strings.
 * The tests check it against the general HKDF definitions on createHmac and RFC 9001 Appendix A.
 */
import { HmacPads, hmacSha256, hmacWithPads, setHmacPads, writeLatin1, type HmacKey } from './hmac-sha256.js';
import { QUIC_VERSION, draftNumber } from './header.js';
import type { CidSide } from './cid.js';

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

const { KEY_LENGTH, IV_LENGTH, HP_KEY_LENGTH } = INITIAL_AEAD;

/**
 * One direction's packet protection keys: key | iv | hp in one 44-byte buffer, whose views are
 * made when a packet is opened. A connection keeps its keys while it lives, and three views of its
 * own per side cost more than the bytes they show.
 */
export class PacketKeys {
  constructor(private readonly material: Buffer) {}

  get key(): Buffer {
    return this.material.subarray(0, KEY_LENGTH);
  }

  get iv(): Buffer {
    return this.material.subarray(KEY_LENGTH, KEY_LENGTH + IV_LENGTH);
  }

  /** Header protection key (RFC 9001 §5.4). */
  get hp(): Buffer {
    return this.material.subarray(KEY_LENGTH + IV_LENGTH, KEY_LENGTH + IV_LENGTH + HP_KEY_LENGTH);
  }
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

/**
 * The info of HKDF-Expand-Label(secret, label, "", length) with HKDF-Expand's counter byte already
 * appended: for length <= 32 (one SHA-256 output) HKDF-Expand is the single block
 * T(1) = HMAC(PRK, info | 0x01) (RFC 5869 §2.3), so the whole expansion is one HMAC over these bytes.
 */
export function expandLabelInfo(label: string, length: number): Uint8Array {
  if (length > 32) throw new RangeError(`expandLabelInfo: ${length} bytes need more than one HMAC`);
  const fullLabel = Buffer.from(`tls13 ${label}`, 'ascii');
  // uint16 length, label<7..255>, context<0..255> (empty), then the counter 0x01.
  const info = new Uint8Array(2 + 1 + fullLabel.length + 1 + 1);
  info[0] = length >> 8;
  info[1] = length & 0xff;
  info[2] = fullLabel.length;
  info.set(fullLabel, 3);
  info[3 + fullLabel.length] = 0;
  info[4 + fullLabel.length] = 0x01;
  return info;
}

/** The "client in"/"server in" secrets' info (RFC 9001 §5.2; the same labels in v2, RFC 9369 §3.3.2). */
const SIDE_INFO: Record<CidSide, Uint8Array> = {
  client: expandLabelInfo('client in', INITIAL_AEAD.SECRET_LENGTH),
  server: expandLabelInfo('server in', INITIAL_AEAD.SECRET_LENGTH),
};

interface KeyInfo {
  key: Uint8Array;
  iv: Uint8Array;
  hp: Uint8Array;
}

/** The labels that turn a traffic secret into keys: "quic ..." in v1, "quicv2 ..." in v2 (RFC 9369 §3.3.2). */
function keyInfo(prefix: string): KeyInfo {
  return {
    key: expandLabelInfo(`${prefix} key`, INITIAL_AEAD.KEY_LENGTH),
    iv: expandLabelInfo(`${prefix} iv`, INITIAL_AEAD.IV_LENGTH),
    hp: expandLabelInfo(`${prefix} hp`, INITIAL_AEAD.HP_KEY_LENGTH),
  };
}
const KEY_INFO_V1 = keyInfo('quic');
const KEY_INFO_V2 = keyInfo('quicv2');

/** A traffic secret's pads, shared by its three HMACs. */
const secretPads = new HmacPads();
/** The pads of each salt, made once (HKDF-Extract's key is the salt, RFC 5869 §2.2). */
const SALT_PADS = new Map<Uint8Array, HmacPads>([SALT_V1, SALT_V2, SALT_DRAFT_29, SALT_DRAFT_23].map((salt) => [salt, setHmacPads(new HmacPads(), salt)]));

/** Key, IV and header protection key from a traffic secret (RFC 9001 §5.1), copied into one small allocation. */
export function packetKeys(secret: HmacKey, version: number): PacketKeys {
  const labels = version === QUIC_VERSION.V2 ? KEY_INFO_V2 : KEY_INFO_V1;
  // One pooled 44-byte allocation (Buffer.allocUnsafe) per side, not three 32-byte digests.
  const out = Buffer.allocUnsafe(KEY_LENGTH + IV_LENGTH + HP_KEY_LENGTH);
  const pads = setHmacPads(secretPads, secret);
  writeLatin1(hmacWithPads(pads, labels.key), out, 0, KEY_LENGTH);
  writeLatin1(hmacWithPads(pads, labels.iv), out, KEY_LENGTH, IV_LENGTH);
  writeLatin1(hmacWithPads(pads, labels.hp), out, KEY_LENGTH + IV_LENGTH, HP_KEY_LENGTH);
  return new PacketKeys(out);
}

/**
 * initial_secret = HKDF-Extract(initial_salt, dcid) (RFC 9001 §5.2), as a latin1 string; null for
 * unknown versions. Two HMACs (this and the side's expansion) measured about twice as fast as one
 * hkdfSync('sha256', dcid, salt, info, 32), which gives the same bytes, even on createHmac.
 */
function extractInitial(dcid: Uint8Array, version: number): string | null {
  const salt = initialSalt(version);
  return salt ? hmacWithPads(SALT_PADS.get(salt)!, dcid) : null;
}

/** The side's Initial secret from initial_secret: one HMAC (see expandLabelInfo). */
function sideSecret(initial: string, side: CidSide): string {
  return hmacSha256(initial, SIDE_INFO[side]);
}

const latin1Bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

/**
 * The client and server Initial secrets (RFC 9001 §5.2):
 *   initial_secret = HKDF-Extract(initial_salt, client_dst_connection_id)
 *   client_initial_secret = HKDF-Expand-Label(initial_secret, "client in", "", 32)
 *   server_initial_secret = HKDF-Expand-Label(initial_secret, "server in", "", 32)
 * The "client in"/"server in" labels are the same in v2 (RFC 9369 §3.3.2). Null for unknown versions.
 */
export function initialSecrets(dcid: Uint8Array, version: number): { initial: Buffer; client: Buffer; server: Buffer } | null {
  const initial = extractInitial(dcid, version);
  if (!initial) return null;
  return { initial: latin1Bytes(initial), client: latin1Bytes(sideSecret(initial, 'client')), server: latin1Bytes(sideSecret(initial, 'server')) };
}

/**
 * One side's Initial keys for a connection whose client first sent `dcid` (null for unknown
 * versions): five HMACs, where both sides' keys take nine.
 */
export function initialPacketKeys(dcid: Uint8Array, version: number, side: CidSide): PacketKeys | null {
  const initial = extractInitial(dcid, version);
  if (!initial) return null;
  return packetKeys(sideSecret(initial, side), version);
}

/** Both directions' Initial keys for a connection whose client first sent `dcid`; null for unknown versions. */
export function deriveInitialKeys(dcid: Uint8Array, version: number): InitialKeys | null {
  const initial = extractInitial(dcid, version);
  if (!initial) return null;
  return { version, client: packetKeys(sideSecret(initial, 'client'), version), server: packetKeys(sideSecret(initial, 'server'), version) };
}
