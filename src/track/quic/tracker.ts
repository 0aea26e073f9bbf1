/**
 * Groups UDP datagrams into QUIC connections by connection ID, the way a QUIC endpoint or a
 * CID-routing load balancer sees them (RFC 9000 §5.2), and reads what the Initial packets reveal.
 *
 * - A connection is created by a client Initial whose DCID names no known connection. Every
 *   later packet is attributed by its DCID: long headers exactly, short headers by the longest
 *   known CID that is a prefix of their DCID, first on their own 4-tuple, then on any (a new
 *   4-tuple is a path change, RFC 9000 §9). Zero-length CIDs are matched by 4-tuple (§5.2).
 * - A Retry (RFC 9000 §17.2.5) and a compatible version negotiation (RFC 9368: a v1 Initial
 *   answered in v2) keep the connection: the client's next Initials carry a DCID learned from the
 *   server, which is already mapped to it.
 * - Initial packets are decrypted (RFC 9001 §5) to read the ClientHello and ServerHello.
 * - The state ledger hears, per connection: the client holds it from its first Initial, the
 *   server from its first Initial or Handshake (Retry and Version Negotiation are sent
 *   statelessly, RFC 9000 §8.1.2 and §6), each with the CIDs it must map; a CONNECTION_CLOSE the
 *   capture can read releases both.
 *
 * Contract: `observeUdp` never throws on packet data; after `finish` the tracker may still be fed
 * (finish renders the current state and changes nothing).
 */
import { bytesAt, sameBytes } from '../../decode/bytes.js';
import type { DecodedPacket, IpLayer, UdpDatagram } from '../../decode/packet.js';
import type { QuicReport } from '../../model/quic.js';
import { NO_STATE, type EndpointRef, type StateSink } from '../../state/events.js';
import { endpointString } from '../../flow/endpoint.js';
import { CidRegistry, cidOf, isPrefixAt, type Cid, type CidSide } from './cid.js';
import { TLS_HANDSHAKE, handshakeMessageLength, parseClientHello, parseServerHello } from './client-hello.js';
import { MAX_PATHS, QuicConnection, SIDE_FACT, type Endpoint } from './connection.js';
import { CryptoStream } from './crypto-stream.js';
import { parseInitialFrames } from './frames.js';
import { QUIC_HEADER, isReservedVersion, parseLongHeader, type LongHeader } from './header.js';
import { initialPacketKeys, type PacketKeys } from './initial-keys.js';
import { VersionAttempts, type VersionAttempt } from './attempts.js';
import { openPacket, type OpenResult } from './protection.js';
import { LruList } from '../lru-list.js';
import { TimerHeap } from '../timer-heap.js';
import { PathKeys, PathTable } from './path.js';

export interface QuicTrackerOptions {
  state?: StateSink;
  /** Live connections kept for matching (default 100 000); the least recently active is evicted and counted. */
  maxConnections?: number;
  /** Estimated bytes the live connections may take (--max-state-mb); absent: no budget. */
  maxStateBytes?: number;
  /** Connections listed in the report (the first ones, by id; default 100 000); the others only count in the summary. */
  maxRecords?: number;
  /** Seconds of silence that end an established connection when the client's max_idle_timeout is unknown (default 30). */
  idleTimeout?: number;
  /** Seconds a connection lasts after a CONNECTION_CLOSE: the closing and draining periods (default 3). */
  drainTimeout?: number;
}

/**
 * Estimated heap of one live connection opened by a client Initial: the connection, its CIDs,
 * path, keys and table slots, and its ledger entries (--max-state-mb). Measured: 30,000 Initials
 * with random CIDs, heap snapshot.
 */
export const QUIC_CONNECTION_BYTES = 2_500;

const UDP_HEADER_LENGTH = 8;
/** Bound on packets read from one datagram (coalescing, RFC 9000 §12.2). */
const MAX_PACKETS_PER_DATAGRAM = 16;
/** Unattributed datagrams listed by packet number (all are counted). */
const UNATTRIBUTED_LISTED = 20;
/** A short header found only by a CID on a new 4-tuple must at least hold a packet number and an AEAD tag after its DCID (RFC 9001 §5.3). */
const MIN_AFTER_DCID = 1 + 16;
/** A CID at least this long is evidence enough on its own that a datagram on a new 4-tuple is QUIC. */
const MIN_UNCHECKED_CID = 4;
/** Well-known ports are below this (a sender on one, talking to an ephemeral port, looks like a server). */
const EPHEMERAL_PORT_FLOOR = 1024;
/** Connections of one 4-tuple whose Initial keys are tried on an Initial with an unknown DCID. */
const MAX_KEY_TRIALS = 8;
/**
 * RFC 9000 §10.1: a connection silent this long is closed by both ends, unless the client's
 * max_idle_timeout says otherwise. 30 s is the common default (quic-go, Chromium, msquic).
 */
export const QUIC_IDLE_TIMEOUT = 30;
/**
 * After a visible CONNECTION_CLOSE, the closing/draining period in seconds: three PTOs (RFC 9000
 * §10.2), which a PTO of about a second (RFC 9002 §6.2.2, an initial RTT of 333 ms) makes 3 s.
 */
export const QUIC_CLOSE_DRAIN = 3;
/** The shortest datagram an endpoint treats as a possible stateless reset (RFC 9000 §10.3). */
const MIN_STATELESS_RESET = 21;
/** TLS handshake messages larger than this are not waited for. */
const MAX_HELLO_LENGTH = 64 * 1024;

