/**
 * Everything statecap believes about one QUIC connection (STYLE practice 1: state lives in track/,
 * the bytes are read in header.ts, protection.ts, frames.ts and client-hello.ts). The tracker is
 * the only writer; `toReport` renders the schema's QuicConnectionReport.
 */
import type { QuicConnectionReport } from '../../model/quic.js';
import { endpointString } from '../../flow/endpoint.js';
import { cidBytes, cidEquals, cidOf, cidText, type Cid, type CidSide } from './cid.js';
import type { CryptoStream } from './crypto-stream.js';
import { isKnownVersion, versionName } from './header.js';
import { initialPacketKeys, type PacketKeys } from './initial-keys.js';
import type { ConnectionClose } from './frames.js';
import type { TransportParameters } from './client-hello.js';
import { ExchangeCounter, singleExchange, type Exchanges } from '../../state/evidence.js';

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

/** One version's Initial keys per side (undefined: not derived yet; null: a version without known keys). */
interface KeyEntry {
  version: number;
  client: PacketKeys | null | undefined;
  server: PacketKeys | null | undefined;
  next: KeyEntry | null;
}

/**
 * What most connections of a flood never show: a server's answer, a Retry, a second path, a close,
 * the hellos. Made when the first of them is set; one field in the connection instead of a dozen
 * (a flood makes a connection per packet, and every field of it is copied by each scavenge it survives).
 */
class RareFacts {
  chosenVersion: number | null = null;
  serverScid: Cid | null = null;
  retryScid: Cid | null = null;
  /** The Retry's SCID the Initial keys derive from after a Retry; null: the client's first DCID. */
  retryKeyCid: Cid | null = null;
  serverName: string | null = null;
  alpn: string[] | null = null;
  cipherSuite: string | null = null;
  transportParameters: TransportParameters | null = null;
  laterPaths: PathRecord[] | null = null;
  pathChangesNotListed = 0;
  versionNegotiation: VersionNegotiationRecord | null = null;
  close: CloseRecord | null = null;
  answeredAt: number | null = null;
  resetCandidate: ResetCandidate | null = null;
  idleEnded: IdleEnd | null = null;
}

export interface VersionNegotiationRecord {
  packet: number;
  versions: number[];
}

export interface ResetCandidate {
  packet: number;
  time: number;
  fromServer: boolean;
}

export interface IdleEnd {
  afterPacket: number;
  seconds: number;
}

const NO_VERSIONS: readonly number[] = [];
/**
 * One shared list per known version for connections that saw only it (RFC 9000 §15: v1, v2 and
 * the drafts, a bounded set): most connections never see a second version.
 */
const LONE_VERSION = new Map<number, readonly number[]>();
function loneVersion(version: number): readonly number[] {
  if (!isKnownVersion(version)) return [version];
  let list = LONE_VERSION.get(version);
  if (list === undefined) {
    list = Object.freeze([version]);
    LONE_VERSION.set(version, list);
  }
  return list;
}

/**
 * What a side showed, as bits of QuicSide's facts. EMPTY_CID: it used a zero-length CID (RFC 9000
 * §5.1), so its packets are matched by 4-tuple. The others: the packet types it sent (Retry and
 * Version Negotiation only ever come from the server).
 */
export const SIDE_FACT = {
  EMPTY_CID: 1, SENT_INITIAL: 2, SENT_HANDSHAKE: 4, SENT_ZERO_RTT: 8, SENT_SHORT: 16, SENT_RETRY: 32, SENT_VERSION_NEGOTIATION: 64,
} as const;

/**
 * What the connection shows of one side: one object per side instead of a record per counter (a
 * flood creates a connection per packet, and each object of it is copied by every scavenge it
 * survives). Its seven yes/no facts are bits of one small integer (SIDE_FACT): one field instead
 * of seven in each of a flood's connections.
 */
