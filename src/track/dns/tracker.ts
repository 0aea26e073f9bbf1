/**
 * The DNS tracker: reads DNS messages from UDP datagrams and from TCP streams (2-byte framing),
 * matches responses to queries (rules in matcher.ts), notes ICMP rejections and TC=1 retries over
 * TCP, and tells the state ledger who holds what.
 *
 * Which side is the client: the sender of a query (QR=0); for a response, its destination.
 *
 * Ledger entries (ref {proto:'dns', id: transaction index}; transactions are created in
 * first-query order in this one pass, so the index is known at creation):
 * - the client address holds 'dnsPendingQueries' from the query until the first response, or
 *   until `timeout` after its latest (re)transmission, when it gives up (`until`);
 * - the server ip:port holds 'dnsInFlight' from the query until it answers, with the same `until`
 *   (a server that never answers is not assumed to remember the query forever). Queries to a
 *   multicast or broadcast address have no single server, so nobody holds 'dnsInFlight' for them.
 * A resolver that forwards is a server for its clients and a client of the upstream server, so
 * it gets both kinds of entry without special handling.
 */
import type { DecodedPacket } from '../../decode/packet.js';
import { endpointString } from '../../flow/endpoint.js';
import type { DnsReport } from '../../model/dns.js';
import { NO_STATE, type EndpointRef, type EntryHandle, type EntryRef, type HoldEvent, type StateSink } from '../../state/events.js';
import { singleExchange, type Answer, type Exchanges } from '../../state/evidence.js';
import { LazyQueue } from '../lazy-queue.js';
import { DnsTcpFramer } from './framing.js';
import { decodeNetbiosName, NETBIOS_NAME_PORT } from './netbios.js';
import { DnsMatcher, isGroupAddress, MDNS_PORT } from './matcher.js';
import { lowerName, parseDnsMessage, type DnsMessage } from './message.js';
import type { TcpStreamInfo, TcpStreamListener } from './stream.js';
import { DnsSummaryTally } from './summary.js';
import { outcomeOf, rttOf, transactionReport, type DnsPath, type DnsTransaction } from './transaction.js';

export interface DnsTrackerOptions {
  /** Ports decoded as DNS (UDP and TCP, either side); 53 is always included. */
  ports?: number[];
  /** Seconds after which a response counts as late and a pending query stops costing the client (default 5). */
  timeout?: number;
  state?: StateSink;
  /** Queries awaiting a response kept at most (default 100 000); the oldest is evicted and counted. */
  maxPending?: number;
  /** Estimated bytes the pending queries may take (--max-state-mb); absent: no budget. */
  maxStateBytes?: number;
  /**
   * Rows listed per report list (transactions, unsolicited, malformed, collisions; default 100 000).
   * Beyond it, transactions are still matched and held in the ledger, and every row still counts
   * in the summary; only the listing stops.
   */
  maxRecords?: number;
}

export const DNS_DEFAULTS = { port: 53, timeout: 5, maxPending: 100_000, maxRecords: 100_000 } as const;

/**
 * Seconds an answered transaction still absorbs duplicate responses. Wireshark attaches a repeat
 * response to the query however late it comes; a minute covers real duplicates (a second resolver
 * path, a retransmitting server) while keeping the index small.
 */
const ANSWERED_RETENTION = 60;

/** Forgotten transactions kept for reuse: a flood forgets one per new query, so a few suffice. */
const SPARE_TRANSACTIONS = 64;

/** RFC 768: the UDP length field counts the 8-byte header. */
const UDP_HEADER_LENGTH = 8;

/** What an unanswered transaction tells the ledger (read only, shared: the ledger keeps the first few it is told). */
const NO_ANSWER: Answer = Object.freeze({ kind: 'none' });
const NO_EXCHANGES: Exchanges = Object.freeze({ ...singleExchange(null), packets: Object.freeze([]) });

type Unsolicited = DnsReport['unsolicited'][number];
type Collision = DnsReport['collisions'][number];
type Malformed = DnsReport['malformed'][number];