const EMPTY_CID: Cid = '';
/**
 * A client's first Initial, in any version, fills a datagram of at least this many bytes (RFC 9000
 * §14.1), and its DCID has 8 to 20 bytes (§7.2, §17.2): an unreadable long header that does not fit
 * is no connection attempt (RTP and other UDP traffic often start with a byte >= 0x80).
 */
const MIN_INITIAL_DATAGRAM = 1200;
const MIN_FIRST_DCID = 8;
const other = (side: CidSide): CidSide => (side === 'client' ? 'server' : 'client');

interface Hit {
  conn: QuicConnection;
  fromServer: boolean;
}

export class QuicTracker {
  readonly maxConnections: number;
  private readonly state: StateSink;
  readonly maxRecords: number;
  /** The connections to list (id below maxRecords), in creation order (the report order). */
  private readonly connections: QuicConnection[] = [];
  private nextId = 0;
  private omitted = 0;
  /** Over every connection, listed or not. */
  private readonly summary: QuicReport['summary'] = { connections: 0, handshakes: { complete: 0, partial: 0, initialOnly: 0 } };
  /** Connections still matched against, least recently active first. */
  private readonly live = new LruList<QuicConnection>();
  private readonly registry = new CidRegistry<QuicConnection>();
  private readonly pathTable = new PathTable<QuicConnection>();
  private readonly pathKeys = new PathKeys();
  /** The connection moved to the back of `live` last (touching it again changes nothing). */
  private lastTouched: QuicConnection | null = null;
  /** ip:port of every server a connection was opened to (bounded by the connections created). */
  private readonly servers = new Set<string>();
  /** The server end of the last connection created (see serverEndpoint). */
  private lastServer: Endpoint = { address: '', port: -1 };
  private unattributedDatagrams = 0;
  private readonly unattributedPackets: number[] = [];
  private evicted = 0;
  /** Evicted because their estimated memory passed the budget, and the connections the budget holds. */
  private evictedMemory = 0;
  private readonly maxConnectionsForMemory: number;
  /** Attempts in versions statecap cannot read, until a retry with the same DCID opens their connection. */
  private readonly attempts: VersionAttempts;
  private readonly idleTimeout: number;
  private readonly drainTimeout: number;
  /** Each live connection's deadline as last set, with the timerGen it was set at (see expireIdle). */
  private readonly timers = new TimerHeap<QuicConnection>();

  constructor(options: QuicTrackerOptions = {}) {
    this.state = options.state ?? NO_STATE;
    this.maxConnections = Math.max(1, options.maxConnections ?? 100_000);
    this.maxConnectionsForMemory = options.maxStateBytes === undefined ? Infinity : Math.max(1, Math.floor(options.maxStateBytes / QUIC_CONNECTION_BYTES));
    this.attempts = new VersionAttempts(Math.min(this.maxConnections, 10_000));
    this.maxRecords = Math.max(0, options.maxRecords ?? 100_000);
    this.idleTimeout = options.idleTimeout ?? QUIC_IDLE_TIMEOUT;
    this.drainTimeout = options.drainTimeout ?? QUIC_CLOSE_DRAIN;
  }

  /** Connections counted in the summary but not listed, beyond maxRecords. */
  get omittedConnections(): number {
    return this.omitted;
  }

  /** Connections dropped from matching because the table was full. */
  get evictedConnections(): number {
    return this.evicted;
  }

  /** Connections dropped from matching because their estimated memory passed --max-state-mb. */
  get evictedConnectionsForMemory(): number {
    return this.evictedMemory;
  }

  /**
   * A UDP datagram not taken by DNS. True when it was attributed to QUIC: to a new or known
   * connection, or counted as unattributed (a QUIC long header that attaches to nothing, or a short
   * header on a 4-tuple that carried QUIC whose DCID matches no known CID).
   */
  observeUdp(pkt: DecodedPacket): boolean {
    const ip = pkt.ip;
    const udp = pkt.udp;
    if (!ip || !udp || udp.payload.length === 0) return false;
    if (this.live.size > 0) this.expireIdle(pkt);
    const isLong = (udp.payload[0] & QUIC_HEADER.FORM_BIT) !== 0;
    // Short headers are QUIC only when a known connection claims them: none known, nothing to do.
    if (!isLong && this.live.size === 0) return false;
    const pathKey = this.pathKeys.keyFor(ip.src, udp.srcPort, ip.dst, udp.dstPort);
    return isLong ? this.observeLong(pkt, ip, udp, pathKey) : this.observeShort(pkt, ip, udp, pathKey);
  }

  finish(): QuicReport {
    for (const c of this.live.values()) this.tellEvidence(c);
    const summary = { connections: this.summary.connections, handshakes: { ...this.summary.handshakes } };
    for (const c of this.live.values()) if (c.id >= this.maxRecords) tally(summary, c);
    for (const c of this.connections) tally(summary, c);
    return {
      connections: this.connections.map((c) => c.toReport()),
      unattributed: { datagrams: this.unattributedDatagrams, packets: [...this.unattributedPackets] },
      summary,
    };
  }

  // ------------------------------------------------------------------ matching