export class QuicSide {
  /**
   * Every non-empty CID seen for this side, in order of first appearance: the first in a field of
   * its own, the others in an array made at the second (most sides of a flood have one CID).
   */
  private firstCid: Cid | null = null;
  private laterCids: Cid[] | null = null;
  private facts = 0;
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

  /** Whether the side showed `fact` (a SIDE_FACT bit). */
  has(fact: number): boolean {
    return (this.facts & fact) !== 0;
  }

  /** Records that the side showed `fact` (facts are never unlearned). */
  note(fact: number): void {
    this.facts |= fact;
  }

  get cidCount(): number {
    return this.firstCid === null ? 0 : this.laterCids === null ? 1 : 1 + this.laterCids.length;
  }

  /** The `i`th CID, 0 <= i < cidCount. */
  cidAt(i: number): Cid {
    return i === 0 ? (this.firstCid as Cid) : (this.laterCids as Cid[])[i - 1];
  }

  addCid(cid: Cid): void {
    if (this.firstCid === null) this.firstCid = cid;
    else if (this.laterCids === null) this.laterCids = [cid];
    else this.laterCids.push(cid);
  }

  /** The CIDs as a new array, in order of first appearance. */
  cidList(): Cid[] {
    const list: Cid[] = [];
    for (let i = 0; i < this.cidCount; i++) list.push(this.cidAt(i));
    return list;
  }
}

export class QuicConnection {
  /** Versions in order of first appearance (Version Negotiation's 0 excluded); a lone known version's list is shared (see addVersion). */
  versions: readonly number[] = NO_VERSIONS;
  readonly clientInitialDcid: Cid;
  clientScid: Cid | null = null;
  /** What each side showed: CIDs, counters, CRYPTO stream, packet types (no record of the two: one object fewer per connection). */
  readonly clientSide = new QuicSide();
  readonly serverSide = new QuicSide();
  /**
   * Initial keys derived so far, one entry per version (undefined: not yet; null: unknown
   * version), made when the first are kept. Each side's are derived when first needed: a client
   * Initial nobody answers never pays for the server's (RFC 9001 §5.2 derives them independently
   * from the same initial_secret).
   */
  private keys: KeyEntry | null = null;
  /** What few connections of a flood show (see RareFacts), made when the first of it is set. */
  private rare: RareFacts | null = null;

  /** The first path is the connection's own client and server on `firstPathKey`; later ones are listed in `rare`. */
  private readonly firstPathKey: string;
  private readonly firstPathPacket: number;
  /** The client end of the first path: two fields rather than an object of its own. */
  readonly clientAddress: string;
  readonly clientPort: number;
  lastPacket: number;
  /**
   * The time of the last datagram when it differs from `start`, else null: a number field would
   * hold a boxed double of its own in every connection, and a flood's connections end where they start.
   */
  private laterEnd: number | null = null;
  datagrams = 0;
  /** The ledger was told the server holds this connection. */
  serverHolds = false;
  /**
   * Turns of datagrams (client after server opens one), made at the second datagram: a connection
   * of one client datagram (a flood's) sums up as a single exchange at `soleDatagram`.
   */
  private exchanges: ExchangeCounter | null = null;
  private soleDatagram = -1;
  /** The ledger was told what the connection showed (once). */
  evidenceTold = false;
  /** The packet at which the full table evicted it, else -1. */
  evictedAt = -1;
  /** Bumped whenever its idle deadline is set again (older timers are stale). */
  timerGen = 0;
  /** Neighbours in the tracker's least-recently-active order (lru.ts). */
  lruPrev: QuicConnection | null = null;
  lruNext: QuicConnection | null = null;

  constructor(
    readonly id: number,
    client: Endpoint,
    readonly server: Endpoint,
    originalDcid: Uint8Array,
    readonly firstPacket: number,
    readonly start: number,
    /** The 4-tuple key of the first path, and the packet that opened it. */
    firstPath: { key: string; firstPacket: number },
  ) {
    this.clientInitialDcid = cidOf(originalDcid);
    this.clientAddress = client.address;
    this.clientPort = client.port;
    this.lastPacket = firstPacket;
    this.firstPathKey = firstPath.key;
    this.firstPathPacket = firstPath.firstPacket;
  }

