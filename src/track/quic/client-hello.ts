/**
 * What the TLS 1.3 handshake says in the clear of a QUIC Initial: the ClientHello's server name,
 * ALPN list and QUIC transport parameters, and the ServerHello's cipher suite and version. Pure
 * parsing of one handshake message (RFC 8446 §4); malformed messages give an `issue`, not a throw.
 */
import { readVarint, type VarintRead } from './varint.js';
import { versionName } from './header.js';

/** RFC 8446 §4: HandshakeType, and the 4-byte message header (type, uint24 length). */
export const TLS_HANDSHAKE = { CLIENT_HELLO: 1, SERVER_HELLO: 2, HEADER_LENGTH: 4 } as const;

/** Extension types (RFC 8446 §4.2, RFC 6066 §3, RFC 7301 §3.1, RFC 9001 §8.2). */
export const TLS_EXTENSION = {
  SERVER_NAME: 0,
  ALPN: 16,
  SUPPORTED_VERSIONS: 43,
  QUIC_TRANSPORT_PARAMETERS: 0x39,
  /** The codepoint drafts up to 34 used for the same extension. */
  QUIC_TRANSPORT_PARAMETERS_DRAFT: 0xffa5,
} as const;

/** ClientHello / ServerHello field sizes (RFC 8446 §4.1.2-4.1.3). */
const HELLO = { LEGACY_VERSION: 2, RANDOM: 32 } as const;

/** QUIC transport parameter ids (RFC 9000 §18.2; RFC 9368 §3; RFC 9221 §3; RFC 9287 §3). */
const TRANSPORT_PARAMETERS: Record<number, { name: string; kind: 'int' | 'cid' | 'bytes' | 'flag' | 'versions' }> = {
  0x00: { name: 'original_destination_connection_id', kind: 'cid' },
  0x01: { name: 'max_idle_timeout', kind: 'int' },
  0x02: { name: 'stateless_reset_token', kind: 'bytes' },
  0x03: { name: 'max_udp_payload_size', kind: 'int' },
  0x04: { name: 'initial_max_data', kind: 'int' },
  0x05: { name: 'initial_max_stream_data_bidi_local', kind: 'int' },
  0x06: { name: 'initial_max_stream_data_bidi_remote', kind: 'int' },
  0x07: { name: 'initial_max_stream_data_uni', kind: 'int' },
  0x08: { name: 'initial_max_streams_bidi', kind: 'int' },
  0x09: { name: 'initial_max_streams_uni', kind: 'int' },
  0x0a: { name: 'ack_delay_exponent', kind: 'int' },
  0x0b: { name: 'max_ack_delay', kind: 'int' },
  0x0c: { name: 'disable_active_migration', kind: 'flag' },
  0x0d: { name: 'preferred_address', kind: 'bytes' },
  0x0e: { name: 'active_connection_id_limit', kind: 'int' },
  0x0f: { name: 'initial_source_connection_id', kind: 'cid' },
  0x10: { name: 'retry_source_connection_id', kind: 'cid' },
  0x11: { name: 'version_information', kind: 'versions' },
  0x20: { name: 'max_datagram_frame_size', kind: 'int' },
  0x2ab2: { name: 'grease_quic_bit', kind: 'flag' },
};

/** TLS 1.3 cipher suites (RFC 8446 §B.4). */
const CIPHER_SUITES: Record<number, string> = {
  0x1301: 'TLS_AES_128_GCM_SHA256',
  0x1302: 'TLS_AES_256_GCM_SHA384',
  0x1303: 'TLS_CHACHA20_POLY1305_SHA256',
  0x1304: 'TLS_AES_128_CCM_SHA256',
  0x1305: 'TLS_AES_128_CCM_8_SHA256',
};

/** Loop bounds for lists read from the wire. */
const MAX_EXTENSIONS = 128;
const MAX_LIST_ENTRIES = 64;
const MAX_TRANSPORT_PARAMETERS = 128;

export type TransportParameters = Record<string, string | number>;