  private observeLong(pkt: DecodedPacket, ip: IpLayer, udp: UdpDatagram, pathKey: string): boolean {
    const h = parseLongHeader(udp.payload, 0).header;
    if (!h) return false;
    if (h.type === 'unknown') return this.observeUnknownVersion(pkt, ip, udp, pathKey, h);
    let hit = this.matchLong(h, ip, udp, pathKey);
    let opened: OpenResult | undefined;
    if (!hit && h.type === 'initial') {
      const known = this.initialOfPathConnection(h, ip, udp, pathKey);
      if (known) {
        hit = known.hit;
        opened = known.opened;
      }
    }
    if (!hit && h.type === 'initial') {
      const verdict = this.unmatchedInitial(udp, h);
      if (verdict.fromClient) {
        hit = { conn: this.create(pkt, ip, udp, h, pathKey, verdict.keys), fromServer: false };
        opened = verdict.opened;
      }
    }
    if (!hit) {
      this.countUnattributed(pkt);
      if (h.type === 'version-negotiation') {
        const attempt = this.attempts.answered(h.dcid, h.scid, h.supportedVersions ?? [], [ip.src, udp.srcPort], [ip.dst, udp.dstPort], pkt.number, sentBytes(udp));
        attempt?.unattributed.push(pkt.number);
      }
      return true;
    }
    this.attribute(hit, pkt, ip, udp, pathKey, h, opened);
    return true;
  }

  /**
   * A long header in a version statecap cannot read. Reserved versions (RFC 9000 §15) are QUIC
   * and may belong to a known connection; other unknown versions are QUIC only once a Version
   * Negotiation answers them or a retry continues them. Either way, a datagram that can be a
   * client's first Initial is remembered as an attempt (attempts.ts).
   */
  private observeUnknownVersion(pkt: DecodedPacket, ip: IpLayer, udp: UdpDatagram, pathKey: string, h: LongHeader): boolean {
    const reserved = isReservedVersion(h.version);
    if (reserved) {
      const hit = this.matchLong(h, ip, udp, pathKey);
      if (hit) {
        this.attribute(hit, pkt, ip, udp, pathKey, h, undefined);
        return true;
      }
    }
    const bytes = sentBytes(udp);
    const attempt = bytes >= MIN_INITIAL_DATAGRAM && h.dcid.length >= MIN_FIRST_DCID && h.dcid.length <= QUIC_HEADER.MAX_CID_LENGTH
      ? this.attempts.sent(h.dcid, h.scid, h.version, [ip.src, udp.srcPort], [ip.dst, udp.dstPort], pkt.number, pkt.time, bytes)
      : null;
    if (!reserved) return false;
    this.countUnattributed(pkt);
    attempt?.unattributed.push(pkt.number);
    return true;
  }

  private observeShort(pkt: DecodedPacket, ip: IpLayer, udp: UdpDatagram, pathKey: string): boolean {
    const hit = this.matchShortOnPath(udp.payload, ip, udp, pathKey) ?? this.matchShortAnywhere(udp.payload);
    if (!hit) {
      // RFC 9000 §5.2: a short header whose DCID names no connection. On a 4-tuple that carries
      // QUIC, or to or from a QUIC server's address and port (a client that migrated with a fresh
      // CID, RFC 9000 §9.5), it is QUIC we cannot place (a CID from an encrypted NEW_CONNECTION_ID,
      // a stateless reset, a capture that began mid-connection); elsewhere it is not recognisably QUIC.
      if (!this.pathTable.has(pathKey) && !this.toOrFromQuicServer(ip, udp)) return false;
      this.noteResetCandidate(pkt, ip, udp, pathKey);
      this.countUnattributed(pkt);
      return true;
    }
    this.attribute(hit, pkt, ip, udp, pathKey, null, undefined);
    return true;
  }

  /** A long header's DCID names its connection exactly; an empty one is matched by 4-tuple. */
  private matchLong(h: LongHeader, ip: IpLayer, udp: UdpDatagram, pathKey: string): Hit | null {
    if (h.dcid.length === 0) return this.matchEmptyOnPath(ip, udp, pathKey);
    const dcid = cidOf(h.dcid);
    // A DCID the client chose was sent by the server, and the other way round.
    const toClient = this.registry.get('client', dcid);
    const toServer = this.registry.get('server', dcid);
    if (toClient && toServer) {
      // Both sides chose the same CID: the sender's address and port decide.
      return toClient.isServerEndpoint(ip.src, udp.srcPort) ? { conn: toClient, fromServer: true } : { conn: toServer, fromServer: false };
    }
    if (toClient) return { conn: toClient, fromServer: true };
    if (toServer) return { conn: toServer, fromServer: false };
    return null;
  }

  /** RFC 9000 §5.2: a zero-length DCID belongs to the connection on this 4-tuple whose receiver chose zero-length CIDs. */
  private matchEmptyOnPath(ip: IpLayer, udp: UdpDatagram, pathKey: string): Hit | null {
    const conns = this.pathTable.get(pathKey);
    for (let i = conns.length - 1; i >= 0; i--) {
      const conn = conns[i];
      const fromServer = this.isServerOnPath(conn, pathKey, ip.src, udp.srcPort);
      if (conn.side(fromServer ? 'client' : 'server').has(SIDE_FACT.EMPTY_CID)) return { conn, fromServer };
    }
    return null;
  }

  /** The connection on this 4-tuple with the longest CID that is a prefix of the short header's DCID. */
  private matchShortOnPath(b: Uint8Array, ip: IpLayer, udp: UdpDatagram, pathKey: string): Hit | null {
    const conns = this.pathTable.get(pathKey);
    let best: Hit | null = null;
    let bestLength = -1;
    for (let i = conns.length - 1; i >= 0; i--) {
      const conn = conns[i];
      const fromServer = this.isServerOnPath(conn, pathKey, ip.src, udp.srcPort);
      const receiver = fromServer ? 'client' : 'server';
      if (conn.side(receiver).has(SIDE_FACT.EMPTY_CID) && bestLength < 0) {
        best = { conn, fromServer };
        bestLength = 0;
      }
      const cids = conn.side(receiver);
      for (let c = 0; c < cids.cidCount; c++) {
        const cid = cids.cidAt(c);
        if (cid.length > bestLength && isPrefixAt(cid, b, QUIC_HEADER.SHORT_DCID)) {
          best = { conn, fromServer };
          bestLength = cid.length;
        }
      }
    }
    return best;
  }