  side(side: CidSide): QuicSide {
    return side === 'client' ? this.clientSide : this.serverSide;
  }

  get evicted(): boolean {
    return this.evictedAt >= 0;
  }

  /** The time of the last datagram. */
  get end(): number {
    return this.laterEnd === null ? this.start : this.laterEnd;
  }
  set end(time: number) {
    if (time !== this.start || this.laterEnd !== null) this.laterEnd = time;
  }

  private rareFacts(): RareFacts {
    if (this.rare === null) this.rare = new RareFacts();
    return this.rare;
  }

  /** Sets a rare fact; setting one to its `absent` value makes no RareFacts. */
  private setRare<K extends keyof RareFacts>(key: K, value: RareFacts[K], absent: RareFacts[K]): void {
    if (value !== absent || this.rare !== null) this.rareFacts()[key] = value;
  }

  /** The version of the server's latest Initial or Handshake: the one it chose (RFC 9368). */
  get chosenVersion(): number | null { return this.rare === null ? null : this.rare.chosenVersion; }
  set chosenVersion(version: number | null) { this.setRare('chosenVersion', version, null); }

  get serverScid(): Cid | null { return this.rare === null ? null : this.rare.serverScid; }
  set serverScid(cid: Cid | null) { this.setRare('serverScid', cid, null); }

  get retryScid(): Cid | null { return this.rare === null ? null : this.rare.retryScid; }
  set retryScid(cid: Cid | null) { this.setRare('retryScid', cid, null); }

  /** The DCID Initial keys derive from: the client's first, or a Retry's SCID (RFC 9001 §5.2). */
  get keyCid(): Cid {
    return this.rare === null || this.rare.retryKeyCid === null ? this.clientInitialDcid : this.rare.retryKeyCid;
  }

  get serverName(): string | null { return this.rare === null ? null : this.rare.serverName; }
  set serverName(name: string | null) { this.setRare('serverName', name, null); }

  /** Null until a ClientHello shows its ALPN list (the report prints none as []). */
  get alpn(): string[] | null { return this.rare === null ? null : this.rare.alpn; }
  set alpn(list: string[] | null) { this.setRare('alpn', list, null); }

  get cipherSuite(): string | null { return this.rare === null ? null : this.rare.cipherSuite; }
  set cipherSuite(name: string | null) { this.setRare('cipherSuite', name, null); }

  get transportParameters(): TransportParameters | null { return this.rare === null ? null : this.rare.transportParameters; }
  set transportParameters(params: TransportParameters | null) { this.setRare('transportParameters', params, null); }

  get pathChangesNotListed(): number { return this.rare === null ? 0 : this.rare.pathChangesNotListed; }
  set pathChangesNotListed(count: number) { this.setRare('pathChangesNotListed', count, 0); }

  /** Server's last Version Negotiation (packet and offered versions) while no later server packet came. */
  get versionNegotiation(): VersionNegotiationRecord | null { return this.rare === null ? null : this.rare.versionNegotiation; }
  set versionNegotiation(record: VersionNegotiationRecord | null) { this.setRare('versionNegotiation', record, null); }

  get close(): CloseRecord | null { return this.rare === null ? null : this.rare.close; }
  set close(record: CloseRecord | null) { this.setRare('close', record, null); }

  get answeredAt(): number | null { return this.rare === null ? null : this.rare.answeredAt; }
  set answeredAt(packet: number | null) { this.setRare('answeredAt', packet, null); }