/** One direction of a TCP flow: its framer and the addresses its messages travel between. */
interface TcpDirection {
  framer: DnsTcpFramer;
  /** Path if this direction carries queries (sender = client) ... */
  asQuery: DnsPath;
  /** ... and if it carries responses (receiver = client). */
  asResponse: DnsPath;
  packet: number;
  time: number;
  onMessage: (message: Uint8Array) => void;
}

export class DnsTracker implements TcpStreamListener {
  /** Rows counted but not listed because their list reached `maxRecords`: transactions, and the other lists together. */
  readonly omitted = { transactions: 0, rows: 0 };
  /** TCP directions whose framing was lost at a gap (counted once per direction). */
  tcpFramingGaps = 0;
  /** Times framing resumed after a gap, at a segment starting a whole message; bytes dropped because of gaps. */
  tcpResyncs = 0;
  tcpLostBytes = 0;
  private readonly ports: ReadonlySet<number>;
  private readonly timeout: number;
  private readonly state: StateSink;
  private readonly maxPending: number;
  private readonly maxRecords: number;
  private readonly matcher: DnsMatcher;
  private readonly transactions: DnsTransaction[] = [];
  private readonly unsolicited: Unsolicited[] = [];
  private readonly collisions: Collision[] = [];
  private readonly malformed: Malformed[] = [];
  /** Rows of each list, listed or not. */
  private readonly totals = { unsolicited: 0, collisions: 0, malformed: 0 };
  private nextIndex = 0;
  private readonly tally = new DnsSummaryTally();
  /** The message being handled: when the matcher evicts, it is this message's doing. */
  private nowPacket = 0;
  private nowTime = 0;
  /** 2 * flow id (+1 for the server's direction) -> framing state. */
  private readonly directions = new Map<number, TcpDirection>();
  private readonly directionOrder = new LazyQueue<number>((key) => this.directions.has(key));
  /** client|question -> UDP transaction answered with TC=1, awaiting its retry over TCP. */
  private readonly truncated = new Map<string, DnsTransaction>();
  private readonly truncatedOrder = new LazyQueue<{ key: string; t: DnsTransaction }>((e) => this.truncated.get(e.key) === e.t);

  /** Forgotten transactions whose objects the next queries reuse (see forgotten). */
  private readonly spareTransactions: DnsTransaction[] = [];
  /** The transaction of the last response (an ICMP error for it names it as a state loss). */
  private lastResponse: DnsTransaction | null = null;
  /** The path of the UDP message being handled, refilled for each (the matcher and the transaction copy its fields). */
  private readonly udpPath: DnsPath = { transport: 'udp', flowId: -1, clientAddress: '', clientPort: 0, serverAddress: '', serverPort: 0 };
  /**
   * The last client and server refs told to the ledger, shared by the next transactions of the same
   * endpoint (a flood's, a resolver's): the ledger keeps the first ref of each endpoint, so a ref
   * is never changed once made.
   */
  private lastClient: EndpointRef | null = null;
  private lastServer: EndpointRef | null = null;
  /** The hold event, refilled for each hold: the ledger copies what it keeps of it (ledger.ts holdEntry). */
  private readonly holdEvent: HoldEvent = {
    endpoint: { role: 'client', address: '', port: null }, ref: { proto: 'dns', id: 0 }, kind: 'dnsPendingQueries', time: 0, packet: 0, until: 0,
  };

  constructor(options: DnsTrackerOptions = {}) {
    this.ports = new Set([DNS_DEFAULTS.port, ...(options.ports ?? [])]);
    this.timeout = options.timeout ?? DNS_DEFAULTS.timeout;
    this.state = options.state ?? NO_STATE;
    this.maxPending = options.maxPending ?? DNS_DEFAULTS.maxPending;
    this.maxRecords = options.maxRecords ?? DNS_DEFAULTS.maxRecords;
    this.matcher = new DnsMatcher({
      timeout: this.timeout, maxPending: this.maxPending, maxStateBytes: options.maxStateBytes, retention: ANSWERED_RETENTION,
      onForget: (t) => this.forgotten(t),
    });
  }

  /** Queries evicted while awaiting a response because `maxPending` were outstanding. */
  get evictedQueries(): number {
    return this.matcher.evicted;
  }