export interface ClientHelloInfo {
  /** First host_name of the server_name extension (RFC 6066 §3); null when absent. */
  serverName: string | null;
  /** ALPN protocol names in the client's order (RFC 7301 §3.1). */
  alpn: string[];
  cipherSuites: number[];
  /** TLS versions from supported_versions (RFC 8446 §4.2.1). */
  tlsVersions: number[];
  /**
   * QUIC transport parameters by RFC name: CIDs and byte strings as lowercase hex, integers as
   * numbers (as decimal text above 2^53), zero-length flags as 1, version_information as text. Null when the extension is absent.
   */
  transportParameters: TransportParameters | null;
}

export interface ServerHelloInfo {
  cipherSuite: number;
  /** RFC 8446 name, or hex for an unknown suite. */
  cipherSuiteName: string;
  /** selected_version from supported_versions (0x0304 for TLS 1.3); null when absent. */
  tlsVersion: number | null;
}

export type ParseResult<T> = { value: T; issue?: undefined } | { value?: undefined; issue: string };

/** Total length (header included) of the handshake message starting `stream`, or null before 4 bytes are known. */
export function handshakeMessageLength(stream: Uint8Array): number | null {
  if (stream.length < TLS_HANDSHAKE.HEADER_LENGTH) return null;
  return TLS_HANDSHAKE.HEADER_LENGTH + ((stream[1] << 16) | (stream[2] << 8) | stream[3]);
}

export function cipherSuiteName(suite: number): string {
  return CIPHER_SUITES[suite] ?? `0x${suite.toString(16).padStart(4, '0')}`;
}

const text = new TextDecoder('utf-8', { fatal: false });

/** A cursor over one handshake message; every read checks bounds and records the first failure. */
class Reader {
  at: number;
  failed: string | null = null;
  constructor(readonly b: Uint8Array, start: number, readonly end: number) {
    this.at = start;
  }
  u8(field: string): number {
    if (!this.need(1, field)) return 0;
    return this.b[this.at++];
  }
  u16(field: string): number {
    if (!this.need(2, field)) return 0;
    const v = (this.b[this.at] << 8) | this.b[this.at + 1];
    this.at += 2;
    return v;
  }
  bytes(n: number, field: string): Uint8Array {
    if (!this.need(n, field)) return this.b.subarray(0, 0);
    const v = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }
  private need(n: number, field: string): boolean {
    if (this.failed) return false;
    if (this.at + n > this.end) {
      this.failed = `${field}: needs ${n} bytes at ${this.at}, message ends at ${this.end}`;
      return false;
    }
    return true;
  }
}

/**
 * Parses a ClientHello handshake message (header included, RFC 8446 §4.1.2). With `prefix`, the
 * message may be cut short (a snaplen cut the packets that carried it): whatever extensions are
 * whole in the bytes given are read, and a cut-off extension list is not an issue.
 */
export function parseClientHello(message: Uint8Array, options: { prefix?: boolean } = {}): ParseResult<ClientHelloInfo> {
  const prefix = options.prefix === true;
  const header = checkHeader(message, TLS_HANDSHAKE.CLIENT_HELLO, 'ClientHello', prefix);
  if (typeof header === 'string') return { issue: header };
  const r = new Reader(message, TLS_HANDSHAKE.HEADER_LENGTH, header);
  r.bytes(HELLO.LEGACY_VERSION + HELLO.RANDOM, 'legacy_version and random');
  r.bytes(r.u8('legacy_session_id length'), 'legacy_session_id');
  const suites = r.bytes(r.u16('cipher_suites length'), 'cipher_suites');
  r.bytes(r.u8('legacy_compression_methods length'), 'legacy_compression_methods');
  const info: ClientHelloInfo = { serverName: null, alpn: [], cipherSuites: [], tlsVersions: [], transportParameters: null };
  for (let i = 0; i + 1 < suites.length && info.cipherSuites.length < MAX_LIST_ENTRIES; i += 2) {
    info.cipherSuites.push((suites[i] << 8) | suites[i + 1]);
  }
  if (r.failed) return { issue: `ClientHello ${r.failed}` };
  // A ClientHello may end here (no extensions) in TLS 1.2; QUIC requires them, but absence is data.
  if (r.at === r.end) return { value: info };
  const extensionsLength = r.u16('extensions length');
  const extensions = r.bytes(prefix ? Math.min(extensionsLength, r.end - r.at) : extensionsLength, 'extensions');
  if (r.failed) return { issue: `ClientHello ${r.failed}` };
  const issue = forEachExtension(extensions, prefix, (type, data) => {
    if (type === TLS_EXTENSION.SERVER_NAME) info.serverName = parseServerName(data);
    else if (type === TLS_EXTENSION.ALPN) info.alpn = parseAlpn(data);
    else if (type === TLS_EXTENSION.SUPPORTED_VERSIONS) info.tlsVersions = parseVersionList(data);
    else if (type === TLS_EXTENSION.QUIC_TRANSPORT_PARAMETERS
      || (type === TLS_EXTENSION.QUIC_TRANSPORT_PARAMETERS_DRAFT && info.transportParameters === null)) {
      info.transportParameters = parseTransportParameters(data);
    }
  });
  return issue ? { issue: `ClientHello ${issue}` } : { value: info };
}