  /**
   * A short header on a 4-tuple no connection used: a known CID as prefix means migration or NAT
   * rebinding (RFC 9000 §9). The fixed bit is no evidence either way (RFC 9287 lets peers grease
   * it, and ngtcp2 does), so a CID shorter than MIN_UNCHECKED_CID must come with the bit set.
   */
  private matchShortAnywhere(b: Uint8Array): Hit | null {
    const toClient = this.registry.findPrefix('client', b, QUIC_HEADER.SHORT_DCID);
    const toServer = this.registry.findPrefix('server', b, QUIC_HEADER.SHORT_DCID);
    // Clients migrate far more often than servers: on a tie the packet is taken as the client's.
    const pick = toServer && (!toClient || toServer.length >= toClient.length)
      ? { conn: toServer.owner, fromServer: false, length: toServer.length }
      : toClient ? { conn: toClient.owner, fromServer: true, length: toClient.length } : null;
    if (!pick || b.length < QUIC_HEADER.SHORT_DCID + pick.length + MIN_AFTER_DCID) return null;
    if (pick.length < MIN_UNCHECKED_CID && (b[0] & QUIC_HEADER.FIXED_BIT) === 0) return null;
    return { conn: pick.conn, fromServer: pick.fromServer };
  }

  /**
   * An Initial with an unknown DCID that a connection of the same 4-tuple's Initial keys
   * authenticate belongs to that connection: the sender addressed it to a CID the capture did not
   * show being issued (RFC 9001 §5.2: Initial keys stay those of the first DCID for the whole
   * connection). The AEAD tag makes this proof, not a guess.
   */
  private initialOfPathConnection(h: LongHeader, ip: IpLayer, udp: UdpDatagram, pathKey: string): { hit: Hit; opened: OpenResult } | null {
    if (h.pnOffset === undefined || h.truncated) return null;
    const conns = this.pathTable.get(pathKey);
    const oldest = Math.max(0, conns.length - MAX_KEY_TRIALS);
    for (let i = conns.length - 1; i >= oldest; i--) {
      const conn = conns[i];
      const fromServer = this.isServerOnPath(conn, pathKey, ip.src, udp.srcPort);
      const side: CidSide = fromServer ? 'server' : 'client';
      const keys = conn.keysFor(h.version, side);
      if (!keys) continue;
      const opened = openPacket(udp.payload, { offset: h.offset, pnOffset: h.pnOffset, end: h.end }, keys, conn.side(side).largestInitialPn);
      if (opened.packet) return { hit: { conn, fromServer }, opened };
    }
    return null;
  }

  /**
   * An Initial whose DCID names no connection. If it decrypts with the client keys its own DCID
   * gives (RFC 9001 §5.2), it is a client's first Initial. Otherwise it may be a server's Initial
   * whose client Initial the capture missed, or a client Initial we cannot read (an unknown version,
   * a damaged packet): taken as the client's unless it goes from a well-known port to an ephemeral one.
   */
  private unmatchedInitial(udp: UdpDatagram, h: LongHeader): { fromClient: boolean; opened?: OpenResult; keys?: PacketKeys } {
    // Only the client's keys: the server's are derived if a server Initial ever comes.
    const keys = h.pnOffset !== undefined ? initialPacketKeys(h.dcid, h.version, 'client') : null;
    let opened: OpenResult | undefined;
    if (keys && h.pnOffset !== undefined) {
      opened = openPacket(udp.payload, { offset: h.offset, pnOffset: h.pnOffset, end: h.end, truncated: h.truncated }, keys, -1);
      if (opened.packet && (opened.packet.authenticated || plausibleInitialPayload(opened.packet.payload))) {
        return { fromClient: true, opened, keys };
      }
    }
    // A connection made from this packet has these same keys (its client's first DCID) and no
    // packet number yet, so the result stands for it too: the packet is not opened a second time.
    const looksLikeServer = udp.srcPort < EPHEMERAL_PORT_FLOOR && udp.dstPort >= EPHEMERAL_PORT_FLOOR;
    return { fromClient: !looksLikeServer, opened };
  }

  /**
   * The server end of a new connection, noted in `servers`. Endpoints are never written to, so
   * connections to the server of the previous one share its object (a flood's all go to one).
   */
  private serverEndpoint(address: string, port: number): Endpoint {
    const last = this.lastServer;
    if (last.address === address && last.port === port) return last;
    const server = { address, port };
    this.lastServer = server;
    // The set only grows: a server not added when it was full never would be.
    if (this.servers.size < this.maxConnections) this.servers.add(endpointString(address, port));
    return server;
  }

  /** A short header to or from an ip:port known to serve QUIC. */
  private toOrFromQuicServer(ip: IpLayer, udp: UdpDatagram): boolean {
    if (this.servers.size === 0) return false;
    return this.servers.has(endpointString(ip.dst, udp.dstPort)) || this.servers.has(endpointString(ip.src, udp.srcPort));
  }

  private isServerOnPath(conn: QuicConnection, pathKey: string, address: string, port: number): boolean {
    const server = conn.pathServer(pathKey);
    return server !== undefined && server.address === address && server.port === port;
  }