  /** Queries evicted while awaiting a response because their estimated memory passed --max-state-mb. */
  get evictedQueriesForMemory(): number {
    return this.matcher.evictedForMemory;
  }

  /** A UDP datagram (pkt.ip, pkt.udp set). Returns true when it was taken as DNS (either port in `ports`). */
  observeUdp(pkt: DecodedPacket): boolean {
    const { ip, udp } = pkt;
    if (!ip || !udp) return false;
    if (!this.ports.has(udp.srcPort) && !this.ports.has(udp.dstPort)) return false;
    // The UDP length field says how long the message was on the wire (RFC 768).
    // Only an mDNS response (5353 to 5353) is matched by its answer records (matcher.ts).
    const parsed = this.parse(udp.payload, pkt.number, Math.max(udp.payload.length, udp.length - UDP_HEADER_LENGTH),
      udp.srcPort === NETBIOS_NAME_PORT || udp.dstPort === NETBIOS_NAME_PORT, udp.srcPort === MDNS_PORT && udp.dstPort === MDNS_PORT);
    if (!parsed) return true;
    const path = this.udpPath;
    if (parsed.response) {
      path.clientAddress = ip.dst;
      path.clientPort = udp.dstPort;
      path.serverAddress = ip.src;
      path.serverPort = udp.srcPort;
      this.response(parsed, path, pkt.number, pkt.time);
    } else {
      path.clientAddress = ip.src;
      path.clientPort = udp.srcPort;
      path.serverAddress = ip.dst;
      path.serverPort = udp.dstPort;
      this.query(parsed, path, pkt.number, pkt.time);
    }
    return true;
  }

  /**
   * An ICMP/ICMPv6 destination-unreachable (pkt.icmp set) quoting a UDP query marks it `rejected`;
   * quoting a response (from a DNS port to another), it shows the client's socket was gone: a state
   * loss. Either way the message is claimed.
   */
  observeIcmp(pkt: DecodedPacket): boolean {
    const icmp = pkt.icmp;
    if (!icmp || !icmp.unreachable || !icmp.quoted) return false;
    const q = icmp.quoted;
    if (q.protocol !== 17 || q.srcPort === undefined || q.dstPort === undefined) return false;
    if (!this.ports.has(q.srcPort) && !this.ports.has(q.dstPort)) return false;
    if (this.ports.has(q.srcPort) && !this.ports.has(q.dstPort)) {
      this.responseRefused(pkt, icmp, { src: q.src, srcPort: q.srcPort, dst: q.dst, dstPort: q.dstPort });
      return true;
    }
    // The quoted datagram went from the DNS client to the server (RFC 792; RFC 4443 §3.1).
    const t = this.matcher.rejectable(q.src, q.srcPort, q.dst, q.dstPort, pkt.time);
    if (!t) return false;
    t.rejected = { packet: pkt.number, time: pkt.time, icmp: { version: icmp.version, type: icmp.type, code: icmp.code } };
    this.releaseEntries(t, pkt.number, pkt.time);
    return true;
  }

  /** ICMP port unreachable for a response: the client no longer had the socket its query came from. */
  private responseRefused(pkt: DecodedPacket, icmp: NonNullable<DecodedPacket['icmp']>, q: { src: string; srcPort: number; dst: string; dstPort: number }): void {
    const portUnreachable = icmp.version === 4 ? icmp.code === 3 : icmp.code === 4;
    if (!portUnreachable || this.state.loss === undefined) return;
    // The refused response is, in practice, the last one seen; its transaction has left the matcher's index.
    const last = this.lastResponse;
    const t = last !== null && last.clientAddress === q.dst && last.clientPort === q.dstPort && last.serverPort === q.srcPort ? last : null;
    const which = t ? `the response to DNS transaction ${t.index}` : 'a DNS response';
    this.state.loss({
      packet: pkt.number, time: pkt.time, kind: 'icmp-port-unreachable',
      endpoint: { role: 'client', address: q.dst, port: null }, ref: t ? { proto: 'dns', id: t.index } : null,
      detail: `the client answered ${which} from ${endpointString(q.src, q.srcPort)} with ICMP port unreachable: ` +
        `its socket on port ${q.dstPort} was gone (it gave up, or restarted)`,
    });
  }