/** Parses a ServerHello handshake message (header included, RFC 8446 §4.1.3). */
export function parseServerHello(message: Uint8Array): ParseResult<ServerHelloInfo> {
  const header = checkHeader(message, TLS_HANDSHAKE.SERVER_HELLO, 'ServerHello');
  if (typeof header === 'string') return { issue: header };
  const r = new Reader(message, TLS_HANDSHAKE.HEADER_LENGTH, header);
  r.bytes(HELLO.LEGACY_VERSION + HELLO.RANDOM, 'legacy_version and random');
  r.bytes(r.u8('legacy_session_id_echo length'), 'legacy_session_id_echo');
  const cipherSuite = r.u16('cipher_suite');
  r.u8('legacy_compression_method');
  if (r.failed) return { issue: `ServerHello ${r.failed}` };
  const info: ServerHelloInfo = { cipherSuite, cipherSuiteName: cipherSuiteName(cipherSuite), tlsVersion: null };
  if (r.at === r.end) return { value: info };
  const extensions = r.bytes(r.u16('extensions length'), 'extensions');
  if (r.failed) return { issue: `ServerHello ${r.failed}` };
  const issue = forEachExtension(extensions, false, (type, data) => {
    // RFC 8446 §4.2.1: in a ServerHello, supported_versions holds the one selected_version.
    if (type === TLS_EXTENSION.SUPPORTED_VERSIONS && data.length === 2) info.tlsVersion = (data[0] << 8) | data[1];
  });
  return issue ? { issue: `ServerHello ${issue}` } : { value: info };
}

/**
 * Transport parameters (RFC 9000 §18): a sequence of (id varint, length varint, value). Known ids
 * get their RFC names; unknown and GREASE ids (31 * N + 27, §18.1) are skipped.
 */
export function parseTransportParameters(b: Uint8Array): TransportParameters {
  const out: TransportParameters = {};
  const v: VarintRead = { value: 0, next: 0 };
  let at = 0;
  for (let n = 0; n < MAX_TRANSPORT_PARAMETERS && at < b.length; n++) {
    if (readVarint(b, at, v).next < 0) break;
    const id = v.value;
    if (readVarint(b, v.next, v).next < 0) break;
    const start = v.next;
    const end = start + v.value;
    if (end > b.length) break;
    at = end;
    const known = TRANSPORT_PARAMETERS[id];
    if (!known) continue;
    const value = b.subarray(start, end);
    out[known.name] = transportParameterValue(value, known.kind, v);
  }
  return out;
}

function transportParameterValue(value: Uint8Array, kind: 'int' | 'cid' | 'bytes' | 'flag' | 'versions', v: VarintRead): string | number {
  if (kind === 'flag') return 1;
  if (kind === 'int') {
    // An integer parameter is one varint filling the value exactly; anything else is shown as hex.
    if (readVarint(value, 0, v).next !== value.length) return hexOf(value);
    if (v.value <= Number.MAX_SAFE_INTEGER) return v.value;
    // Above 2^53 a number would round: give the exact value as decimal text.
    let exact = BigInt(value[0] & 0x3f);
    for (let i = 1; i < value.length; i++) exact = (exact << 8n) | BigInt(value[i]);
    return exact.toString();
  }
  if (kind === 'versions') {
    // RFC 9368 §3: Chosen Version (32), Available Versions (32) ...
    const versions: string[] = [];
    for (let i = 0; i + 4 <= value.length && versions.length < MAX_LIST_ENTRIES; i += 4) {
      versions.push(versionName(((value[i] << 24) | (value[i + 1] << 16) | (value[i + 2] << 8) | value[i + 3]) >>> 0));
    }
    if (versions.length === 0) return hexOf(value);
    return `chosen ${versions[0]}; available ${versions.slice(1).join(', ')}`;
  }
  return hexOf(value);
}