  // ------------------------------------------------------------------ connection life

  private create(
    pkt: DecodedPacket, ip: IpLayer, udp: UdpDatagram, h: LongHeader, pathKey: string,
    clientKeys: PacketKeys | undefined,
  ): QuicConnection {
    const client = { address: ip.src, port: udp.srcPort };
    const server = this.serverEndpoint(ip.dst, udp.dstPort);
    // RFC 9000 §6.2: after Version Negotiation the client retries with the same DCID.
    const attempt = this.attempts.take(h.dcid, ip.src, ip.dst, udp.dstPort);
    const firstPath = { key: pathKey, firstPacket: attempt && attempt.clientPort === client.port ? attempt.firstPacket : pkt.number };
    const conn = new QuicConnection(this.nextId++, client, server, h.dcid, attempt?.firstPacket ?? pkt.number, attempt?.time ?? pkt.time, firstPath);
    if (attempt) this.absorbAttempt(conn, attempt);
    if (clientKeys) conn.seedKeys(h.version, 'client', clientKeys);
    if (conn.id < this.maxRecords) this.connections.push(conn);
    else this.omitted++;
    this.live.push(conn);
    this.setTimer(conn, pkt.time);
    this.pathTable.add(pathKey, conn);
    this.state.hold({ endpoint: this.clientRef(conn), ref: { proto: 'quic', id: conn.id }, kind: 'quicConnections', time: pkt.time, packet: pkt.number });
    // The original DCID routes to the server (RFC 9000 §7.2); the SCID is the client's own.
    this.learn(conn, 'server', h.dcid, pkt);
    this.learn(conn, 'client', h.scid, pkt);
    conn.clientScid = conn.findCid('client', h.scid) ?? EMPTY_CID;
    this.evictIfFull(pkt);
    return conn;
  }

  /** Counts the datagram for the connection and reads each of its packets. */
  private attribute(hit: Hit, pkt: DecodedPacket, ip: IpLayer, udp: UdpDatagram, pathKey: string, first: LongHeader | null, opened: OpenResult | undefined): void {
    const { conn, fromServer } = hit;
    const side: CidSide = fromServer ? 'server' : 'client';
    this.touch(conn);
    if (conn.pathServer(pathKey) === undefined) this.addPath(conn, pathKey, ip, udp, fromServer, pkt.number);
    conn.datagrams++;
    conn.side(side).datagrams++;
    // The connection went on: what looked like a stateless reset was not one (a reset ends it for both).
    conn.resetCandidate = null;
    conn.observeDatagram(!fromServer, pkt.number, pkt.time);
    if (fromServer && conn.answeredAt === null) conn.answeredAt = pkt.number;
    // UDP payload bytes as sent (the UDP length field), not as captured (STYLE practice 5).
    conn.side(side).bytes += sentBytes(udp);
    conn.lastPacket = pkt.number;
    conn.end = pkt.time;

    const b = udp.payload;
    let offset = 0;
    let firstDcid: Uint8Array | null = null;
    for (let n = 0; n < MAX_PACKETS_PER_DATAGRAM && offset < b.length; n++) {
      if ((b[offset] & QUIC_HEADER.FORM_BIT) === 0) {
        // RFC 9000 §12.2: a short-header packet comes last and uses the same DCID. Bytes after the
        // long-header packets that do not look like one (zeros padding the datagram) are no packet.
        if (n > 0 && (b[offset] === 0 || !firstDcid || !bytesAt(firstDcid, b, offset + QUIC_HEADER.SHORT_DCID))) break;
        conn.side(side).packets++;
        conn.side(side).note(SIDE_FACT.SENT_SHORT);
        break;
      }
      const h = n === 0 && first ? first : parseLongHeader(b, offset).header;
      if (!h) break;
      if (n === 0) firstDcid = h.dcid;
      // RFC 9000 §12.2: "Senders MUST NOT coalesce QUIC packets with different connection IDs".
      else if (firstDcid === null || !sameBytes(h.dcid, firstDcid)) break;
      this.onLongPacket(conn, side, h, b, pkt, n === 0 ? opened : undefined);
      if (h.truncated || h.type === 'retry' || h.type === 'version-negotiation' || h.type === 'unknown' || h.end <= offset) break;
      offset = h.end;
    }
  }

