/**
 * Everything statecap believes about one QUIC connection (STYLE practice 1: state lives in track/,
 * the bytes are read in header.ts, protection.ts, frames.ts and client-hello.ts). The tracker is
 * the only writer; `toReport` renders the schema's QuicConnectionReport.
 */
import type { QuicConnectionReport } from '../../model/quic.js';
import { endpointString } from '../../flow/endpoint.js';
import { cidBytes, cidEquals, cidOf, cidText, type Cid, type CidSide } from './cid.js';
import type { CryptoStream } from './crypto-stream.js';
import { versionName } from './header.js';
import { initialPacketKeys, type PacketKeys } from './initial-keys.js';
import type { ConnectionClose } from './frames.js';
import type { TransportParameters } from './client-hello.js';
import { ExchangeCounter } from '../../state/evidence.js';

export interface Endpoint {
  address: string;
  port: number;
}

export interface PathRecord {
  /** conversationKey of the 4-tuple. */
  key: string;
  client: Endpoint;
  server: Endpoint;
  firstPacket: number;
}

export interface CloseRecord extends ConnectionClose {
  by: CidSide;
  packet: number;
  time: number;
}

/** Bound on CIDs remembered per side of one connection (each long header can name a new one). */
const MAX_CIDS_PER_SIDE = 64;
/** Bound on paths recorded per connection; later path changes are counted, not listed. */
export const MAX_PATHS = 32;

/** Transport error codes by name (RFC 9000 §20.1), for the `ended` text. */
const TRANSPORT_ERRORS: Record<number, string> = {
  0x00: 'NO_ERROR', 0x01: 'INTERNAL_ERROR', 0x02: 'CONNECTION_REFUSED', 0x03: 'FLOW_CONTROL_ERROR',
  0x04: 'STREAM_LIMIT_ERROR', 0x05: 'STREAM_STATE_ERROR', 0x06: 'FINAL_SIZE_ERROR', 0x07: 'FRAME_ENCODING_ERROR',
  0x08: 'TRANSPORT_PARAMETER_ERROR', 0x09: 'CONNECTION_ID_LIMIT_ERROR', 0x0a: 'PROTOCOL_VIOLATION',
  0x0b: 'INVALID_TOKEN', 0x0c: 'APPLICATION_ERROR', 0x0d: 'CRYPTO_BUFFER_EXCEEDED', 0x0e: 'KEY_UPDATE_ERROR',
  0x0f: 'AEAD_LIMIT_REACHED', 0x10: 'NO_VIABLE_PATH', 0x11: 'VERSION_NEGOTIATION_ERROR',
};

/**
 * `list` with `item` at its end. A first item makes an array of exactly one element: V8's push
 * onto an empty array reserves 17 slots, and most connections of a flood never get a second CID,
 * version or path.
 */
function appended<T>(list: T[], item: T): T[] {
  if (list.length === 0) return [item];
  list.push(item);
  return list;
}

interface KeyEntry {
  version: number;
  client: PacketKeys | null | undefined;
  server: PacketKeys | null | undefined;
}

/**
 * What the connection shows of one side: one object per side instead of a record per counter (a
 * flood creates a connection per packet, and each object of it is copied by every scavenge it survives).
 */
export class QuicSide {
  /** Every non-empty CID seen for this side, in order of first appearance. */
  cids: Cid[] = [];
  /** The side used a zero-length CID (RFC 9000 §5.1): its packets are matched by 4-tuple. */
  emptyCid = false;
  datagrams = 0;
  packets = 0;
  bytes = 0;
  /** Largest Initial packet number (RFC 9000 §A.3 needs it to rebuild packet numbers). */
  largestInitialPn = -1;
  /**
   * CRYPTO stream of the Initial level: undefined until a CRYPTO frame comes (most Initials of a
   * flood never decrypt, and each stream costs memory), null once the hello in it is read or given up.
   */
  crypto: CryptoStream | null | undefined = undefined;
  /** CIDs the side's ledger entry currently stands for. */
  heldCids = 0;
  /** Packet types seen from this side (Retry and Version Negotiation only ever from the server). */
  sentInitial = false;
  sentHandshake = false;
  sentZeroRtt = false;
  sentShort = false;
  sentRetry = false;
  sentVersionNegotiation = false;
}