  /** An unattributed short header on its 4-tuple that may be a stateless reset (RFC 9000 §10.3), until its sender speaks again. */
  get resetCandidate(): ResetCandidate | null { return this.rare === null ? null : this.rare.resetCandidate; }
  set resetCandidate(candidate: ResetCandidate | null) { this.setRare('resetCandidate', candidate, null); }

  /** Ended by its idle timeout (or the draining period after a close) on capture time. */
  get idleEnded(): IdleEnd | null { return this.rare === null ? null : this.rare.idleEnded; }
  set idleEnded(end: IdleEnd | null) { this.setRare('idleEnded', end, null); }

  /** One datagram of the connection, in capture order (ExchangeCounter.observe with payload). */
  observeDatagram(fromClient: boolean, packet: number, time: number): void {
    if (this.exchanges === null) {
      // The datagram that opened the connection comes first, from the client, at `start`.
      if (this.soleDatagram < 0 && fromClient && time === this.start) {
        this.soleDatagram = packet;
        return;
      }
      this.exchanges = new ExchangeCounter();
      if (this.soleDatagram >= 0) this.exchanges.observe(true, true, this.soleDatagram, this.start);
    }
    this.exchanges.observe(fromClient, true, packet, time);
  }

  exchangeSummary(): Exchanges {
    return this.exchanges !== null ? this.exchanges.summary() : singleExchange(this.soleDatagram < 0 ? null : this.soleDatagram);
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
    this.rareFacts().retryKeyCid = cidOf(cid);
    this.dropKeys();
  }

  /** Keys already derived for `version` and `side` from `keyCid` (the tracker derives the client's to recognise a client Initial). */
  seedKeys(version: number, side: CidSide, keys: PacketKeys | null): void {
    let entry = this.keys;
    while (entry !== null && entry.version !== version) entry = entry.next;
    if (entry === null) {
      entry = { version, client: undefined, server: undefined, next: null };
      // Appended: the first version's entry stays first.
      if (this.keys === null) this.keys = entry;
      else {
        let last = this.keys;
        while (last.next !== null) last = last.next;
        last.next = entry;
      }
    }
    entry[side] = keys;
  }

  /** Forgets derived keys (an evicted connection is never matched again). */
  dropKeys(): void {
    this.keys = null;
  }

  private storedKeys(version: number, side: CidSide): PacketKeys | null | undefined {
    for (let e = this.keys; e !== null; e = e.next) if (e.version === version) return e[side];
    return undefined;
  }

  findCid(side: CidSide, view: Uint8Array): Cid | undefined {
    const by = this.side(side);
    for (let i = 0; i < by.cidCount; i++) {
      const cid = by.cidAt(i);
      if (cidEquals(cid, view)) return cid;
    }
    return undefined;
  }

  /** Remembers a CID for `side`; returns it when it is new (null when known, empty, or over the bound). */
  learnCid(side: CidSide, view: Uint8Array): Cid | null {
    const by = this.side(side);
    if (view.length === 0) {
      by.note(SIDE_FACT.EMPTY_CID);
      return null;
    }
    if (this.findCid(side, view) || by.cidCount >= MAX_CIDS_PER_SIDE) return null;
    // The original DCID is learned for the server side at once: one string serves both.
    const cid = side === 'server' && cidEquals(this.clientInitialDcid, view) ? this.clientInitialDcid : cidOf(view);
    by.addCid(cid);
    return cid;
  }

  addVersion(version: number): void {
    const list = this.versions;
    if (list.includes(version)) return;
    // A shared lone-version list is never written to: a second version makes a list of the connection's own.
    this.versions = list.length === 0 ? loneVersion(version) : [...list, version];
  }

  /** A path after the first (the tracker bounds them by MAX_PATHS). */
  addPath(record: PathRecord): void {
    const rare = this.rareFacts();
    if (rare.laterPaths === null) rare.laterPaths = [record];
    else rare.laterPaths.push(record);
  }

  private get laterPaths(): PathRecord[] | null {
    return this.rare === null ? null : this.rare.laterPaths;
  }