  wants(flow: TcpStreamInfo): boolean {
    return this.ports.has(flow.serverPort) || this.ports.has(flow.clientPort);
  }

  data(flow: TcpStreamInfo, fromClient: boolean, bytes: Uint8Array, packet: number, time: number): void {
    const direction = this.direction(flow, fromClient);
    direction.packet = packet;
    direction.time = time;
    const framer = direction.framer;
    const lost = framer.lostBytes;
    const resyncs = framer.resyncs;
    framer.push(bytes, direction.onMessage);
    this.tcpLostBytes += framer.lostBytes - lost;
    this.tcpResyncs += framer.resyncs - resyncs;
  }

  gap(flow: TcpStreamInfo, fromClient: boolean, _packet: number, lostBytes: number): void {
    const framer = this.direction(flow, fromClient).framer;
    const lost = framer.lostBytes;
    if (framer.gap(lostBytes)) this.tcpFramingGaps += 1;
    this.tcpLostBytes += framer.lostBytes - lost;
  }

  finish(): DnsReport {
    for (const t of this.matcher.remaining()) {
      this.tallyUnlisted(t);
      this.tellEvidence(t);
    }
    const transactions = this.transactions.map((t) =>
      transactionReport(t, endpointString(t.clientAddress, t.clientPort), endpointString(t.serverAddress, t.serverPort), this.timeout),
    );
    for (const t of transactions) this.tally.add(t);
    return {
      transactions,
      unsolicited: this.unsolicited,
      malformed: this.malformed,
      collisions: this.collisions,
      tcpFramingGaps: this.tcpFramingGaps,
      tcpResyncs: this.tcpResyncs,
      tcpLostBytes: this.tcpLostBytes,
      summary: this.tally.result(this.totals.unsolicited, this.totals.malformed),
    };
  }

  /**
   * The matcher let go of a transaction. One still awaiting its answer was evicted (maxPending):
   * statecap stops following it, so the state held for it is released now, as for an evicted TCP flow.
   */
  private forgotten(t: DnsTransaction): void {
    if (t.response === null && t.rejected === null) this.releaseEntries(t, this.nowPacket, this.nowTime);
    this.tallyUnlisted(t);
    this.tellEvidence(t);
    // Nothing reads it again: unlisted, out of every index, and unanswered (neither lastResponse
    // nor the TC=1 retries name it). A flood's transactions live long enough to be promoted, so a
    // new object per query cost more than the query's other work.
    if (!t.listed && t.response === null && this.spareTransactions.length < SPARE_TRANSACTIONS) this.spareTransactions.push(t);
  }

  /** Once per transaction, when the matcher lets it go or the capture ends: did the server answer? */
  private tellEvidence(t: DnsTransaction): void {
    if (this.state.flow === undefined || t.multicast) return;
    const answer: Answer = t.response !== null ? { kind: 'answered', packet: t.response.packet }
      : t.rejected !== null && t.rejected.icmp !== undefined ? { kind: 'icmp', packet: t.rejected.packet, ...t.rejected.icmp }
        : NO_ANSWER;
    this.state.flow({
      ref: entryRef(t), client: this.clientEndpoint(t), server: this.serverEndpoint(t), firstPacket: t.queryPacket, answer,
      exchanges: t.response !== null ? singleExchange(t.queryPacket) : NO_EXCHANGES,
    });
  }

  /** An unlisted transaction that can no longer change goes into the summary (once). */
  private tallyUnlisted(t: DnsTransaction): void {
    if (t.listed || t.tallied) return;
    t.tallied = true;
    this.tally.add({ outcome: outcomeOf(t, this.timeout), rtt: rttOf(t), rcode: t.response?.rcode ?? null });
  }

  // ------------------------------------------------------------------ messages