export class QuicConnection {
  /** Versions in order of first appearance (Version Negotiation's 0 excluded). */
  versions: number[] = [];
  /** The version of the server's latest Initial or Handshake: the one it chose (RFC 9368). */
  chosenVersion: number | null = null;
  readonly clientInitialDcid: Cid;
  clientScid: Cid | null = null;
  serverScid: Cid | null = null;
  retryScid: Cid | null = null;
  /** What each side showed: CIDs, counters, CRYPTO stream, packet types. */
  readonly by: Record<CidSide, QuicSide> = { client: new QuicSide(), server: new QuicSide() };
  /** The DCID Initial keys derive from: the client's first, or a Retry's SCID (RFC 9001 §5.2). */
  keyCid: Cid;
  /**
   * Initial keys derived so far, per version and side (undefined: not yet; null: unknown version):
   * the first version's inline, others in `otherKeys`. Each side's are derived when first needed:
   * a client Initial nobody answers never pays for the server's (RFC 9001 §5.2 derives them
   * independently from the same initial_secret).
   */
  private keyVersion = -1;
  private clientKeys: PacketKeys | null | undefined = undefined;
  private serverKeys: PacketKeys | null | undefined = undefined;
  private otherKeys: KeyEntry[] | null = null;

  serverName: string | null = null;
  /** Null until a ClientHello shows its ALPN list (the report prints none as []). */
  alpn: string[] | null = null;
  cipherSuite: string | null = null;
  transportParameters: TransportParameters | null = null;

  paths: PathRecord[] = [];
  pathChangesNotListed = 0;
  lastPacket: number;
  end: number;
  datagrams = 0;
  /** Server's last Version Negotiation (packet and offered versions) while no later server packet came. */
  versionNegotiation: { packet: number; versions: number[] } | null = null;
  close: CloseRecord | null = null;
  /** The ledger was told the server holds this connection. */
  serverHolds = false;
  /** Turns of datagrams (client after server opens one), and the first server datagram (roles from evidence). */
  readonly exchanges = new ExchangeCounter();
  answeredAt: number | null = null;
  /** An unattributed short header on its 4-tuple that may be a stateless reset (RFC 9000 §10.3), until its sender speaks again. */
  resetCandidate: { packet: number; time: number; fromServer: boolean } | null = null;
  /** The ledger was told what the connection showed (once). */
  evidenceTold = false;
  evicted: { packet: number } | null = null;
  /** Ended by its idle timeout (or the draining period after a close) on capture time. */
  idleEnded: { afterPacket: number; seconds: number } | null = null;
  /** Bumped whenever its idle deadline is set again (older timers are stale). */
  timerGen = 0;
  /** Neighbours in the tracker's least-recently-active order (lru.ts). */
  lruPrev: QuicConnection | null = null;
  lruNext: QuicConnection | null = null;

  constructor(
    readonly id: number,
    readonly client: Endpoint,
    readonly server: Endpoint,
    originalDcid: Uint8Array,
    readonly firstPacket: number,
    readonly start: number,
  ) {
    this.clientInitialDcid = cidOf(originalDcid);
    this.keyCid = this.clientInitialDcid;
    this.lastPacket = firstPacket;
    this.end = start;
  }

  /** `side`'s Initial keys for `version`, derived once from `keyCid`; null for unknown versions. */
  keysFor(version: number, side: CidSide): PacketKeys | null {
    let keys = this.storedKeys(version, side);
    if (keys === undefined) {
      keys = initialPacketKeys(cidBytes(this.keyCid), version, side);
      this.seedKeys(version, side, keys);
    }
    return keys;
  }

  /** A Retry changes the DCID the Initial keys derive from (RFC 9001 §5.2, RFC 9000 §17.2.5.2). */
  rekey(cid: Uint8Array): void {
    // Packet numbers continue across a Retry (RFC 9000 §17.2.5.3); only the keys change.
    this.keyCid = cidOf(cid);
    this.dropKeys();
  }

  /** Keys already derived for `version` and `side` from `keyCid` (the tracker derives the client's to recognise a client Initial). */
  seedKeys(version: number, side: CidSide, keys: PacketKeys | null): void {
    if (this.keyVersion === -1) this.keyVersion = version;
    if (version === this.keyVersion) {
      if (side === 'client') this.clientKeys = keys;
      else this.serverKeys = keys;
      return;
    }
    this.otherKeyEntry(version)[side] = keys;
  }

  /** Forgets derived keys (an evicted connection is never matched again). */
  dropKeys(): void {
    this.keyVersion = -1;
    this.clientKeys = undefined;
    this.serverKeys = undefined;
    this.otherKeys = null;
  }

  private storedKeys(version: number, side: CidSide): PacketKeys | null | undefined {
    if (version === this.keyVersion) return side === 'client' ? this.clientKeys : this.serverKeys;
    if (this.otherKeys === null) return undefined;
    for (const e of this.otherKeys) if (e.version === version) return e[side];
    return undefined;
  }