  private onLongPacket(conn: QuicConnection, side: CidSide, h: LongHeader, b: Uint8Array, pkt: DecodedPacket, opened: OpenResult | undefined): void {
    conn.side(side).packets++;
    const fromServer = side === 'server';
    if (h.type === 'version-negotiation') {
      // RFC 9000 §17.2.1: only a server sends one, statelessly; a later Initial continues the attempt.
      if (fromServer) {
        conn.serverSide.note(SIDE_FACT.SENT_VERSION_NEGOTIATION);
        conn.versionNegotiation = { packet: pkt.number, versions: h.supportedVersions ?? [] };
      }
      return;
    }
    if (h.type === 'unknown') return;
    conn.addVersion(h.version);
    if (h.type === 'retry') {
      // RFC 9000 §17.2.5.2: "After the client has received and processed an Initial or Retry packet
      // from the server, it MUST discard any subsequent Retry packets that it receives."
      if (!fromServer || conn.serverSide.has(SIDE_FACT.SENT_RETRY) || conn.serverSide.has(SIDE_FACT.SENT_INITIAL) || conn.serverSide.has(SIDE_FACT.SENT_HANDSHAKE)) return;
      this.learn(conn, side, h.scid, pkt);
      // The client's next Initials go to the Retry's SCID, with keys from it (RFC 9001 §5.2).
      conn.serverSide.note(SIDE_FACT.SENT_RETRY);
      conn.retryScid = conn.findCid('server', h.scid) ?? EMPTY_CID;
      conn.rekey(h.scid);
      return;
    }
    // The sender's SCID is one of its CIDs; the DCID is one of the receiver's.
    this.learn(conn, side, h.scid, pkt);
    this.learn(conn, other(side), h.dcid, pkt);
    if (h.type === '0rtt') {
      if (!fromServer) conn.clientSide.note(SIDE_FACT.SENT_ZERO_RTT);
      return;
    }
    if (h.type === 'handshake') {
      conn.side(side).note(SIDE_FACT.SENT_HANDSHAKE);
      // A side sending Handshake packets is done with its Initial CRYPTO data (RFC 9001 §4.9.1:
      // it discards its Initial keys); a hello still incomplete then never will be, so its buffer goes.
      conn.side(side).crypto = null;
    } else {
      conn.side(side).note(SIDE_FACT.SENT_INITIAL);
    }

    if (fromServer) {
      // The version of the server's Initial or Handshake is the one it chose (RFC 9368 §2).
      conn.chosenVersion = h.version;
      conn.versionNegotiation = null;
      if (conn.serverScid === null) conn.serverScid = conn.findCid('server', h.scid) ?? EMPTY_CID;
      if (!conn.serverHolds) this.serverHolds(conn, pkt);
    } else if (h.type === 'initial') {
      conn.versionNegotiation = null;
    }
    if (h.type === 'initial') this.readInitial(conn, side, h, b, pkt, opened);
  }

  /** Decrypts an Initial (RFC 9001 §5) and feeds its CRYPTO frames to the side's handshake stream. */
  private readInitial(conn: QuicConnection, side: CidSide, h: LongHeader, b: Uint8Array, pkt: DecodedPacket, opened: OpenResult | undefined): void {
    let result = opened;
    if (!result) {
      if (h.pnOffset === undefined) return;
      const keys = conn.keysFor(h.version, side);
      if (!keys) return;
      result = openPacket(b, { offset: h.offset, pnOffset: h.pnOffset, end: h.end, truncated: h.truncated }, keys, conn.side(side).largestInitialPn);
    }
    const packet = result.packet;
    if (!packet) return;
    if (packet.authenticated && packet.packetNumber > conn.side(side).largestInitialPn) conn.side(side).largestInitialPn = packet.packetNumber;
    const frames = parseInitialFrames(packet.payload);
    let stream = conn.side(side).crypto;
    if (stream === undefined && frames.crypto.length > 0) {
      stream = new CryptoStream();
      conn.side(side).crypto = stream;
    }
    if (stream) {
      for (const f of frames.crypto) stream.add(f.offset, f.data);
      this.readHello(conn, side);
    }
    // Only an authenticated close is believed: a deciphered prefix without its tag could be noise.
    if (frames.close && packet.authenticated && !conn.close) {
      conn.close = { ...frames.close, by: side, packet: pkt.number, time: pkt.time };
      this.setTimer(conn, pkt.time);
      this.releaseAll(conn, pkt);
    }
  }

  /** Reads the ClientHello or ServerHello once its bytes are all in (RFC 9001 §4.1.3). */
  private readHello(conn: QuicConnection, side: CidSide): void {
    const stream = conn.side(side).crypto;
    if (!stream) return;
    const head = stream.read(4);
    if (!head) return;
    const length = handshakeMessageLength(head) ?? 0;
    if (length > MAX_HELLO_LENGTH) {
      conn.side(side).crypto = null;
      return;
    }
    const message = stream.read(length);
    if (!message) {
      // Not all there (yet): read the server name and ALPN from the part that is, since a
      // snaplen may have cut the rest for good. The whole message, if it comes, overrides this.
      if (side === 'client' && stream.contiguous > TLS_HANDSHAKE.HEADER_LENGTH && conn.serverName === null) {
        const partial = parseClientHello(stream.read(stream.contiguous) ?? new Uint8Array(0), { prefix: true }).value;
        if (partial) {
          conn.serverName = partial.serverName;
          conn.alpn = partial.alpn;
        }
      }
      return;
    }
    if (side === 'client') {
      const hello = parseClientHello(message).value;
      if (hello) {
        conn.serverName = hello.serverName;
        conn.alpn = hello.alpn;
        conn.transportParameters = hello.transportParameters;
        this.setTimer(conn, conn.end);
      }
    } else {
      const hello = parseServerHello(message).value;
      if (hello) conn.cipherSuite = hello.cipherSuiteName;
    }
    // One hello per side: the stream's memory goes as soon as it is read.
    conn.side(side).crypto = null;
  }

  private addPath(conn: QuicConnection, pathKey: string, ip: IpLayer, udp: UdpDatagram, fromServer: boolean, packet: number): void {
    const sender = { address: ip.src, port: udp.srcPort };
    const receiver = { address: ip.dst, port: udp.dstPort };
    if (conn.pathCount >= MAX_PATHS) {
      conn.pathChangesNotListed++;
      return;
    }
    conn.addPath({ key: pathKey, client: fromServer ? receiver : sender, server: fromServer ? sender : receiver, firstPacket: packet });
    this.pathTable.add(pathKey, conn);
  }

  /** Learns a CID for `side` and maps it to the connection. */
  private learn(conn: QuicConnection, side: CidSide, view: Uint8Array, pkt: DecodedPacket): void {
    const cid = conn.learnCid(side, view);
    if (!cid) return;
    this.registry.add(side, cid, conn);
    this.holdCids(conn, side, pkt);
  }