  /**
   * Decodes one message; a failure is listed as malformed. Null when not even the header was
   * readable.
   */
  private parse(bytes: Uint8Array, packet: number, wireLength: number, netbios: boolean, withAnswerRecords: boolean): DnsMessage | null {
    const parsed = parseDnsMessage(bytes, wireLength, withAnswerRecords);
    if (parsed.malformed !== null) this.list(this.malformed, 'malformed', { packet, reason: parsed.malformed });
    const m = parsed.message;
    const q = m?.question;
    // A new question object: the parsed one may be shared (message.ts plainQuestion).
    if (netbios && m && q) m.question = { name: decodeNetbiosName(q.name) ?? q.name, type: q.type, class: q.class, lowerName: undefined };
    return m;
  }


  /** A message at `packet`: what the matcher forgets from here on, it forgets at this message. */
  private arrive(packet: number, time: number): void {
    this.nowPacket = packet;
    this.nowTime = time;
    this.matcher.sweep(time);
  }

  private query(m: DnsMessage, path: DnsPath, packet: number, time: number): void {
    this.arrive(packet, time);
    const match = this.matcher.matchQuery(path, m.id, m.question, time);
    if (match.kind === 'retransmission') {
      const t = match.transaction;
      if (t.retransmissionPackets === null) t.retransmissionPackets = [packet];
      else t.retransmissionPackets.push(packet);
      t.lastQueryTime = time;
      // The client is still waiting: its pending entry lasts `timeout` past the retransmission.
      this.holdEntries(t, packet, time);
      return;
    }
    const index = this.nextIndex++;
    // A forgotten unlisted transaction's object when there is one (see forgotten), every field set anew.
    const t = this.spareTransactions.pop() ?? blankTransaction();
    t.index = index;
    t.listed = index < this.maxRecords;
    t.tallied = false;
    t.id = m.id;
    t.transport = path.transport;
    t.flowId = path.flowId;
    t.clientAddress = path.clientAddress;
    t.clientPort = path.clientPort;
    t.serverAddress = path.serverAddress;
    t.serverPort = path.serverPort;
    t.multicast = path.transport === 'udp' && isGroupAddress(path.serverAddress);
    t.question = m.question;
    t.updatedName = m.updatedName;
    t.queryPacket = packet;
    t.retransmissionPackets = null;
    t.responsePackets = null;
    t.queryTime = time;
    t.lastQueryTime = time;
    t.response = null;
    t.rejected = null;
    t.duplicateResponses = 0;
    t.retriedOverTcp = null;
    t.responseFrom = null;
    t.idReused = match.idReused;
    t.clientHold = null;
    t.serverHold = null;
    t.lruPrev = null;
    t.lruNext = null;
    if (t.listed) this.transactions.push(t);
    else this.omitted.transactions += 1;
    this.matcher.add(t);
    this.holdEntries(t, packet, time);
    if (t.transport === 'tcp') this.linkTcpRetry(t);
  }

  private response(m: DnsMessage, path: DnsPath, packet: number, time: number): void {
    this.arrive(packet, time);
    const match = this.matcher.matchResponse(path, m.id, m.question, m.answerRecords, time);
    if (match.kind === 'none') {
      // No query says who the client is. The sender of a response claims to be the server, but
      // when only the receiver is on a DNS port (a "response" aimed at port 53 from an ephemeral
      // port: a reflection or a crafted packet), the DNS port names the server, as the port does
      // in Wireshark's and Zeek's views of the conversation.
      const flip = !this.ports.has(path.serverPort) && this.ports.has(path.clientPort);
      const server = flip ? endpointString(path.clientAddress, path.clientPort) : endpointString(path.serverAddress, path.serverPort);
      const client = flip ? endpointString(path.serverAddress, path.serverPort) : endpointString(path.clientAddress, path.clientPort);
      this.list(this.unsolicited, 'unsolicited', { packet, id: m.id, client, server, qname: responseName(m), transport: path.transport });
      return;
    }
    const t = match.transaction;
    if (match.kind === 'collision') {
      this.list(this.collisions, 'collisions', {
        packet,
        id: m.id,
        client: endpointString(path.clientAddress, path.clientPort),
        server: endpointString(path.serverAddress, path.serverPort),
        qname: responseName(m),
        transaction: t.index,
      });
      return;
    }
    if (t.responsePackets === null) t.responsePackets = [packet];
    else t.responsePackets.push(packet);
    if (match.otherResponder) {
      const from = endpointString(path.serverAddress, path.serverPort);
      if (t.responseFrom === null) t.responseFrom = [from];
      else if (!t.responseFrom.includes(from)) t.responseFrom.push(from);
    }
    if (match.kind === 'duplicate') {
      t.duplicateResponses += 1;
      return;
    }
    t.response = { packet, time, rcode: m.rcode, flags: m.flags, answers: m.answers };
    this.lastResponse = t;
    this.matcher.answered(t);
    this.releaseEntries(t, packet, time);
    // RFC 7766 §5: a truncated UDP answer tells the client to ask again over TCP.
    if (m.flags.tc && t.transport === 'udp' && t.question) this.rememberTruncated(t);
  }