  get pathCount(): number {
    return this.laterPaths === null ? 1 : 1 + this.laterPaths.length;
  }

  /** The 4-tuple keys of the paths, first path first. */
  pathKeys(): string[] {
    const keys = [this.firstPathKey];
    if (this.laterPaths !== null) for (const p of this.laterPaths) keys.push(p.key);
    return keys;
  }

  /** The server end of the path with this 4-tuple key, if the connection used it. */
  pathServer(key: string): Endpoint | undefined {
    if (key === this.firstPathKey) return this.server;
    if (this.laterPaths !== null) for (const p of this.laterPaths) if (p.key === key) return p.server;
    return undefined;
  }

  /** True when `address`:`port` is the server end of any of its paths. */
  isServerEndpoint(address: string, port: number): boolean {
    if (this.laterPaths !== null) for (const p of this.laterPaths) if (p.server.address === address && p.server.port === port) return true;
    return this.server.address === address && this.server.port === port;
  }

  handshakeState(): 'complete' | 'partial' | 'initial-only' {
    // Complete: the server's Handshake packets and the client's 1-RTT (short header) packets were seen.
    const client = this.clientSide;
    const server = this.serverSide;
    const serverHandshake = server.has(SIDE_FACT.SENT_HANDSHAKE);
    const clientShort = client.has(SIDE_FACT.SENT_SHORT);
    if (serverHandshake && clientShort) return 'complete';
    if (serverHandshake || client.has(SIDE_FACT.SENT_HANDSHAKE) || clientShort || server.has(SIDE_FACT.SENT_SHORT)) return 'partial';
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
    if (this.evictedAt >= 0) return `no longer tracked after packet ${this.evictedAt} (connection table full)`;
    if (this.idleEnded) return `idle timeout: silent for ${this.idleEnded.seconds} s after packet ${this.idleEnded.afterPacket}`;
    return 'idle until end of capture';
  }

  private pathReports(): QuicConnectionReport['paths'] {
    const first = { client: endpointString(this.clientAddress, this.clientPort), server: endpointString(this.server.address, this.server.port), firstPacket: this.firstPathPacket };
    if (this.laterPaths === null) return [first];
    return [first, ...this.laterPaths.map((p) => ({
      client: endpointString(p.client.address, p.client.port),
      server: endpointString(p.server.address, p.server.port),
      firstPacket: p.firstPacket,
    }))];
  }

  toReport(): QuicConnectionReport {
    return {
      id: this.id,
      client: endpointString(this.clientAddress, this.clientPort),
      server: endpointString(this.server.address, this.server.port),
      version: this.chosenVersion !== null ? versionName(this.chosenVersion)
        : this.versions.length > 0 ? versionName(this.versions[this.versions.length - 1]) : null,
      versions: this.versions.map(versionName),
      clientInitialDcid: cidText(this.clientInitialDcid),
      clientScid: this.clientScid === null ? null : cidText(this.clientScid),
      serverScid: this.serverScid === null ? null : cidText(this.serverScid),
      retryScid: this.retryScid === null ? null : cidText(this.retryScid),
      cids: { client: this.clientSide.cidList().map(cidText), server: this.serverSide.cidList().map(cidText) },
      firstPacket: this.firstPacket,
      lastPacket: this.lastPacket,
      datagrams: this.datagrams,
      datagramsByDirection: { client: this.clientSide.datagrams, server: this.serverSide.datagrams },
      packets: { client: this.clientSide.packets, server: this.serverSide.packets },
      bytes: { client: this.clientSide.bytes, server: this.serverSide.bytes },
      start: this.start,
      end: this.end,
      handshake: this.handshakeState(),
      serverName: this.serverName,
      alpn: this.alpn ?? [],
      cipherSuite: this.cipherSuite,
      transportParameters: this.transportParameters,
      paths: this.pathReports(),
      ended: this.ended(),
    };
  }
}