  private touch(conn: QuicConnection): void {
    if (conn.evicted || conn === this.lastTouched) return;
    this.lastTouched = conn;
    this.live.moveToBack(conn);
  }

  /**
   * Connections that ended on capture time: established and silent past their idle timeout (RFC
   * 9000 §10.1: both ends discard the connection), or past the draining period after a
   * CONNECTION_CLOSE. Each connection's deadline waits in a heap, set again lazily when it is
   * reached and the connection was active since: a connection with a longer timeout, or one still
   * in its handshake, never holds back the others.
   */
  private expireIdle(pkt: DecodedPacket): void {
    const timers = this.timers;
    while (timers.topAt < pkt.time) {
      const conn = timers.topItem;
      const gen = timers.topGen;
      timers.pop();
      if (conn.evicted || conn.idleEnded || gen !== conn.timerGen) continue;
      const timeout = this.timeoutOf(conn);
      const at = conn.end + timeout;
      // A handshake still going on is no idle connection: a client retrying its Initial backs off
      // for longer than any idle timeout (RFC 9002 §6.2.1) and keeps its connection meanwhile.
      if (!(pkt.time - conn.end > timeout) || (!conn.close && conn.handshakeState() !== 'complete')) {
        timers.push(conn, at >= pkt.time ? at : pkt.time + timeout, conn.timerGen);
        continue;
      }
      this.forget(conn);
      conn.idleEnded = { afterPacket: conn.lastPacket, seconds: timeout };
      this.tellEvidence(conn);
      if (!conn.close) this.releaseAll(conn, pkt);
      if (conn.id >= this.maxRecords) tally(this.summary, conn);
    }
    if (timers.size > 1024 && timers.size > 2 * this.live.size + 1024) {
      timers.retain((conn, gen) => !conn.evicted && !conn.idleEnded && gen === conn.timerGen);
    }
  }

  private timeoutOf(conn: QuicConnection): number {
    return conn.close ? this.drainTimeout : idleTimeoutOf(conn, this.idleTimeout);
  }

  /** The connection's deadline from `now` on: set when it is created and whenever its timeout changes. */
  private setTimer(conn: QuicConnection, now: number): void {
    conn.timerGen++;
    this.timers.push(conn, Math.max(conn.end, now) + this.timeoutOf(conn), conn.timerGen);
  }

  /** Stops matching a connection: out of the live list, its CIDs, its paths and its keys. */
  private forget(conn: QuicConnection): void {
    this.live.remove(conn);
    if (this.lastTouched === conn) this.lastTouched = null;
    for (const side of ['client', 'server'] as const) {
      const by = conn.side(side);
      for (let i = 0; i < by.cidCount; i++) this.registry.remove(side, by.cidAt(i), conn);
    }
    for (const key of conn.pathKeys()) this.pathTable.remove(key, conn);
    conn.clientSide.crypto = null;
    conn.serverSide.crypto = null;
    conn.dropKeys();
  }

  private evictIfFull(pkt: DecodedPacket): void {
    while (this.live.size > this.maxConnections || this.live.size > this.maxConnectionsForMemory) {
      const conn = this.live.oldest;
      if (!conn) break;
      this.forget(conn);
      conn.evictedAt = pkt.number;
      if (this.live.size + 1 > this.maxConnections) this.evicted++;
      else this.evictedMemory++;
      this.tellEvidence(conn);
      // statecap stops following it: the state its ends held for it is released now, as for an
      // evicted TCP flow. An unlisted connection leaves only its count in the summary.
      if (!conn.close) this.releaseAll(conn, pkt);
      if (conn.id >= this.maxRecords) tally(this.summary, conn);
    }
  }

  /**
   * The attempt's datagrams join the connection its retry opens. The ledger is not told: the
   * server answered statelessly (RFC 9000 §6.1) and the client's state is dated from the retry.
   */
  private absorbAttempt(conn: QuicConnection, attempt: VersionAttempt): void {
    conn.addVersion(attempt.version);
    for (const side of ['client', 'server'] as const) {
      conn.datagrams += attempt.datagrams[side];
      conn.side(side).datagrams += attempt.datagrams[side];
      conn.side(side).packets += attempt.datagrams[side];
      conn.side(side).bytes += attempt.bytes[side];
    }
    if (attempt.negotiation) conn.serverSide.note(SIDE_FACT.SENT_VERSION_NEGOTIATION);
    if (attempt.unattributed.length > 0) {
      this.unattributedDatagrams -= attempt.unattributed.length;
      const taken = new Set(attempt.unattributed);
      const kept = this.unattributedPackets.filter((n) => !taken.has(n));
      this.unattributedPackets.length = 0;
      this.unattributedPackets.push(...kept);
    }
  }

  private countUnattributed(pkt: DecodedPacket): void {
    this.unattributedDatagrams++;
    if (this.unattributedPackets.length < UNATTRIBUTED_LISTED) this.unattributedPackets.push(pkt.number);
  }

  // ------------------------------------------------------------------ state ledger

  private clientRef(conn: QuicConnection): EndpointRef {
    return { role: 'client', address: conn.clientAddress, port: null };
  }

  private serverRef(conn: QuicConnection): EndpointRef {
    return { role: 'server', address: conn.server.address, port: conn.server.port, transport: 'udp' };
  }