  // ------------------------------------------------------------------ TC=1 -> TCP retry

  private rememberTruncated(t: DnsTransaction): void {
    const key = retryKey(t);
    this.truncated.set(key, t);
    this.truncatedOrder.push({ key, t });
    if (this.truncated.size > this.maxPending) {
      const oldest = this.truncatedOrder.shift();
      if (oldest) this.truncated.delete(oldest.key);
    }
  }

  /** A TCP query from the same client asking the question a TC=1 UDP answer truncated. */
  private linkTcpRetry(tcp: DnsTransaction): void {
    if (!tcp.question || this.truncated.size === 0) return;
    const key = retryKey(tcp);
    const udp = this.truncated.get(key);
    if (!udp || !udp.response) return;
    this.truncated.delete(key);
    this.truncatedOrder.removed(this.truncated.size);
    if (tcp.queryTime - udp.response.time <= this.timeout) udp.retriedOverTcp = tcp.index;
  }

  // ------------------------------------------------------------------ TCP directions

  private direction(flow: TcpStreamInfo, fromClient: boolean): TcpDirection {
    const key = flow.id * 2 + (fromClient ? 0 : 1);
    const known = this.directions.get(key);
    if (known) return known;
    const sender = fromClient ? { address: flow.client, port: flow.clientPort } : { address: flow.server, port: flow.serverPort };
    const receiver = fromClient ? { address: flow.server, port: flow.serverPort } : { address: flow.client, port: flow.clientPort };
    const direction: TcpDirection = {
      framer: new DnsTcpFramer(isMessageStart),
      asQuery: { transport: 'tcp', flowId: flow.id, clientAddress: sender.address, clientPort: sender.port, serverAddress: receiver.address, serverPort: receiver.port },
      asResponse: { transport: 'tcp', flowId: flow.id, clientAddress: receiver.address, clientPort: receiver.port, serverAddress: sender.address, serverPort: sender.port },
      packet: 0,
      time: 0,
      onMessage: (bytes) => {
        const m = this.parse(bytes, direction.packet, bytes.length,
          direction.asQuery.clientPort === NETBIOS_NAME_PORT || direction.asQuery.serverPort === NETBIOS_NAME_PORT, false);
        if (!m) return;
        if (m.response) this.response(m, direction.asResponse, direction.packet, direction.time);
        else this.query(m, direction.asQuery, direction.packet, direction.time);
      },
    };
    this.directions.set(key, direction);
    this.directionOrder.push(key);
    // The TCP tracker does not say when a flow ends; keep the newest directions only.
    if (this.directions.size > this.maxPending) {
      const oldest = this.directionOrder.shift();
      if (oldest !== undefined) this.directions.delete(oldest);
    }
    return direction;
  }

  // ------------------------------------------------------------------ ledger and lists

  private holdEntries(t: DnsTransaction, packet: number, time: number): void {
    const until = time + this.timeout;
    t.clientHold = this.holdOne(t, t.clientHold, 'dnsPendingQueries', time, packet, until);
    if (!t.multicast) t.serverHold = this.holdOne(t, t.serverHold, 'dnsInFlight', time, packet, until);
  }