  private otherKeyEntry(version: number): KeyEntry {
    if (this.otherKeys === null) this.otherKeys = [];
    for (const e of this.otherKeys) if (e.version === version) return e;
    const entry: KeyEntry = { version, client: undefined, server: undefined };
    this.otherKeys.push(entry);
    return entry;
  }

  findCid(side: CidSide, view: Uint8Array): Cid | undefined {
    const list = this.by[side].cids;
    for (const cid of list) if (cidEquals(cid, view)) return cid;
    return undefined;
  }

  /** Remembers a CID for `side`; returns it when it is new (null when known, empty, or over the bound). */
  learnCid(side: CidSide, view: Uint8Array): Cid | null {
    const by = this.by[side];
    if (view.length === 0) {
      by.emptyCid = true;
      return null;
    }
    if (this.findCid(side, view) || by.cids.length >= MAX_CIDS_PER_SIDE) return null;
    // The original DCID is learned for the server side at once: one string serves both.
    const cid = side === 'server' && cidEquals(this.clientInitialDcid, view) ? this.clientInitialDcid : cidOf(view);
    by.cids = appended(by.cids, cid);
    return cid;
  }

  addVersion(version: number): void {
    if (!this.versions.includes(version)) this.versions = appended(this.versions, version);
  }

  addPath(record: PathRecord): void {
    this.paths = appended(this.paths, record);
  }

  /** The path record for a 4-tuple key, if the connection used it. */
  path(key: string): PathRecord | undefined {
    for (const p of this.paths) if (p.key === key) return p;
    return undefined;
  }

  handshakeState(): 'complete' | 'partial' | 'initial-only' {
    // Complete: the server's Handshake packets and the client's 1-RTT (short header) packets were seen.
    const { client, server } = this.by;
    if (server.sentHandshake && client.sentShort) return 'complete';
    if (server.sentHandshake || client.sentHandshake || client.sentShort || server.sentShort) return 'partial';
    return 'initial-only';
  }

  /** How the connection ended, when the capture shows it. */
  ended(): string {
    if (this.close) {
      const c = this.close;
      const code = c.application
        ? `application error 0x${c.errorCode.toString(16)}`
        : `${TRANSPORT_ERRORS[c.errorCode] ?? (c.errorCode >= 0x100 && c.errorCode <= 0x1ff ? `CRYPTO_ERROR (TLS alert ${c.errorCode - 0x100})` : `transport error 0x${c.errorCode.toString(16)}`)}`;
      const reason = c.reason ? `: "${c.reason}"` : '';
      return `CONNECTION_CLOSE from the ${c.by} in an Initial packet (${code}${reason}) at packet ${c.packet}`;
    }
    if (this.versionNegotiation) {
      const offered = this.versionNegotiation.versions.map(versionName).join(', ');
      return `Version Negotiation at packet ${this.versionNegotiation.packet} (server offers ${offered || 'nothing'}); the client did not continue`;
    }
    if (this.evicted) return `no longer tracked after packet ${this.evicted.packet} (connection table full)`;
    if (this.idleEnded) return `idle timeout: silent for ${this.idleEnded.seconds} s after packet ${this.idleEnded.afterPacket}`;
    return 'idle until end of capture';
  }

  toReport(): QuicConnectionReport {
    return {
      id: this.id,
      client: endpointString(this.client.address, this.client.port),
      server: endpointString(this.server.address, this.server.port),
      version: this.chosenVersion !== null ? versionName(this.chosenVersion)
        : this.versions.length > 0 ? versionName(this.versions[this.versions.length - 1]) : null,
      versions: this.versions.map(versionName),
      clientInitialDcid: cidText(this.clientInitialDcid),
      clientScid: this.clientScid === null ? null : cidText(this.clientScid),
      serverScid: this.serverScid === null ? null : cidText(this.serverScid),
      retryScid: this.retryScid === null ? null : cidText(this.retryScid),
      cids: { client: this.by.client.cids.map(cidText), server: this.by.server.cids.map(cidText) },
      firstPacket: this.firstPacket,
      lastPacket: this.lastPacket,
      datagrams: this.datagrams,
      datagramsByDirection: { client: this.by.client.datagrams, server: this.by.server.datagrams },
      packets: { client: this.by.client.packets, server: this.by.server.packets },
      bytes: { client: this.by.client.bytes, server: this.by.server.bytes },
      start: this.start,
      end: this.end,
      handshake: this.handshakeState(),
      serverName: this.serverName,
      alpn: this.alpn ?? [],
      cipherSuite: this.cipherSuite,
      transportParameters: this.transportParameters,
      paths: this.paths.map((p) => ({
        client: endpointString(p.client.address, p.client.port),
        server: endpointString(p.server.address, p.server.port),
        firstPacket: p.firstPacket,
      })),
      ended: this.ended(),
    };
  }
}