/** Lowercase hex of a byte string (how reports print CIDs). */
export function hexOf(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Checks the handshake header; returns the message end (clamped to the bytes given for a prefix) or an issue. */
function checkHeader(message: Uint8Array, type: number, name: string, prefix = false): number | string {
  if (message.length < TLS_HANDSHAKE.HEADER_LENGTH) return `${name}: needs ${TLS_HANDSHAKE.HEADER_LENGTH} header bytes, has ${message.length}`;
  if (message[0] !== type) return `${name}: handshake type is ${message[0]}, not ${type}`;
  const end = handshakeMessageLength(message) ?? 0;
  if (prefix) return Math.min(end, message.length);
  if (end > message.length) return `${name}: claims ${end - TLS_HANDSHAKE.HEADER_LENGTH} bytes, has ${message.length - TLS_HANDSHAKE.HEADER_LENGTH}`;
  return end;
}

/**
 * Calls `visit` for each extension (type uint16, data<0..2^16-1>); returns an issue or null. With
 * `cut`, the list may end inside an extension: reading stops there without an issue.
 */
function forEachExtension(b: Uint8Array, cut: boolean, visit: (type: number, data: Uint8Array) => void): string | null {
  let at = 0;
  for (let n = 0; at < b.length; n++) {
    if (n >= MAX_EXTENSIONS) return `more than ${MAX_EXTENSIONS} extensions`;
    if (at + 4 > b.length) return cut ? null : `extension header at ${at} runs past the extensions`;
    const type = (b[at] << 8) | b[at + 1];
    const length = (b[at + 2] << 8) | b[at + 3];
    const end = at + 4 + length;
    if (end > b.length) return cut ? null : `extension ${type} of ${length} bytes runs past the extensions`;
    visit(type, b.subarray(at + 4, end));
    at = end;
  }
  return null;
}

/** RFC 6066 §3: ServerNameList { NameType name_type; opaque HostName<1..2^16-1> } ...; host_name is type 0. */
function parseServerName(data: Uint8Array): string | null {
  if (data.length < 2) return null;
  const end = Math.min(data.length, 2 + ((data[0] << 8) | data[1]));
  let at = 2;
  for (let n = 0; n < MAX_LIST_ENTRIES && at + 3 <= end; n++) {
    const nameType = data[at];
    const length = (data[at + 1] << 8) | data[at + 2];
    const nameEnd = at + 3 + length;
    if (nameEnd > end) return null;
    if (nameType === 0) return text.decode(data.subarray(at + 3, nameEnd));
    at = nameEnd;
  }
  return null;
}

/** RFC 7301 §3.1: ProtocolNameList { opaque ProtocolName<1..2^8-1> } with a uint16 total length. */
function parseAlpn(data: Uint8Array): string[] {
  const out: string[] = [];
  if (data.length < 2) return out;
  const end = Math.min(data.length, 2 + ((data[0] << 8) | data[1]));
  let at = 2;
  while (at < end && out.length < MAX_LIST_ENTRIES) {
    const length = data[at];
    const nameEnd = at + 1 + length;
    if (length === 0 || nameEnd > end) break;
    out.push(text.decode(data.subarray(at + 1, nameEnd)));
    at = nameEnd;
  }
  return out;
}

/** RFC 8446 §4.2.1 (ClientHello form): ProtocolVersion versions<2..254> with a one-byte length. */
function parseVersionList(data: Uint8Array): number[] {
  const out: number[] = [];
  if (data.length < 1) return out;
  const end = Math.min(data.length, 1 + data[0]);
  for (let at = 1; at + 2 <= end && out.length < MAX_LIST_ENTRIES; at += 2) out.push((data[at] << 8) | data[at + 1]);
  return out;
}