  /**
   * One of `t`'s holds: a retransmission holds again through the handle of the first hold (no
   * lookup, no event) while its entry lives, else the refilled event is told.
   */
  private holdOne(
    t: DnsTransaction, held: EntryHandle | null, kind: 'dnsPendingQueries' | 'dnsInFlight', time: number, packet: number, until: number,
  ): EntryHandle | null {
    const state = this.state;
    if (held !== null && state.holdHeld !== undefined) {
      const again = state.holdHeld(held, kind, time, packet, until);
      if (again !== null) return again;
    }
    const e = this.holdEvent;
    // A ref per transaction, never changed once told (sinks other than the ledger may keep it):
    // the transaction's second hold reuses its first's.
    if (e.ref.id !== t.index) e.ref = entryRef(t);
    e.endpoint = kind === 'dnsPendingQueries' ? this.clientEndpoint(t) : this.serverEndpoint(t);
    e.kind = kind;
    e.time = time;
    e.packet = packet;
    e.until = until;
    return state.hold(e) ?? null;
  }

  /** Through the handles of the latest hold when the sink takes them (no lookup, no event), else as events. */
  private releaseEntries(t: DnsTransaction, packet: number, time: number): void {
    const state = this.state;
    if (state.releaseHeld !== undefined && t.clientHold !== null && (t.multicast || t.serverHold !== null)) {
      state.releaseHeld(t.clientHold, time, packet);
      if (t.serverHold !== null) state.releaseHeld(t.serverHold, time, packet);
      // A transaction kept for the report must not keep the ledger's entries alive with it.
      t.clientHold = null;
      t.serverHold = null;
      return;
    }
    const ref = entryRef(t);
    state.release({ endpoint: this.clientEndpoint(t), ref, time, packet });
    if (!t.multicast) state.release({ endpoint: this.serverEndpoint(t), ref, time, packet });
  }

  private clientEndpoint(t: DnsTransaction): EndpointRef {
    const last = this.lastClient;
    if (last !== null && last.address === t.clientAddress) return last;
    return (this.lastClient = { role: 'client', address: t.clientAddress, port: null });
  }

  private serverEndpoint(t: DnsTransaction): EndpointRef {
    const last = this.lastServer;
    if (last !== null && last.address === t.serverAddress && last.port === t.serverPort && last.transport === t.transport) return last;
    return (this.lastServer = { role: 'server', address: t.serverAddress, port: t.serverPort, transport: t.transport });
  }

  private list<T>(rows: T[], which: keyof DnsTracker['totals'], row: T): void {
    this.totals[which] += 1;
    if (rows.length < this.maxRecords) rows.push(row);
    else this.omitted.rows += 1;
  }
}

/**
 * The name a response is about: its question's, or, for one without a question (an mDNS answer or
 * announcement, RFC 6762 §6), its first answer record's (the name Zeek's dns.log gives such a row).
 */
function responseName(m: DnsMessage): string | null {
  return m.question?.name ?? m.answerRecords[0]?.name ?? null;
}

/**
 * Where framing may resume after a gap: a framed message that decodes whole, or the beginning of a
 * longer one whose header and question are readable (a response larger than one segment).
 */
function isMessageStart(bytes: Uint8Array, announced: number): boolean {
  const parsed = parseDnsMessage(bytes, announced, false);
  return parsed.message?.question != null && (bytes.length < announced || parsed.malformed === null);
}

function entryRef(t: DnsTransaction): EntryRef {
  return { proto: 'dns', id: t.index };
}

/** Same client address and question (the TCP retry comes from a new port). */
function retryKey(t: DnsTransaction): string {
  const q = t.question;
  return q ? `${t.clientAddress}|${lowerName(q)}|${q.type}|${q.class}` : `${t.clientAddress}|`;
}

/** A transaction with every field of its shape, to be filled by `query`. */
function blankTransaction(): DnsTransaction {
  return {
    index: 0, listed: false, tallied: false, id: 0, transport: 'udp', flowId: -1, clientAddress: '', clientPort: 0,
    serverAddress: '', serverPort: 0, multicast: false, question: null, updatedName: null, queryPacket: 0,
    retransmissionPackets: null, responsePackets: null, queryTime: 0, lastQueryTime: 0, response: null, rejected: null,
    duplicateResponses: 0, retriedOverTcp: null, responseFrom: null, idReused: false, clientHold: null, serverHold: null,
    lruPrev: null, lruNext: null,
  };
}