  /**
   * RFC 9000 §10.3: a stateless reset looks like a short header of at least 21 bytes whose DCID
   * names no connection, ending in a token only the peer can check. On a connection's own 4-tuple,
   * one after which nothing more is attributed to the connection (its receiver, reset, closes it;
   * RFC 9000 §10.3.1) is taken as one: its sender had lost the connection. Confirmed (or not) when
   * the connection is done (tellEvidence).
   */
  private noteResetCandidate(pkt: DecodedPacket, ip: IpLayer, udp: UdpDatagram, pathKey: string): void {
    if (udp.payload.length < MIN_STATELESS_RESET || (udp.payload[0] & QUIC_HEADER.FIXED_BIT) === 0) return;
    const conns = this.pathTable.get(pathKey);
    const conn = conns[conns.length - 1];
    if (conn === undefined || conn.resetCandidate !== null) return;
    conn.resetCandidate = { packet: pkt.number, time: pkt.time, fromServer: this.isServerOnPath(conn, pathKey, ip.src, udp.srcPort) };
  }

  /** Once per connection: did the server answer, and how many turns did the connection carry? */
  private tellEvidence(conn: QuicConnection): void {
    if (conn.evidenceTold || this.state.flow === undefined) return;
    conn.evidenceTold = true;
    const reset = conn.resetCandidate;
    if (reset !== null && this.state.loss !== undefined) {
      const sender = reset.fromServer ? 'server' : 'client';
      this.state.loss({
        packet: reset.packet, time: reset.time, kind: 'quic-stateless-reset',
        endpoint: reset.fromServer ? this.serverRef(conn) : this.clientRef(conn), ref: { proto: 'quic', id: conn.id },
        detail: `a short header from the ${sender} matching none of the connection's CIDs, after which the connection carried ` +
          `nothing more: a stateless reset (RFC 9000 §10.3), the ${sender} no longer knew the connection`,
      });
    }
    this.state.flow({
      ref: { proto: 'quic', id: conn.id }, client: this.clientRef(conn), server: this.serverRef(conn), firstPacket: conn.firstPacket,
      answer: conn.answeredAt !== null ? { kind: 'answered', packet: conn.answeredAt } : { kind: 'none' },
      exchanges: conn.exchangeSummary(),
    });
  }

  private serverHolds(conn: QuicConnection, pkt: DecodedPacket): void {
    conn.serverHolds = true;
    this.state.hold({ endpoint: this.serverRef(conn), ref: { proto: 'quic', id: conn.id }, kind: 'quicConnections', time: pkt.time, packet: pkt.number });
    this.holdCids(conn, 'server', pkt);
  }

  /**
   * The CIDs an endpoint must map: the client its own SCIDs, the server its SCIDs plus the
   * original DCID (and a Retry's SCID) it routes on. Told to the ledger whenever the count changes.
   */
  private holdCids(conn: QuicConnection, side: CidSide, pkt: DecodedPacket): void {
    if (conn.close || (side === 'server' && !conn.serverHolds)) return;
    const entries = conn.side(side).cidCount;
    if (entries === conn.side(side).heldCids) return;
    conn.side(side).heldCids = entries;
    const endpoint = side === 'client' ? this.clientRef(conn) : this.serverRef(conn);
    const ref = { proto: 'quic' as const, id: conn.id, part: 1 };
    if (entries === 0) this.state.release({ endpoint, ref, time: pkt.time, packet: pkt.number });
    else this.state.hold({ endpoint, ref, kind: 'quicCids', time: pkt.time, packet: pkt.number, entries });
  }

  /** A visible CONNECTION_CLOSE: both ends let the connection and its CIDs go. */
  private releaseAll(conn: QuicConnection, pkt: DecodedPacket): void {
    const release = (endpoint: EndpointRef, part?: number): void => {
      this.state.release({ endpoint, ref: part === undefined ? { proto: 'quic', id: conn.id } : { proto: 'quic', id: conn.id, part }, time: pkt.time, packet: pkt.number });
    };
    release(this.clientRef(conn));
    if (conn.clientSide.heldCids > 0) release(this.clientRef(conn), 1);
    if (conn.serverHolds) {
      release(this.serverRef(conn));
      if (conn.serverSide.heldCids > 0) release(this.serverRef(conn), 1);
    }
    conn.clientSide.heldCids = 0;
    conn.serverSide.heldCids = 0;
  }
}

/** The client's max_idle_timeout transport parameter in seconds (RFC 9000 §18.2; 0 disables it), else `fallback`. */
function idleTimeoutOf(conn: QuicConnection, fallback: number): number {
  const ms = conn.transportParameters?.max_idle_timeout;
  return typeof ms === 'number' && ms > 0 ? ms / 1000 : fallback;
}

function tally(summary: QuicReport['summary'], c: QuicConnection): void {
  summary.connections++;
  const state = c.handshakeState();
  if (state === 'complete') summary.handshakes.complete++;
  else if (state === 'partial') summary.handshakes.partial++;
  else summary.handshakes.initialOnly++;
}

/** UDP payload bytes as sent (the UDP length field), not as captured (STYLE practice 5). */
function sentBytes(udp: UdpDatagram): number {
  return udp.length >= UDP_HEADER_LENGTH ? udp.length - UDP_HEADER_LENGTH : udp.payload.length;
}


/**
 * A deciphered prefix with no tag to check (the packet was cut by the snaplen) is believed to be
 * a client Initial when it starts like one: CRYPTO data at plausible offsets (RFC 9000 §19.6).
 */
function plausibleInitialPayload(payload: Uint8Array): boolean {
  const frames = parseInitialFrames(payload);
  if (frames.crypto.length === 0) return false;
  for (const f of frames.crypto) if (f.offset > MAX_HELLO_LENGTH) return false;
  return true;
}
