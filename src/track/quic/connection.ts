/**
 * Everything statecap believes about one QUIC connection (STYLE practice 1: state lives in track/,
 * the bytes are read in header.ts, protection.ts, frames.ts and client-hello.ts). The tracker is
 * the only writer; `toReport` renders the schema's QuicConnectionReport.
 */
import type { QuicConnectionReport } from '../../model/quic.js';
import { endpointString } from '../../flow/endpoint.js';
import { makeCid, type Cid, type CidSide } from './cid.js';
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

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

interface KeyEntry {
  version: number;
  client: PacketKeys | null | undefined;
  server: PacketKeys | null | undefined;
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
  /** Every non-empty CID seen for each side, in order of first appearance. */
  readonly cids: Record<CidSide, Cid[]> = { client: [], server: [] };
  /** The side used a zero-length CID (RFC 9000 §5.1): its packets are matched by 4-tuple. */
  readonly emptyCid: Record<CidSide, boolean> = { client: false, server: false };
  /** The DCID Initial keys derive from: the client's first, or a Retry's SCID (RFC 9001 §5.2). */
  keyCid: Uint8Array;
  /**
   * Initial keys derived so far, per version and side (undefined: not yet; null: unknown version).
   * Each side's are derived when first needed: a client Initial nobody answers never pays for the
   * server's (RFC 9001 §5.2 derives them independently from the same initial_secret).
   */
  private keys: KeyEntry[] | null = null;
  /** Largest Initial packet number per direction (RFC 9000 §A.3 needs it to rebuild packet numbers). */
  readonly largestInitialPn: Record<CidSide, number> = { client: -1, server: -1 };
  /**
   * CRYPTO streams of the Initial level: undefined until a CRYPTO frame comes (most Initials of a
   * flood never decrypt, and each stream costs memory), null once the hello in it is read or given up.
   */
  readonly crypto: Record<CidSide, CryptoStream | null | undefined> = { client: undefined, server: undefined };

  serverName: string | null = null;
  alpn: string[] = [];
  cipherSuite: string | null = null;
  transportParameters: TransportParameters | null = null;

  paths: PathRecord[] = [];
  pathChangesNotListed = 0;
  lastPacket: number;
  end: number;
  datagrams = 0;
  readonly datagramsBy: Record<CidSide, number> = { client: 0, server: 0 };
  readonly packets: Record<CidSide, number> = { client: 0, server: 0 };
  readonly bytes: Record<CidSide, number> = { client: 0, server: 0 };

  /** Long-header packet types seen, per sender. */
  readonly seen = {
    client: { initial: false, handshake: false, zeroRtt: false, short: false },
    server: { initial: false, handshake: false, retry: false, versionNegotiation: false, short: false },
  };
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
  /** CIDs each side's ledger entry currently stands for. */
  readonly heldCids: Record<CidSide, number> = { client: 0, server: 0 };
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
    this.clientInitialDcid = makeCid(originalDcid);
    this.keyCid = this.clientInitialDcid.bytes;
    this.lastPacket = firstPacket;
    this.end = start;
  }

  /** `side`'s Initial keys for `version`, derived once from `keyCid`; null for unknown versions. */
  keysFor(version: number, side: CidSide): PacketKeys | null {
    const entry = this.keyEntry(version);
    let keys = entry[side];
    if (keys === undefined) {
      keys = initialPacketKeys(this.keyCid, version, side);
      entry[side] = keys;
    }
    return keys;
  }

  /** A Retry changes the DCID the Initial keys derive from (RFC 9001 §5.2, RFC 9000 §17.2.5.2). */
  rekey(cid: Uint8Array): void {
    // Packet numbers continue across a Retry (RFC 9000 §17.2.5.3); only the keys change.
    this.keyCid = Uint8Array.from(cid);
    this.keys = null;
  }

  /** Keys already derived for `version` and `side` from `keyCid` (the tracker derives the client's to recognise a client Initial). */
  seedKeys(version: number, side: CidSide, keys: PacketKeys): void {
    this.keyEntry(version)[side] = keys;
  }

  /** Forgets derived keys (an evicted connection is never matched again). */
  dropKeys(): void {
    this.keys = null;
  }

  private keyEntry(version: number): KeyEntry {
    if (this.keys === null) this.keys = [];
    for (const e of this.keys) if (e.version === version) return e;
    const entry: KeyEntry = { version, client: undefined, server: undefined };
    this.keys.push(entry);
    return entry;
  }

  findCid(side: CidSide, view: Uint8Array): Cid | undefined {
    const list = this.cids[side];
    outer: for (const cid of list) {
      if (cid.bytes.length !== view.length) continue;
      for (let i = 0; i < view.length; i++) if (cid.bytes[i] !== view[i]) continue outer;
      return cid;
    }
    return undefined;
  }

  /** Remembers a CID for `side`; returns it when it is new (null when known, empty, or over the bound). */
  learnCid(side: CidSide, view: Uint8Array): Cid | null {
    if (view.length === 0) {
      this.emptyCid[side] = true;
      return null;
    }
    if (this.findCid(side, view) || this.cids[side].length >= MAX_CIDS_PER_SIDE) return null;
    // The original DCID is learned for the server side at once: one Cid object serves both.
    const cid = side === 'server' && sameBytes(this.clientInitialDcid.bytes, view) ? this.clientInitialDcid : makeCid(view);
    this.cids[side] = appended(this.cids[side], cid);
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
    if (this.seen.server.handshake && this.seen.client.short) return 'complete';
    if (this.seen.server.handshake || this.seen.client.handshake || this.seen.client.short || this.seen.server.short) return 'partial';
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
      clientInitialDcid: this.clientInitialDcid.hex,
      clientScid: this.clientScid?.hex ?? null,
      serverScid: this.serverScid?.hex ?? null,
      retryScid: this.retryScid?.hex ?? null,
      cids: { client: this.cids.client.map((c) => c.hex), server: this.cids.server.map((c) => c.hex) },
      firstPacket: this.firstPacket,
      lastPacket: this.lastPacket,
      datagrams: this.datagrams,
      datagramsByDirection: { client: this.datagramsBy.client, server: this.datagramsBy.server },
      packets: { client: this.packets.client, server: this.packets.server },
      bytes: { client: this.bytes.client, server: this.bytes.server },
      start: this.start,
      end: this.end,
      handshake: this.handshakeState(),
      serverName: this.serverName,
      alpn: this.alpn,
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
