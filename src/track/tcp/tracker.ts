/**
 * Stage 4: rebuilds every TCP connection. Flows are keyed by the 4-tuple (both directions, as
 * conversationKey), split on port reuse the way Wireshark numbers tcp.stream, and carry per
 * direction: sequence state, Wireshark's sequence-analysis counts, RFC 9293 endpoint states with
 * every transition, and a replica of Zeek's conn_state/history. The tracker is the only writer of
 * endpoint states (setState) and the only TCP source of state-ledger events.
 */
import { TCP_FLAG, type DecodedPacket, type TcpOptions, type TcpSegment } from '../../decode/packet.js';
import { sentByClient } from '../tuple-index.js';
import { isIpv4Key } from '../../decode/ip-layer.js';
import { ipv4TextOfKey } from '../../decode/address.js';
import { endpointString } from '../../flow/endpoint.js';
import type {
  TcpAnalysis, TcpFlowReport, TcpReport, TcpStateName, TcpTransition,
} from '../../model/tcp.js';
import { CONN_STATES } from '../../model/conn-states.js';
import {
  NO_STATE, type EndpointRef, type EntryHandle, type EntryRef, type StateKind, type StateSink, type BufferEvent,
} from '../../state/events.js';
import { ExchangeCounter, singleExchange, type Answer, type Exchanges, type FlowEvidence } from '../../state/evidence.js';
import { resetLoss } from './state-loss.js';
import { ClosedFlows } from './closed-flows.js';
import {
  ANALYSIS, ANY_RETRANSMISSION, SeqAnalysisConversation, SeqAnalysisFlow, afterSegment, analyseSegment,
  type AnalysedSegment,
} from './analysis.js';
import { TcpHalf } from './half.js';
import { DirectionReassembly, type DeliverySink } from './reassembly.js';
import { NO_SEQ, seqDiff } from './seq.js';
import { FlowTable, type TableEntry } from './table.js';
import { TimerHeap } from '../timer-heap.js';
import { DEFAULT_MAX_STATE_MB, MemoryBudget } from '../memory-budget.js';
import { holdsNoConnection, nextState, type EndpointEvent } from './state.js';
import type { FlowPacketLog, PacketRecorder } from './packet-recorder.js';
import type { ZeekSegment } from './zeek-session.js';
import { ZeekConnections } from './zeek-connections.js';
import { LIKELY_SERVER_PORTS } from './zeek-ports.js';

export interface TcpStreamInfo { id: number; client: string; clientPort: number; server: string; serverPort: number }

/** Receives each direction's in-order payload bytes (for DNS over TCP), one segment per data() call.
 *  Retransmitted bytes are delivered once; a hole that is never filled calls gap() with the bytes
 *  lost (0 when unknown), and delivery goes on past it. */
export interface TcpStreamListener {
  /** Asked once per flow, from its addresses and ports; the object passed may be reused after the call. */
  wants(flow: TcpStreamInfo): boolean;
  /** Returns false when it wants no more of this flow (not its protocol): nothing more is delivered, end() is not called. */
  data(flow: TcpStreamInfo, fromClient: boolean, bytes: Uint8Array, packet: number, time: number): boolean | void;
  gap(flow: TcpStreamInfo, fromClient: boolean, packet: number, lostBytes: number): void;
  /**
   * The flow was finalized (closed, timed out, evicted, capture end): whatever was kept for it can go.
   * For a flow that delivered no data() the object passed may be reused after the call.
   */
  end?(flow: TcpStreamInfo): void;
}

export interface TcpTrackerOptions {
  state?: StateSink;
  stream?: TcpStreamListener;
  /** 2*MSL seconds an active closer holds TIME-WAIT; default 60. */
  timeWait?: number;
  /** Seconds without a packet after which an open flow is finalized (Zeek's tcp_inactivity_timeout); default 300. */
  inactivityTimeout?: number;
  /** Seconds without a packet after which a flow its destination never answered is finalized (Zeek's tcp_attempt_delay); default 5. */
  attemptTimeout?: number;
  /** Live flows kept; the least recently seen is finalized beyond it. Default 100_000. */
  maxFlows?: number;
  /** Flows listed in the report (the first ones, by id); the others only count in the summary. Default 100_000. */
  maxRecords?: number;
  /** Estimated bytes the live flows may take (--max-state-mb); the least recently seen is finalized beyond it. */
  maxStateBytes?: number;
  /** Logs the first and last packets of flows for ladder diagrams; absent, nothing is logged. */
  recorder?: PacketRecorder;
}

const DEFAULT_TIME_WAIT = 60;
/** Zeek's tcp_inactivity_timeout: an open connection silent this long is taken as gone. */
export const DEFAULT_TCP_INACTIVITY_TIMEOUT = 300;
/** Zeek's tcp_attempt_delay: a connection attempt nobody answered for this long is over. */
export const DEFAULT_TCP_ATTEMPT_TIMEOUT = 5;
/**
 * A flow that is nothing but resets from one side ends this long after its last reset (Zeek's
 * tcp_close_delay): a lone RST creates no connection at either end, so a reset that arrives later
 * on the same 4-tuple is a new, separate event (Zeek logs each as its own connection; tshark keeps
 * one tcp.stream for the 4-tuple).
 */
const RESET_ONLY_LINGER = 5;
const DEFAULT_MAX_FLOWS = 100_000;
const DEFAULT_MAX_RECORDS = 100_000;
/**
 * Estimated heap of one live flow of one packet (a SYN-flood flow): the flow, its halves, its first
 * transitions, its table slots and its ledger entry. Measured: 30,000 spoofed SYNs, heap snapshot.
 */
export const TCP_FLOW_BYTES = 3_000;
/** What the Wireshark and Zeek replicas add once a second packet builds them. */
export const TCP_REPLICA_BYTES = 1_500;
/**
 * Estimated heap of a flow finalized by inactivity and kept for a late packet (DormantFlow): the
 * flow without its table slot, reassembly, unlisted transitions and ledger entries; its halves and
 * Wireshark's and Zeek's replicas (the sequence space a late packet needs) are most of it.
 * Measured in the tracker alone, marginal cost from 20,000 to 40,000 handshaken flows with data
 * each way, heap after GC: 3.5 KB each live, 3.2 KB each dormant. A dormant flow of one packet
 * keeps no replicas (TCP_REPLICA_BYTES less): 1.8 KB measured, live or dormant, for lone SYNs.
 */
export const TCP_DORMANT_BYTES = 3_200;

/** Shared by every flow outside tunnels and VLANs (most of them): frozen, so no row can change another's. */
const NO_LABELS = Object.freeze([]) as unknown as string[];
const NO_VLANS = Object.freeze([]) as unknown as number[];
/** Up to this many transitions, a flow's list is copied at each new one (exactly sized) instead of grown. */
const SMALL_TRANSITIONS = 8;

/** The halves of a flow over for good (TcpFlow.letGo); frozen, so that nothing can write to them. */
const GONE_HALF = Object.freeze(new TcpHalf()) as TcpHalf;

/** A flow nobody answered yet: one object for all of them (frozen: nobody can change another's). */
const NO_ANSWER: Answer = Object.freeze({ kind: 'none' });
/** The transitions of a flow that has none yet (frozen: setState replaces it, never pushes to it). */
const NO_TRANSITIONS = Object.freeze([]) as unknown as TcpTransition[];

interface ResumePoints { toServer: number | null; toClient: number | null }

/**
 * The parts of a flow that a lone SYN never needs (its reassembly, packet log, row and summary
 * counts, dormancy resume points, stream info): one field on the flow instead of seven.
 */
class FlowLater {
  toServer: DirectionReassembly | null = null;
  toClient: DirectionReassembly | null = null;
  log: FlowPacketLog | null = null;
  row: TcpFlowReport | null = null;
  counted: Counted | null = null;
  resumeNext: ResumePoints | null = null;
  streamInfo: TcpStreamInfo | null = null;
}

/** TcpFlow.bits. */
const FLOW_BIT = {
  WANTED: 1, SAW_SYN: 2, SAW_SYN_ACK: 4, SAW_HANDSHAKE_ACK: 8, FIRST_FROM_CLIENT: 16, RESETS_ONLY: 32, TOUCHED: 64, LISTED: 128,
  FIRST_PENDING: 256, CLOSED_BY_CLIENT: 512, CLOSED_BY_SERVER: 1024, LAST_FROM_KNOWN: 2048, LAST_FROM_CLIENT: 4096,
  WAITING: 8192, FIRST_SACK_PERMITTED: 16384, FIRST_TIMESTAMPS: 32768,
} as const;

/**
 * What a new flow's listener is asked wants() with (listeners decide from it and keep none of it),
 * and a lone SYN's flow is ended with: its addresses' text is made only if a listener reads it
 * (they decide by port).
 */
class ScratchInfo implements TcpStreamInfo {
  flow: TcpFlow | null = null;
  get id(): number { return (this.flow as TcpFlow).id; }
  get client(): string { return (this.flow as TcpFlow).clientAddress; }
  get clientPort(): number { return (this.flow as TcpFlow).clientPort; }
  get server(): string { return (this.flow as TcpFlow).serverAddress; }
  get serverPort(): number { return (this.flow as TcpFlow).serverPort; }
}
const scratch = new ScratchInfo();

/** Asks the listener whether it wants f's bytes, through the scratch info. */
function listenerWants(listener: TcpStreamListener, f: TcpFlow): boolean {
  scratch.flow = f;
  const wants = listener.wants(scratch);
  // A module-level object must not keep a flow after the call: the flow holds its listener, and
  // through it the trackers and the ledger with every row, after the analysis has ended.
  scratch.flow = null;
  return wants;
}

/** Ends f's stream at the listener through the scratch info (a flow that delivered no bytes). */
function listenerEnd(listener: TcpStreamListener | undefined, f: TcpFlow): void {
  if (listener?.end === undefined) return;
  scratch.flow = f;
  listener.end(scratch);
  scratch.flow = null;
}

/**
 * A TCP flow's end as the ledger is told of it, for an IPv4 address: its text is made only if the
 * ledger reads it (a new row, a cited flow), not for a flood's flows that reach a shared row.
 */
class Ipv4EndpointRef implements EndpointRef {
  constructor(
    readonly role: 'server' | 'client', readonly ipv4: number, readonly port: number | null, readonly transport: 'tcp' | undefined,
  ) {}

  get address(): string {
    return ipv4TextOfKey(this.ipv4);
  }
}

/**
 * One connection while it is live. A SYN flood keeps tens of thousands of these for as long as the
 * memory budget lets them live, far longer than V8's young generation holds them, so every byte
 * here is copied twice by the scavenger and promoted: a flow keeps what later packets need, and
 * builds the rest (its stream info, endpoint and entry refs, exchange counter, replicas) when used.
 */
class TcpFlow implements TableEntry<TcpFlow> {
  /** An IPv6 address's text; null for IPv4, whose text is made from its key when read (clientAddress). */
  private clientText: string | null;
  readonly clientPort: number;
  private serverText: string | null;
  readonly serverPort: number;
  /**
   * Each side's sequence state and RFC 9293 state. A lone SYN's flow (most of a flood's) waits
   * without them (FLOW_BIT.WAITING): TcpTracker.settle makes them, and the transitions, by
   * replaying its SYN when a second packet comes or the flow is finalized.
   */
  client!: TcpHalf;
  server!: TcpHalf;
  /** A waiting flow's ledger entry: the client's half-open hold, taken at its SYN (the client's half takes it when made). */
  firstEntry: EntryHandle | null = null;
  /**
   * Wireshark's and Zeek's views of the flow, built at its second packet (or when it is finalized)
   * by replaying the first one: a flow of one packet (a SYN flood) keeps only the first segment's
   * fields below (small integers, stored in place).
   */
  replicas: Replicas | null = null;
  firstFlags: number;
  /** Its sequence and acknowledgment numbers as int32 (x | 0): a small integer is stored in place, a double is boxed. */
  firstSeq32: number;
  firstAck32: number;
  firstLength: number;
  firstCaptured: number;
  firstWindow: number;
  /** The window scale its SYN offered; -1 for none. */
  firstWindowScale: number;
  /** The MSS its SYN offered; -1 for none (what a waiting flow's replay needs of the SYN's options). */
  firstMss = -1;
  reusedFlags = 0;
  transitions: TcpTransition[] = NO_TRANSITIONS;
  /** The flow's yes/no facts, one bit each (FLOW_BIT): a boolean field takes 8 bytes. */
  private bits: number = FLOW_BIT.RESETS_ONLY | FLOW_BIT.FIRST_PENDING;
  private readonly listener: TcpStreamListener | undefined;
  packets = 0;
  lastPacket: number;
  /**
   * Time of the latest packet, set by every packet. Initialised as a number: declared without a
   * value it starts as undefined, V8 keeps it as a tagged field, and every time stored is a new heap
   * number held from an old object (a write barrier too); a number field is updated in place.
   */
  end = 0;
  /** Request/response turns of the payload (created by the first payload), and how the server answered (roles from evidence). */
  exchanges: ExchangeCounter | null = null;
  answer: Answer = NO_ANSWER;
  /** When both ends have closed: the capture time at which the flow is finalized (see ClosedFlows). */
  closedDeadline: number | null = null;
  /** Next flow in the table bucket. */
  bucketNext: TcpFlow | null = null;
  /** The addresses' keys (IpLayer.srcKey / dstKey): what the flow table compares. */
  readonly clientKey: number;
  readonly serverKey: number;
  /** Bytes charged to the memory budget for this flow (refunded when it leaves the table). */
  charged = 0;
  /** Bumped whenever the flow's inactivity timer is set again (or it leaves the live table): older heap entries are stale. */
  timerGen = 0;
  /** What a flow of payload, a recorded one or a finalized one adds (FlowLater): null for a lone SYN. */
  private later: FlowLater | null = null;

  constructor(
    readonly id: number,
    readonly firstPacket: number,
    readonly start: number,
    clientKey: number, clientText: string | null, clientPort: number, serverKey: number, serverText: string | null, serverPort: number,
    first: DecodedPacket & { tcp: TcpSegment }, fromClient: boolean, waits: boolean,
    listener: TcpStreamListener | undefined,
    readonly tunnel: string[],
    readonly vlan: number[],
  ) {
    this.clientKey = clientKey;
    this.clientText = clientText;
    this.clientPort = clientPort;
    this.serverKey = serverKey;
    this.serverText = serverText;
    this.serverPort = serverPort;
    this.lastPacket = firstPacket;
    this.end = start;
    if (fromClient) this.bits |= FLOW_BIT.FIRST_FROM_CLIENT;
    this.listener = listener;
    const t = first.tcp;
    this.firstFlags = t.flags;
    this.firstSeq32 = t.seq | 0;
    this.firstAck32 = t.ack | 0;
    this.firstLength = t.payloadLength;
    this.firstCaptured = t.captured;
    this.firstWindow = t.window;
    this.firstWindowScale = t.flags & TCP_FLAG.SYN ? t.options?.windowScale ?? -1 : -1;
    if (waits) {
      const o = t.options;
      if (o !== undefined) {
        this.firstMss = o.mss ?? -1;
        if (o.sackPermitted) this.bits |= FLOW_BIT.FIRST_SACK_PERMITTED;
        if (o.timestamp !== undefined) this.bits |= FLOW_BIT.FIRST_TIMESTAMPS;
      }
      this.bits |= FLOW_BIT.WAITING;
    } else {
      this.client = new TcpHalf();
      this.server = new TcpHalf();
    }
    this.wanted = listener !== undefined && listenerWants(listener, this);
  }

  get clientAddress(): string {
    return this.clientText ?? ipv4TextOfKey(this.clientKey);
  }

  get serverAddress(): string {
    return this.serverText ?? ipv4TextOfKey(this.serverKey);
  }

  /** The stream listener wants this flow's bytes (until it declines them). */
  get wanted(): boolean { return this.has(FLOW_BIT.WANTED); }
  set wanted(v: boolean) { this.flag(FLOW_BIT.WANTED, v); }
  get sawSyn(): boolean { return this.has(FLOW_BIT.SAW_SYN); }
  set sawSyn(v: boolean) { this.flag(FLOW_BIT.SAW_SYN, v); }
  get sawSynAck(): boolean { return this.has(FLOW_BIT.SAW_SYN_ACK); }
  set sawSynAck(v: boolean) { this.flag(FLOW_BIT.SAW_SYN_ACK, v); }
  get sawHandshakeAck(): boolean { return this.has(FLOW_BIT.SAW_HANDSHAKE_ACK); }
  set sawHandshakeAck(v: boolean) { this.flag(FLOW_BIT.SAW_HANDSHAKE_ACK, v); }
  get firstFromClient(): boolean { return this.has(FLOW_BIT.FIRST_FROM_CLIENT); }
  /** Every packet so far was a RST sent by the side that sent the first one. */
  get resetsOnly(): boolean { return this.has(FLOW_BIT.RESETS_ONLY); }
  set resetsOnly(v: boolean) { this.flag(FLOW_BIT.RESETS_ONLY, v); }
  /** Seen again since the eviction hand last passed it (CLOCK approximation of LRU). */
  get touched(): boolean { return this.has(FLOW_BIT.TOUCHED); }
  set touched(v: boolean) { this.flag(FLOW_BIT.TOUCHED, v); }
  /** In the table. */
  get listed(): boolean { return this.has(FLOW_BIT.LISTED); }
  set listed(v: boolean) { this.flag(FLOW_BIT.LISTED, v); }
  /** A lone SYN's flow without its halves and transitions yet (see TcpTracker.waitFirst). */
  get waiting(): boolean { return this.has(FLOW_BIT.WAITING); }
  set waiting(v: boolean) { this.flag(FLOW_BIT.WAITING, v); }
  /** The first segment waits for the replicas (see replay). */
  get firstPending(): boolean { return this.has(FLOW_BIT.FIRST_PENDING); }
  set firstPending(v: boolean) { this.flag(FLOW_BIT.FIRST_PENDING, v); }

  /** The side that sent the first FIN. */
  get closedBy(): 'client' | 'server' | null {
    const b = this.bits;
    return b & FLOW_BIT.CLOSED_BY_CLIENT ? 'client' : b & FLOW_BIT.CLOSED_BY_SERVER ? 'server' : null;
  }

  set closedBy(v: 'client' | 'server' | null) {
    this.bits = (this.bits & ~(FLOW_BIT.CLOSED_BY_CLIENT | FLOW_BIT.CLOSED_BY_SERVER))
      | (v === 'client' ? FLOW_BIT.CLOSED_BY_CLIENT : v === 'server' ? FLOW_BIT.CLOSED_BY_SERVER : 0);
  }

  /** The previous packet came from the client (null before the first). */
  get lastFromClient(): boolean | null {
    const b = this.bits;
    return b & FLOW_BIT.LAST_FROM_KNOWN ? (b & FLOW_BIT.LAST_FROM_CLIENT) !== 0 : null;
  }

  set lastFromClient(v: boolean | null) {
    this.bits = (this.bits & ~(FLOW_BIT.LAST_FROM_KNOWN | FLOW_BIT.LAST_FROM_CLIENT))
      | (v === null ? 0 : FLOW_BIT.LAST_FROM_KNOWN | (v ? FLOW_BIT.LAST_FROM_CLIENT : 0));
  }

  private has(bit: number): boolean {
    return (this.bits & bit) !== 0;
  }

  private flag(bit: number, v: boolean): void {
    this.bits = v ? this.bits | bit : this.bits & ~bit;
  }

  /** What stream listeners are given (built when first asked, then the same object for the flow's life). */
  get info(): TcpStreamInfo {
    return this.more().streamInfo ??= {
      id: this.id, client: this.clientAddress, clientPort: this.clientPort, server: this.serverAddress, serverPort: this.serverPort,
    };
  }

  /** What the client / the server sent, as its receiver reassembles it (created when first needed). */
  get toServer(): DirectionReassembly | null { return this.later === null ? null : this.later.toServer; }
  set toServer(v: DirectionReassembly | null) { if (v !== null || this.later !== null) this.more().toServer = v; }
  get toClient(): DirectionReassembly | null { return this.later === null ? null : this.later.toClient; }
  set toClient(v: DirectionReassembly | null) { if (v !== null || this.later !== null) this.more().toClient = v; }
  /** Ladder packet log, when this flow is recorded. */
  get log(): FlowPacketLog | null { return this.later === null ? null : this.later.log; }
  set log(v: FlowPacketLog | null) { if (v !== null || this.later !== null) this.more().log = v; }
  /** Its row, once it was finalized by inactivity and a late packet continued it (completed again in place). */
  get row(): TcpFlowReport | null { return this.later === null ? null : this.later.row; }
  set row(v: TcpFlowReport | null) { if (v !== null || this.later !== null) this.more().row = v; }
  /** What its earlier finalize added to the summary (taken back when it is finalized again). */
  get counted(): Counted | null { return this.later === null ? null : this.later.counted; }
  set counted(v: Counted | null) { if (v !== null || this.later !== null) this.more().counted = v; }
  /** Where each direction's reassembly had got to when the flow went dormant (null: from the ISN). */
  get resumeNext(): ResumePoints | null { return this.later === null ? null : this.later.resumeNext; }
  set resumeNext(v: ResumePoints | null) { if (v !== null || this.later !== null) this.more().resumeNext = v; }

  private more(): FlowLater {
    return this.later ??= new FlowLater();
  }

  /**
   * The ledger's view of the client and the server (built per event: the ledger copies what it
   * keeps), with an IPv4 address's value, by which the ledger finds the row.
   */
  get clientRef(): EndpointRef {
    return this.clientText === null
      ? new Ipv4EndpointRef('client', this.clientKey, null, undefined)
      : { role: 'client', address: this.clientText, port: null };
  }

  get serverRef(): EndpointRef {
    return this.serverText === null
      ? new Ipv4EndpointRef('server', this.serverKey, this.serverPort, 'tcp')
      : { role: 'server', address: this.serverText, port: this.serverPort, transport: 'tcp' };
  }

  get ref(): EntryRef {
    return { proto: 'tcp', id: this.id };
  }

  /** Builds the replicas from the first packet (replayed exactly as if they had seen it then). */
  replay(): Replicas {
    if (this.replicas !== null) return this.replicas;
    const fromClient = this.firstFromClient;
    const f: FirstSegment = {
      fromClient, flags: this.firstFlags, seq: this.firstSeq32 >>> 0, ack: this.firstAck32 >>> 0, length: this.firstLength,
      captured: this.firstCaptured, window: this.firstWindow, time: this.start,
      windowScale: this.firstWindowScale === -1 ? undefined : this.firstWindowScale,
      srcPort: fromClient ? this.clientPort : this.serverPort, dstPort: fromClient ? this.serverPort : this.clientPort,
      reusedFlags: this.reusedFlags,
    };
    const r: Replicas = {
      wsClient: new SeqAnalysisFlow(),
      wsServer: new SeqAnalysisFlow(),
      wsConversation: new SeqAnalysisConversation(),
      zeek: new ZeekConnections(f, f.srcPort, f.dstPort, this.firstPacket),
      analysis: {
        retransmissions: 0, outOfOrder: 0, duplicateAcks: 0, zeroWindows: 0, keepAlives: 0, windowFull: 0, lostSegments: 0,
      },
    };
    this.replicas = r;
    this.firstPending = false;
    const bits = analyseInto(this, r, f.fromClient, f, f.windowScale, f.reusedFlags);
    this.log?.setAnalysis(this.firstPacket, bits);
    r.zeek.observe(f, f.srcPort, f.dstPort, this.firstPacket);
    return r;
  }

  /**
   * The flow is over for good (finalized and out of every table): it lets go of what it built. By
   * then it is in V8's old generation (a flood's flows live through many scavenges), and a scavenge
   * keeps whatever an old object points to, whether the old object is alive or not, until the next
   * full GC: the replicas, halves, transitions and counts its finalize just made would be copied and
   * promoted, ~2 KB for each evicted flood flow. Nothing reads a flow after this (the queues that may
   * still hold it read only its bits).
   */
  letGo(): void {
    this.replicas = null;
    this.later = null;
    this.exchanges = null;
    this.transitions = NO_TRANSITIONS;
    this.firstEntry = null;
    this.client = GONE_HALF;
    this.server = GONE_HALF;
  }

  /** A waiting flow's SYN, as update() read it (the replay in TcpTracker.settle); reused for every flow. */
  firstSegment(): DecodedPacket & { tcp: TcpSegment } {
    const p = scratchFirst;
    const t = p.tcp;
    p.number = this.firstPacket;
    p.time = this.start;
    t.flags = this.firstFlags;
    t.seq = this.firstSeq32 >>> 0;
    t.ack = this.firstAck32 >>> 0;
    t.window = this.firstWindow;
    t.payloadLength = this.firstLength;
    t.captured = this.firstCaptured;
    const fromClient = this.firstFromClient;
    t.srcPort = fromClient ? this.clientPort : this.serverPort;
    t.dstPort = fromClient ? this.serverPort : this.clientPort;
    const o = scratchFirstOptions;
    o.mss = this.firstMss === -1 ? undefined : this.firstMss;
    o.windowScale = this.firstWindowScale === -1 ? undefined : this.firstWindowScale;
    o.sackPermitted = this.has(FLOW_BIT.FIRST_SACK_PERMITTED);
    o.timestamp = this.has(FLOW_BIT.FIRST_TIMESTAMPS) ? SOME_TIMESTAMP : undefined;
    return p;
  }

  half(fromClient: boolean): TcpHalf {
    return fromClient ? this.client : this.server;
  }

  /** The reassembly of what one side sent, created when first needed (most flows never need both). */
  reassembly(fromClient: boolean): DirectionReassembly {
    const existing = fromClient ? this.toServer : this.toClient;
    if (existing !== null) return existing;
    const sink = this.wanted && this.listener ? sinkFor(this.listener, this, fromClient) : null;
    const created = new DirectionReassembly(sink);
    const sender = this.half(fromClient);
    const resumed = fromClient ? this.resumeNext?.toServer : this.resumeNext?.toClient;
    if (resumed !== undefined && resumed !== null) created.start(resumed);
    else if (sender.isn !== NO_SEQ) created.start((sender.isn + 1) >>> 0);
    if (fromClient) this.toServer = created;
    else this.toClient = created;
    return created;
  }
}

/**
 * A waiting flow's SYN when it is replayed. Its options carry only what update() reads of a SYN's:
 * the MSS, window scale and SACK-permitted values, and whether it had timestamps.
 */
const scratchFirstOptions: TcpOptions = { sackPermitted: false };
const SOME_TIMESTAMP = Object.freeze({ value: 0, echo: 0 });
const scratchFirst: DecodedPacket & { tcp: TcpSegment } = {
  number: 0, time: 0, linkType: 0,
  tcp: {
    srcPort: 0, dstPort: 0, seq: 0, ack: 0, flags: 0, window: 0, headerLength: 0, payloadLength: 0, captured: 0,
    payload: new Uint8Array(0), options: scratchFirstOptions, urgentPointer: 0,
  },
};

function sinkFor(listener: TcpStreamListener, flow: TcpFlow, fromClient: boolean): DeliverySink {
  return {
    wanted: () => flow.wanted,
    data: (bytes, packet, time) => {
      if (flow.wanted && listener.data(flow.info, fromClient, bytes, packet, time) === false) flow.wanted = false;
    },
    gap: (packet, lostBytes) => {
      if (flow.wanted) listener.gap(flow.info, fromClient, packet, lostBytes);
    },
  };
}

/** What a flow's finalize added to the tracker's summary. */
interface Counted {
  packets: number;
  retransmissions: number;
  connState: TcpFlowReport['connState'];
  handshake: TcpFlowReport['handshake'];
  /** Counted as omitted (beyond maxRecords). */
  omitted: boolean;
}

/**
 * A flow finalized by inactivity, kept so that a late packet on its 4-tuple continues it, as tshark
 * continues its tcp.stream: the flow itself, with its id, both halves (sequence space and RFC 9293
 * states), Wireshark's and Zeek's replicas (so the late packet is analysed as tshark and Zeek
 * would), the exchanges so far and its row. Its table slot, reassembly and ledger entries are gone.
 */
class DormantFlow implements TableEntry<DormantFlow> {
  readonly clientPort: number;
  readonly serverPort: number;
  readonly clientKey: number;
  readonly serverKey: number;
  touched = false;
  bucketNext: DormantFlow | null = null;
  listed = false;

  constructor(readonly flow: TcpFlow) {
    this.clientPort = flow.clientPort;
    this.serverPort = flow.serverPort;
    this.clientKey = flow.clientKey;
    this.serverKey = flow.serverKey;
  }

  get clientAddress(): string {
    return this.flow.clientAddress;
  }

  get serverAddress(): string {
    return this.flow.serverAddress;
  }
}

/** Wireshark's and Zeek's replicas of one flow. */
interface Replicas {
  readonly wsClient: SeqAnalysisFlow;
  readonly wsServer: SeqAnalysisFlow;
  readonly wsConversation: SeqAnalysisConversation;
  readonly zeek: ZeekConnections;
  /** Wireshark's analysis flags counted (built with the replicas: a one-packet flow waits for its finalize). */
  readonly analysis: TcpAnalysis;
}

/** What the replicas need of a flow's first packet (kept until they are built). */
interface FirstSegment extends ZeekSegment, AnalysedSegment {
  windowScale: number | undefined;
  srcPort: number;
  dstPort: number;
  reusedFlags: number;
}

/** Runs Wireshark's analysis of one segment, counts its flags and returns them. */
function analyseInto(
  flow: TcpFlow, r: Replicas, fromClient: boolean, seg: AnalysedSegment, windowScale: number | undefined, reusedFlags: number,
): number {
  const fwd = fromClient ? r.wsClient : r.wsServer;
  const rev = fromClient ? r.wsServer : r.wsClient;
  const ta = analyseSegment(fwd, rev, r.wsConversation, seg, reusedFlags);
  countAnalysis(r.analysis, ta);
  afterSegment(fwd, rev, r.wsConversation, seg, windowScale);
  return ta;
}

/** Reused for every packet: the replicas read these fields and keep none of the objects. */
const scratchZeek: ZeekSegment = { fromClient: false, flags: 0, seq: 0, ack: 0, length: 0, captured: 0, window: 0, time: 0 };
const scratchSegment: AnalysedSegment = { seq: 0, ack: 0, length: 0, flags: 0, window: 0, time: 0 };

function fillZeekSegment(z: ZeekSegment, pkt: DecodedPacket & { tcp: TcpSegment }, fromClient: boolean): ZeekSegment {
  const t = pkt.tcp;
  z.fromClient = fromClient;
  z.flags = t.flags;
  z.seq = t.seq;
  z.ack = t.ack;
  z.length = t.payloadLength;
  z.captured = t.captured;
  z.window = t.window;
  z.time = pkt.time;
  return z;
}

/**
 * Reused for every buffer event (most data packets send one or two): a sink reads an event during
 * the call and keeps none of it (StateSink contract).
 */
const scratchBuffer: BufferEvent = { endpoint: { role: 'client', address: '', port: null }, ref: { proto: 'tcp', id: 0 }, bytes: 0, time: 0, packet: 0 };

function fillBuffer(endpoint: EndpointRef, ref: EntryRef, bytes: number, pkt: DecodedPacket): BufferEvent {
  const e = scratchBuffer;
  e.endpoint = endpoint;
  e.ref = ref;
  e.bytes = bytes;
  e.time = pkt.time;
  e.packet = pkt.number;
  return e;
}

/** Ledger kind an endpoint holds in a state (null: nothing for this connection). */
function kindFor(state: TcpStateName): StateKind | null {
  if (holdsNoConnection(state)) return null;
  if (state === 'SYN-SENT' || state === 'SYN-RECEIVED') return 'tcpHalfOpen';
  if (state === 'TIME-WAIT') return 'tcpTimeWait';
  return 'tcpConnections';
}

export class TcpTracker {
  private readonly sink: StateSink;
  private readonly listener: TcpStreamListener | undefined;
  private readonly recorder: PacketRecorder | undefined;
  private readonly timeWait: number;
  private readonly maxFlows: number;
  private readonly live = new FlowTable<TcpFlow>();
  private readonly closed: ClosedFlows<TcpFlow>;
  private readonly inactivityTimeout: number;
  private readonly attemptTimeout: number;
  /** Each live flow's inactivity deadline as last set (lazily: a flow seen since is set again when reached). */
  private readonly timers = new TimerHeap<TcpFlow>();
  /** Flows finalized by inactivity, kept for a late packet (bounded like the live table, and in its budget). */
  private readonly dormant = new FlowTable<DormantFlow>();
  /** The latest packet seen (the ledger releases of a sweep between packets are dated to it). */
  private latestPacket = 0;
  private latestTime = 0;
  private readonly maxRecords: number;
  private readonly done: TcpFlowReport[] = [];
  /** Over every finalized flow, listed or not. */
  private readonly summary: TcpReport['summary'] = {
    flows: 0, packets: 0, connStates: {}, handshakes: { complete: 0, partial: 0, missing: 0 }, retransmissions: 0,
  };
  private nextId = 0;
  private evicted = 0;
  private evictedOpen = 0;
  /** Evicted to stay within the memory budget (--max-state-mb), and those of them still open. */
  private evictedMemory = 0;
  private evictedMemoryOpen = 0;
  private readonly budget: MemoryBudget;
  private omitted = 0;
  /** A waiting flow's SYN is being replayed (settle): the ledger is not told again. */
  private settling = false;

  constructor(options: TcpTrackerOptions = {}) {
    this.sink = options.state ?? NO_STATE;
    this.listener = options.stream;
    this.recorder = options.recorder;
    this.timeWait = options.timeWait ?? DEFAULT_TIME_WAIT;
    this.closed = new ClosedFlows(this.timeWait);
    this.inactivityTimeout = options.inactivityTimeout ?? DEFAULT_TCP_INACTIVITY_TIMEOUT;
    this.attemptTimeout = options.attemptTimeout ?? DEFAULT_TCP_ATTEMPT_TIMEOUT;
    this.maxFlows = Math.max(1, options.maxFlows ?? DEFAULT_MAX_FLOWS);
    this.maxRecords = Math.max(0, options.maxRecords ?? DEFAULT_MAX_RECORDS);
    this.budget = options.maxStateBytes === undefined ? MemoryBudget.ofMegabytes(DEFAULT_MAX_STATE_MB) : new MemoryBudget(options.maxStateBytes);
  }

  /** Flows finalized early because their estimated memory passed the budget (--max-state-mb). */
  get evictedFlowsForMemory(): number {
    return this.evictedMemory;
  }

  /** Of those, the ones still open: their results are partial. */
  get evictedOpenFlowsForMemory(): number {
    return this.evictedMemoryOpen;
  }

  /** Flows finalized early because more than maxFlows were live. */
  get evictedFlows(): number {
    return this.evicted;
  }

  /** Of those, the ones still open (not closed or in TIME-WAIT at either end): their results are partial. */
  get evictedOpenFlows(): number {
    return this.evictedOpen;
  }

  /** Flows finalized by inactivity and kept for a late packet now. */
  get dormantFlows(): number {
    return this.dormant.size;
  }

  /** Flows counted in the summary but not listed, beyond maxRecords. */
  get omittedFlows(): number {
    return this.omitted;
  }

  /** pkt.ip and pkt.tcp are set. Called in capture order. */
  observe(pkt: DecodedPacket): void {
    const ip = pkt.ip;
    const tcp = pkt.tcp;
    if (!ip || !tcp) return;
    const p = pkt as DecodedPacket & { tcp: TcpSegment };
    this.latestPacket = pkt.number;
    this.latestTime = pkt.time;
    // Flows that ended on capture time free their table slot before any eviction is needed.
    this.expire(pkt.time);
    const flags = tcp.flags;
    const pureSyn = (flags & (TCP_FLAG.SYN | TCP_FLAG.ACK)) === TCP_FLAG.SYN;
    const synAck = (flags & (TCP_FLAG.SYN | TCP_FLAG.ACK)) === (TCP_FLAG.SYN | TCP_FLAG.ACK);
    let flow = this.live.get(ip, tcp.srcPort, tcp.dstPort);
    if (flow === undefined && this.dormant.size > 0) flow = this.wake(p);
    if (flow !== undefined && flow.waiting) this.settle(flow);
    let reusedFlags = 0;
    let fromClient = false;
    if (flow && flow.resetsOnly && pkt.time - flow.end >= RESET_ONLY_LINGER) {
      this.finalize(flow);
      this.drop(flow);
      flow.letGo();
      flow = undefined;
    }
    if (flow) {
      fromClient = sentByClient(flow, ip, tcp.srcPort);
      if (flow.replicas === null) this.charge(flow, TCP_REPLICA_BYTES);
      const replicas = flow.replay();
      const fwd = fromClient ? replicas.wsClient : replicas.wsServer;
      // Wireshark: a SYN whose sequence number differs from the direction's base starts a new
      // conversation (port reuse); a SYN-ACK with a new sequence number re-bases the direction.
      if (pureSyn && fwd.baseSet && tcp.seq !== fwd.baseSeq) {
        this.finalize(flow);
        this.drop(flow);
        flow.letGo();
        flow = undefined;
        reusedFlags = ANALYSIS.REUSED_PORTS;
      } else if (pureSyn && fwd.baseSet) {
        // The same SYN again (a retry after a reset): a RST may have carried the peer's ACK as its
        // sequence number (Wireshark issue 17616), so the next expected byte goes back.
        fwd.nextSeq = fwd.maxSeqToBeAcked;
      } else if (synAck && fwd.baseSet && tcp.seq !== fwd.baseSeq) {
        fwd.baseSeq = tcp.seq;
        reusedFlags = ANALYSIS.REUSED_PORTS;
      }
    }
    if (!flow) {
      this.makeRoom(p, TCP_FLOW_BYTES);
      flow = this.create(p);
      this.live.add(flow);
      this.charge(flow, TCP_FLOW_BYTES);
      this.setTimer(flow);
      if (flow.waiting) {
        this.waitFirst(flow, p, reusedFlags);
        return;
      }
      fromClient = sentByClient(flow, ip, tcp.srcPort);
    } else {
      flow.touched = true;
    }
    this.update(flow, p, fromClient, reusedFlags);
    this.noteClosed(flow, p.time);
  }

  /**
   * Capture time reached `now`: flows whose both ends closed and whose TIME-WAIT (or close linger)
   * has run out are finalized; flows silent past their inactivity timeout go dormant.
   */
  expire(now: number): void {
    for (let done = this.closed.takeDue(now); done !== undefined; done = this.closed.takeDue(now)) {
      this.drop(done);
      this.finalize(done);
      done.letGo();
    }
    while (this.timers.topAt <= now) {
      const flow = this.timers.topItem;
      const gen = this.timers.topGen;
      this.timers.pop();
      if (!isCurrent(flow, gen)) continue;
      const at = flow.end + this.timeoutOf(flow);
      // Seen since the timer was set, or closing (ClosedFlows finalizes it): set again, lazily.
      if (at > now || flow.closedDeadline !== null) {
        const next = Math.max(at, flow.closedDeadline ?? at);
        // Never set again for a time already past (it would pop at once, for ever): a closing flow
        // whose deadline passed is ClosedFlows' to finalize, even when capture time went back and
        // queued it behind a later one.
        if (next > now) this.pushTimer(flow, next);
        continue;
      }
      if (flow.resetsOnly) {
        this.drop(flow);
        this.finalize(flow);
        flow.letGo();
      } else {
        this.sleep(flow);
      }
    }
    if (this.timers.size > 1024 && this.timers.size > 2 * this.live.size) {
      this.timers.retain(isCurrent);
    }
  }

  /**
   * Seconds of silence after which a live flow ends: Zeek's tcp_attempt_delay while its
   * destination never answered, RESET_ONLY_LINGER for a flow of lone resets, else Zeek's
   * tcp_inactivity_timeout.
   */
  private timeoutOf(flow: TcpFlow): number {
    if (flow.resetsOnly) return RESET_ONLY_LINGER;
    return flow.answer.kind === 'none' ? this.attemptTimeout : this.inactivityTimeout;
  }

  private setTimer(flow: TcpFlow): void {
    flow.timerGen++;
    this.pushTimer(flow, flow.end + this.timeoutOf(flow));
  }

  private pushTimer(flow: TcpFlow, at: number): void {
    this.timers.push(flow, at, flow.timerGen);
  }

  /**
   * Finalizes a flow silent past its timeout: its row is written, its table slot, reassembly and
   * estimate are freed, and a DormantFlow keeps what a late packet needs to continue it. Its ends
   * keep holding it in the ledger: an endpoint keeps an open connection however long it is silent
   * (nothing in the capture closed it), and a restart in the silence would break a client that
   * comes back on it. They release it when the record is forgotten, as at an eviction.
   */
  private sleep(flow: TcpFlow): void {
    this.drop(flow);
    // A flow of one packet (a lone SYN: most attempts) keeps that packet, not the replicas its row
    // needs: a late packet rebuilds them by replaying it, exactly as at its second packet.
    const first = flow.replicas === null;
    this.complete(flow, false);
    if (first) {
      flow.replicas = null;
      flow.firstPending = true;
    }
    // complete() gave up bytes held above a hole (a gap): a late segment is reassembled from
    // where delivery had got to.
    flow.resumeNext = { toServer: resumePoint(flow.toServer), toClient: resumePoint(flow.toClient) };
    flow.toServer = null;
    flow.toClient = null;
    // A listed row holds the transitions anyway; an unlisted flow keeps none of its past ones.
    if (flow.row === null) flow.transitions = NO_TRANSITIONS;
    this.dormant.add(new DormantFlow(flow));
    this.charge(flow, flow.replicas === null ? TCP_DORMANT_BYTES - TCP_REPLICA_BYTES : TCP_DORMANT_BYTES);
    if (this.dormant.size > this.maxFlows) this.forgetDormant();
  }

  /**
   * A packet on the 4-tuple of a dormant flow continues it (tshark's tcp.stream goes on), with its
   * id, sequence space, replicas and ledger entries. A SYN with a new sequence number is a new
   * connection instead: observe finalizes the flow at once, as for port reuse on a live flow.
   */
  private wake(pkt: DecodedPacket & { tcp: TcpSegment }): TcpFlow | undefined {
    const ip = pkt.ip as NonNullable<DecodedPacket['ip']>;
    const t = pkt.tcp;
    const record = this.dormant.get(ip, t.srcPort, t.dstPort);
    if (record === undefined) return undefined;
    const flow = this.takeDormant(record);
    // A record of one packet gets its replicas (and their charge) from this packet on, in observe.
    const bytes = flow.replicas === null ? TCP_FLOW_BYTES : TCP_FLOW_BYTES + TCP_REPLICA_BYTES;
    this.makeRoom(pkt, bytes);
    flow.touched = false;
    this.live.add(flow);
    this.charge(flow, bytes);
    this.setTimer(flow);
    return flow;
  }

  /** Drops the oldest dormant record (its late packets would start a new flow); false when none. */
  private forgetDormant(): boolean {
    const record = this.dormant.victim();
    if (record === undefined) return false;
    this.takeDormant(record);
    this.releaseHeld(record.flow, { packet: this.latestPacket, time: this.latestTime }, true);
    this.sink.flow?.(this.evidenceOf(record.flow));
    record.flow.letGo();
    return true;
  }

  /**
   * Makes room for one more live flow of `bytes`, so that it is never the one evicted. A flow whose
   * both ends closed (TIME-WAIT aside) is finalized first, then a dormant record is forgotten: that
   * is no eviction, nothing is lost. Only then is an open flow evicted.
   */
  private makeRoom(pkt: DecodedPacket, bytes: number): void {
    if (this.live.size >= this.maxFlows && !this.finalizeClosed()) this.evictOne(pkt, false);
    while (this.live.size + this.dormant.size > 0 && this.budget.exceededBy(bytes)) {
      if (!this.finalizeClosed() && !this.forgetDormant()) this.evictOne(pkt, true);
    }
  }

  /** Both ends hold nothing but TIME-WAIT: the flow is due for finalizing (ClosedFlows); else not. */
  private noteClosed(flow: TcpFlow, time: number): void {
    const c = flow.client.heldKind;
    const s = flow.server.heldKind;
    const closed = flow.transitions.length > 0 && !flow.resetsOnly && (c === null || c === 'tcpTimeWait') && (s === null || s === 'tcpTimeWait')
      && !(flow.client.state === 'CLOSED' && flow.server.state === 'LISTEN');
    if (closed) this.closed.note(flow, time);
    else flow.closedDeadline = null;
  }

  /** End of capture: finalize every flow. Flows ordered by firstPacket. */
  finish(): TcpReport {
    for (const flow of this.live.values()) this.finalize(flow);
    this.live.clear();
    const records = [...this.dormant.values()].sort((a, b) => a.flow.firstPacket - b.flow.firstPacket);
    for (const record of records) this.sink.flow?.(this.evidenceOf(record.flow));
    this.dormant.clear();
    const flows = this.done.sort((a, b) => a.firstPacket - b.firstPacket || a.id - b.id);
    // The schema's order of states (Zeek's documentation order), whatever order flows ended in.
    const connStates: TcpReport['summary']['connStates'] = {};
    for (const state of CONN_STATES) if (this.summary.connStates[state] !== undefined) connStates[state] = this.summary.connStates[state];
    return { flows, summary: { ...this.summary, connStates } };
  }

  // ---------------------------------------------------------------- flow table

  private create(pkt: DecodedPacket & { tcp: TcpSegment }): TcpFlow {
    const ip = pkt.ip as NonNullable<DecodedPacket['ip']>;
    const t = pkt.tcp;
    const srcIsClient = clientIsSource(t.flags, t.srcPort, t.dstPort);
    const [cKey, cPort, sKey, sPort] = srcIsClient
      ? [ip.srcKey, t.srcPort, ip.dstKey, t.dstPort]
      : [ip.dstKey, t.dstPort, ip.srcKey, t.srcPort];
    // An IPv4 key is the address: its text is made when read. An IPv6 key is a hash, so its text
    // is kept (the packet's bytes are not), as is an IP layer's without keys (built by hand).
    const cText = isIpv4Key(cKey) ? null : srcIsClient ? ip.src : ip.dst;
    const sText = isIpv4Key(sKey) ? null : srcIsClient ? ip.dst : ip.src;
    // A lone SYN (no payload, not logged) waits without halves and transitions: see waitFirst.
    const waits = (t.flags & (TCP_FLAG.SYN | TCP_FLAG.ACK | TCP_FLAG.FIN | TCP_FLAG.RST)) === TCP_FLAG.SYN
      && t.payloadLength === 0 && t.captured === 0 && this.recorder === undefined;
    const flow = new TcpFlow(
      this.nextId++, pkt.number, pkt.time, cKey, cText, cPort, sKey, sText, sPort, pkt, srcIsClient, waits, this.listener,
      pkt.tunnels ? [...pkt.tunnels] : NO_LABELS, pkt.vlans ? [...pkt.vlans] : NO_VLANS,
    );
    if (this.recorder !== undefined) flow.log = this.recorder.logFor(flow.id);
    return flow;
  }

  /**
   * A new flow's first packet is a lone SYN (from its client: clientIsSource): a flood's flows are
   * nothing else, and most are evicted before a second packet. Its halves and transitions would be
   * a third of what it keeps, promoted with it. So only what update() would tell others is done now,
   * the ledger's hold of the client's SYN-SENT (its server goes to LISTEN, which holds nothing;
   * a SYN has no bytes in flight, so there is no buffer event), with the flow's own counts; settle
   * replays the SYN through update() for the rest when it is needed.
   */
  private waitFirst(flow: TcpFlow, pkt: DecodedPacket & { tcp: TcpSegment }, reusedFlags: number): void {
    flow.reusedFlags = reusedFlags;
    flow.packets = 1;
    flow.resetsOnly = false;
    flow.sawSyn = true;
    flow.lastFromClient = true;
    flow.firstEntry = this.hold(flow, 'client', 'tcpHalfOpen', pkt);
  }

  /**
   * Makes a waiting flow's halves and transitions: its SYN goes through update() again, exactly as
   * at its arrival, with the ledger left out (holdFor takes the entry held then: settling).
   */
  private settle(flow: TcpFlow): void {
    flow.waiting = false;
    flow.client = new TcpHalf();
    flow.server = new TcpHalf();
    // Back to the flow before its SYN (as the constructor left it), for update() to count it again.
    flow.packets = 0;
    flow.resetsOnly = true;
    flow.sawSyn = false;
    flow.lastFromClient = null;
    this.settling = true;
    this.update(flow, flow.firstSegment(), true, flow.reusedFlags);
    this.settling = false;
    flow.firstEntry = null;
  }

  /**
   * Finalizes a least recently seen flow (the table's CLOCK hand picks it) and counts it. statecap
   * stops following it, so the state its endpoints held for it is released now; a TIME-WAIT entry
   * is left to expire by itself, as it would have.
   */
  private evictOne(pkt: DecodedPacket, forMemory: boolean): void {
    const flow = this.live.victim();
    if (flow === undefined) return;
    this.drop(flow);
    this.finalize(flow);
    if (forMemory) this.evictedMemory++;
    else this.evicted++;
    const open = this.releaseHeld(flow, { packet: pkt.number, time: pkt.time }, true);
    if (open && forMemory) this.evictedMemoryOpen++;
    else if (open) this.evictedOpen++;
    flow.letGo();
  }

  /**
   * statecap stops following the flow: what its ends held for it is released at `at`. A TIME-WAIT
   * entry expires by itself; it is kept when `keepTimeWait`. True when an end held more than that.
   */
  private releaseHeld(flow: TcpFlow, at: { packet: number; time: number }, keepTimeWait: boolean): boolean {
    if (flow.waiting) {
      // Never settled (complete): its one hold is its client's half-open one (waitFirst).
      this.releaseSide(flow, 'client', at.time, at.packet, flow.firstEntry);
      flow.firstEntry = null;
      return true;
    }
    let open = false;
    for (const side of ['client', 'server'] as const) {
      const half = side === 'client' ? flow.client : flow.server;
      if (half.heldKind === null || (keepTimeWait && half.heldKind === 'tcpTimeWait')) continue;
      if (half.heldKind !== 'tcpTimeWait') open = true;
      this.releaseSide(flow, side, at.time, at.packet);
      half.heldKind = null;
      half.ledgerEntry = null;
    }
    return open;
  }

  /** Finalizes the earliest flow whose both ends closed (no eviction: nothing is lost); false when none is. */
  private finalizeClosed(): boolean {
    const closed = this.closed.takeEarliest();
    if (closed === undefined) return false;
    this.drop(closed);
    this.finalize(closed);
    closed.letGo();
    return true;
  }

  /**
   * Takes a flow out of the live table and refunds its estimate. Its timer is stale from now on
   * (the flow is not listed; a woken dormant flow gets a new one).
   */
  private drop(flow: TcpFlow): void {
    this.live.delete(flow);
    this.refund(flow);
  }

  /** Takes a record out of the dormant table and refunds its estimate; returns its flow. */
  private takeDormant(record: DormantFlow): TcpFlow {
    this.dormant.delete(record);
    this.refund(record.flow);
    return record.flow;
  }

  private charge(flow: TcpFlow, bytes: number): void {
    flow.charged += bytes;
    this.budget.charge(bytes);
  }

  private refund(flow: TcpFlow): void {
    this.budget.refund(flow.charged);
    flow.charged = 0;
  }

  // ---------------------------------------------------------------- per packet

  /** `fromClient`: the packet's sender is the flow's client (isFromClient, asked once in observe). */
  private update(flow: TcpFlow, pkt: DecodedPacket & { tcp: TcpSegment }, fromClient: boolean, reusedFlags: number): void {
    const t = pkt.tcp;
    const sender = flow.half(fromClient);
    const receiver = flow.half(!fromClient);
    const flags = t.flags;
    const syn = (flags & TCP_FLAG.SYN) !== 0;
    const fin = (flags & TCP_FLAG.FIN) !== 0;
    const rst = (flags & TCP_FLAG.RST) !== 0;
    const hasAck = (flags & TCP_FLAG.ACK) !== 0;
    const first = flow.packets === 0;
    if (!rst || fromClient !== flow.firstFromClient) flow.resetsOnly = false;
    flow.packets++;
    const previousPacket = flow.lastPacket;
    const previousTime = flow.end;
    flow.lastPacket = pkt.number;
    flow.end = pkt.time;
    flow.log?.add(pkt.number, pkt.time, fromClient, flags, t.seq, t.ack, t.payloadLength, t.window);

    if (first) {
      // The replicas see this packet when they are built (see TcpFlow.replay).
      flow.reusedFlags = reusedFlags;
    } else {
      // Wireshark's sequence analysis (counts as its tcp.analysis flags would), then Zeek's view.
      const replicas = flow.replay();
      const seg = scratchSegment;
      seg.seq = t.seq;
      seg.ack = t.ack;
      seg.length = t.payloadLength;
      seg.flags = flags;
      seg.window = t.window;
      seg.time = pkt.time;
      const bits = analyseInto(flow, replicas, fromClient, seg, syn ? t.options?.windowScale : undefined, reusedFlags);
      flow.log?.setAnalysis(pkt.number, bits);
      replicas.zeek.observe(fillZeekSegment(scratchZeek, pkt, fromClient), t.srcPort, t.dstPort, pkt.number);
    }

    // Per-direction sequence state and SYN options.
    sender.window = t.window;
    if (syn && t.options) {
      if (t.options.mss !== undefined) sender.mss = t.options.mss;
      if (t.options.windowScale !== undefined) sender.windowScaleOffered = t.options.windowScale;
      if (t.options.sackPermitted) sender.sackPermitted = true;
    }
    if (t.options?.timestamp) sender.timestamps = true;
    // As int32 (see TcpHalf.sent): not boxed for the calls.
    sender.sent(t.seq | 0, t.payloadLength, syn, fin);
    if (hasAck) {
      const ack32 = t.ack | 0;
      sender.sentAck(ack32);
      receiver.acknowledged(ack32);
    }

    // Handshake bookkeeping.
    if (syn && !hasAck) {
      if (fromClient) flow.sawSyn = true;
    } else if (syn && hasAck) {
      if (!fromClient) flow.sawSynAck = true;
    } else if (hasAck && fromClient && flow.sawSynAck && receiver.isn !== NO_SEQ && seqDiff((receiver.isn + 1) >>> 0, t.ack) >= 0) {
      flow.sawHandshakeAck = true;
    }

    // Roles from evidence: any segment but a reset from the server is an answer.
    if (!fromClient && flow.answer.kind !== 'answered') flow.answer = rst ? { kind: 'rst', packet: pkt.number } : { kind: 'answered', packet: pkt.number };
    const payload = !rst && t.payloadLength > 0;
    if (flow.exchanges === null && payload) {
      // Created by the first payload: until then the counter would only have noted the last packet.
      flow.exchanges = new ExchangeCounter();
      if (!first) flow.exchanges.observe(fromClient, false, previousPacket, previousTime);
    }
    flow.exchanges?.observe(fromClient, payload, pkt.number, pkt.time);
    if (rst) this.noteReset(flow, pkt, fromClient, previousPacket);

    // RFC 9293 endpoint states.
    this.stateEvents(flow, pkt, fromClient);
    flow.lastFromClient = fromClient;

    // Payload reassembly (ledger buffers; stream listener bytes). The acknowledgment goes first:
    // what it releases of the peer's stream reached the sender before this segment's own payload
    // (a DNS response's ACK covers the query it answers).
    if (hasAck && !rst) {
      // The acknowledgment of a FIN covers the FIN's own sequence number, not a payload byte.
      let ack = t.ack;
      if (receiver.finSeq !== NO_SEQ && ack === ((receiver.finSeq + 1) >>> 0)) ack = receiver.finSeq;
      let outbound = fromClient ? flow.toClient : flow.toServer;
      // Acknowledged bytes of a wanted stream that were never captured: the stream starts with a gap.
      if (outbound === null && flow.wanted && receiver.isn !== NO_SEQ && seqDiff((receiver.isn + 1) >>> 0, ack) > 0) {
        outbound = flow.reassembly(!fromClient);
      }
      if (outbound !== null) outbound.acknowledged(ack, pkt);
    }
    const inbound = fromClient ? flow.toServer : flow.toClient;
    if (syn && !rst && inbound !== null) inbound.start((t.seq + 1) >>> 0);
    if (!rst && t.payloadLength > 0) {
      const dataSeq = syn ? (t.seq + 1) >>> 0 : t.seq;
      flow.reassembly(fromClient).accept(dataSeq, t.payloadLength, t, pkt);
    }
    this.reportBuffers(flow, pkt);
  }

  /** A reset that shows its sender had lost the connection goes to the ledger's stateLoss list. */
  private noteReset(flow: TcpFlow, pkt: DecodedPacket & { tcp: TcpSegment }, fromClient: boolean, previousPacket: number): void {
    if (this.sink.loss === undefined || flow.lastFromClient === null) return;
    const sender = flow.half(fromClient);
    const detail = resetLoss({
      senderState: sender.state,
      // sent() has recorded this segment already: a FIN on the RST itself does not count.
      senderSentFin: sender.finSeq !== NO_SEQ && (pkt.tcp.flags & TCP_FLAG.FIN) === 0,
      answersPeer: flow.lastFromClient !== fromClient,
      hasAck: (pkt.tcp.flags & TCP_FLAG.ACK) !== 0,
    }, fromClient ? 'client' : 'server', previousPacket);
    if (detail === null) return;
    this.sink.loss({
      packet: pkt.number, time: pkt.time, kind: 'tcp-reset-established',
      endpoint: fromClient ? flow.clientRef : flow.serverRef, ref: flow.ref, detail,
    });
  }

  /**
   * Feeds the segment's events to both endpoints. What the sender does (SYN, FIN, RST sent) happens
   * when it sends; what the receiver does happens when the segment arrives, in RFC 9293 §3.10.7.4's
   * order: acknowledgment (fifth check), then FIN (eighth check). The capture time is the arriving
   * segment's time, exact at the receiver and the best estimate anywhere else on the path.
   */
  private stateEvents(flow: TcpFlow, pkt: DecodedPacket & { tcp: TcpSegment }, fromClient: boolean): void {
    const t = pkt.tcp;
    const flags = t.flags;
    const syn = (flags & TCP_FLAG.SYN) !== 0;
    const fin = (flags & TCP_FLAG.FIN) !== 0;
    const rst = (flags & TCP_FLAG.RST) !== 0;
    const hasAck = (flags & TCP_FLAG.ACK) !== 0;
    const senderSide = fromClient ? 'client' : 'server';
    const receiverSide = fromClient ? 'server' : 'client';
    const receiver = flow.half(!fromClient);
    if (flow.transitions.length === 0 && !syn && !rst) {
      // The connection's start is not in the capture: both ends are already synchronized. (A reset
      // alone proves nothing: RFC 9293 §3.10.7.1 discards it at a CLOSED endpoint.)
      this.apply(flow, senderSide, 'midstream', pkt);
      this.apply(flow, receiverSide, 'midstream', pkt);
    }
    // The sender's acknowledgment number says whether it had taken the receiver's FIN by now.
    if (hasAck) this.finEvidence(flow, senderSide, t.ack, pkt);
    if (rst) {
      this.apply(flow, senderSide, 'rst-sent', pkt);
      this.apply(flow, receiverSide, 'rst-received', pkt);
      return;
    }
    if (syn) this.sendSyn(flow, senderSide, hasAck, t.ack, pkt);
    if (fin) {
      if (flow.closedBy === null) flow.closedBy = senderSide;
      this.apply(flow, senderSide, 'fin-sent', pkt);
    }
    // At the receiver: the acknowledgment first, then the SYN or FIN.
    if (hasAck && !syn) {
      if (receiver.isn !== NO_SEQ && receiver.state === 'SYN-RECEIVED' && seqDiff((receiver.isn + 1) >>> 0, t.ack) >= 0) {
        this.apply(flow, receiverSide, 'syn-acked', pkt);
      }
    }
    if (hasAck && receiver.finSeq !== NO_SEQ && seqDiff((receiver.finSeq + 1) >>> 0, t.ack) >= 0) {
      this.apply(flow, receiverSide, 'fin-acked', pkt);
    }
    if (syn) this.receiveSyn(flow, receiverSide, hasAck, t.seq, pkt);
    if (fin) this.receiveFin(flow, receiverSide, pkt);
  }

  /** The sender of a SYN or SYN-ACK. */
  private sendSyn(flow: TcpFlow, side: 'client' | 'server', hasAck: boolean, ack: number, pkt: DecodedPacket): void {
    const half = side === 'client' ? flow.client : flow.server;
    const peer = side === 'client' ? flow.server : flow.client;
    if (!hasAck) {
      this.apply(flow, side, 'syn-sent', pkt);
      return;
    }
    const arrival = half.synArrival;
    if (half.state === 'LISTEN' && arrival !== null && peer.isn !== NO_SEQ && ack === ((peer.isn + 1) >>> 0)) {
      // A SYN-ACK acknowledging the peer's SYN shows this endpoint entered SYN-RECEIVED when that SYN
      // arrived (§3.10.7.2), so the transition is dated back to the SYN's first copy. The ledger's
      // half-open entry still starts here: the ledger is streamed in packet order and cannot go
      // back, and a SYN nobody answers creates no state at the server (roles come from evidence).
      // So the entry lags the transition by the SYN -> SYN-ACK time, never the other way round.
      const tr = this.apply(flow, side, 'synack-sent', pkt, arrival);
      if (tr !== null) {
        half.synReceipt = tr;
        if (half.synCopies > 0) tr.uncertain = true;
      }
      return;
    }
    this.apply(flow, side, 'synack-sent', pkt);
  }

  /** The receiver of a SYN or SYN-ACK, at its arrival. */
  private receiveSyn(flow: TcpFlow, side: 'client' | 'server', hasAck: boolean, seq: number, pkt: DecodedPacket): void {
    const half = side === 'client' ? flow.client : flow.server;
    const peer = side === 'client' ? flow.server : flow.client;
    // A copy of the peer's SYN (or SYN-ACK) already taken: same ISN, same kind. (In a simultaneous
    // open the SYN-ACK after a SYN is the next step, not a copy; a new ISN starts a new flow.)
    const kind = hasAck ? 'synack' : 'syn';
    if (half.peerSynKind === kind && peer.isn === seq) {
      half.synCopies++;
      if (half.synReceipt !== null) half.synReceipt.uncertain = true;
      return;
    }
    half.peerSynKind = kind;
    const before = half.state;
    const tr = this.apply(flow, side, hasAck ? 'synack-received' : 'syn-received', pkt);
    if (tr !== null && tr.to !== 'LISTEN') half.synReceipt = tr;
    // A SYN to an endpoint with no connection: it enters SYN-RECEIVED only if its SYN-ACK shows it.
    if (!hasAck && holdsNoConnection(before) && half.synArrival === null) {
      // The transition this SYN just caused has its packet and time: no object of its own for them.
      half.synArrival = tr !== null ? tr : { packet: pkt.number, time: pkt.time };
    }
  }

  /**
   * The receiver of a FIN, at the arriving copy (§3.10.7.4 eighth check): the first copy moves the
   * receiver; a later copy marks that transition uncertain. When the receiver's own segments showed
   * it had not taken the FIN (see finEvidence), the first copy after them moves it.
   */
  private receiveFin(flow: TcpFlow, side: 'client' | 'server', pkt: DecodedPacket): void {
    const half = side === 'client' ? flow.client : flow.server;
    if (half.finReceipt !== null) {
      half.finReceipt.transition.uncertain = true;
      return;
    }
    const pending = half.finPending;
    const tr = this.takeFin(flow, side, pkt);
    if (tr !== null && pending) tr.uncertain = true;
  }

  private takeFin(flow: TcpFlow, side: 'client' | 'server', pkt: DecodedPacket): TcpTransition | null {
    const half = side === 'client' ? flow.client : flow.server;
    const tr = this.apply(flow, side, 'fin-received', pkt);
    if (tr === null) return null;
    half.finReceipt = { transition: tr, confirmed: false };
    half.finPending = false;
    return tr;
  }

  /**
   * A segment from `side` acknowledging up to `ack`, after the peer's FIN was captured. Covering the
   * FIN confirms the receipt. Not covering it shows the FIN had not arrived when the segment left (it
   * crossed this side's own FIN, or was lost after the capture point): the receipt is taken back
   * while it is still the endpoint's latest transition, and the FIN waits for the next copy to
   * arrive, or, if none does, for the first segment that covers it (the latest time it can have
   * been taken). Either way the time is marked uncertain.
   */
  private finEvidence(flow: TcpFlow, side: 'client' | 'server', ack: number, pkt: DecodedPacket): void {
    const half = side === 'client' ? flow.client : flow.server;
    const peer = side === 'client' ? flow.server : flow.client;
    if (peer.finSeq === NO_SEQ) return;
    const covers = seqDiff((peer.finSeq + 1) >>> 0, ack) >= 0;
    const receipt = half.finReceipt;
    if (receipt === null) {
      if (half.finPending && covers) {
        const tr = this.takeFin(flow, side, pkt);
        if (tr !== null) tr.uncertain = true;
        if (half.finReceipt !== null) half.finReceipt.confirmed = true;
      }
      return;
    }
    if (receipt.confirmed) return;
    if (covers) {
      receipt.confirmed = true;
    } else if (half.lastTransition !== receipt.transition) {
      receipt.transition.uncertain = true;
    } else {
      this.undo(flow, side, pkt);
      half.finReceipt = null;
      half.finPending = true;
    }
  }

  /** Applies an event; `at` dates the transition earlier than this packet (the ledger stays at it). */
  private apply(
    flow: TcpFlow, side: 'client' | 'server', event: EndpointEvent, pkt: DecodedPacket, at?: { packet: number; time: number },
  ): TcpTransition | null {
    const half = side === 'client' ? flow.client : flow.server;
    const next = nextState(half.state, event);
    if (next === half.state) return null;
    return this.setState(flow, side, next, pkt, at);
  }

  /** The only writer of endpoint states: records the transition and tells the ledger. */
  private setState(
    flow: TcpFlow, side: 'client' | 'server', next: TcpStateName, pkt: DecodedPacket, at?: { packet: number; time: number },
  ): TcpTransition {
    const half = side === 'client' ? flow.client : flow.server;
    const tr: TcpTransition = {
      packet: at?.packet ?? pkt.number, time: at?.time ?? pkt.time, endpoint: side, from: half.state, to: next,
    };
    const list = flow.transitions;
    // Dated back: keep the list in packet order (after everything recorded at that packet).
    let i = list.length;
    if (at !== undefined) while (i > 0 && list[i - 1].packet > tr.packet) i--;
    if (list.length === 0) {
      flow.transitions = [tr];
    } else if (i === list.length && list.length < SMALL_TRANSITIONS) {
      // concat sizes the copy exactly: a push would grow the store to 17 slots, for the 2 to 6
      // transitions most flows have.
      flow.transitions = list.concat(tr);
    } else {
      list.splice(i, 0, tr);
    }
    half.lastTransition = tr;
    half.state = next;
    this.holdFor(flow, side, pkt);
    return tr;
  }

  /**
   * Takes back `side`'s latest transition (a provisional FIN receipt that later segments
   * contradicted) and tells the ledger the kind it holds again, at this packet.
   */
  private undo(flow: TcpFlow, side: 'client' | 'server', pkt: DecodedPacket): void {
    const half = side === 'client' ? flow.client : flow.server;
    const tr = half.lastTransition;
    if (tr === null) return;
    const i = flow.transitions.lastIndexOf(tr);
    if (i >= 0) flow.transitions.splice(i, 1);
    half.state = tr.from;
    half.lastTransition = null;
    for (let j = flow.transitions.length - 1; j >= 0; j--) {
      if (flow.transitions[j].endpoint === side) {
        half.lastTransition = flow.transitions[j];
        break;
      }
    }
    this.holdFor(flow, side, pkt);
  }

  /** Tells the ledger the kind `side` holds in its current state, if it changed. */
  private holdFor(flow: TcpFlow, side: 'client' | 'server', pkt: DecodedPacket): void {
    const half = side === 'client' ? flow.client : flow.server;
    const kind = kindFor(half.state);
    if (kind === null) {
      if (half.heldKind !== null) {
        this.releaseSide(flow, side, pkt.time, pkt.number);
        half.heldKind = null;
        half.ledgerEntry = null;
      }
      return;
    }
    if (kind === half.heldKind) return;
    half.heldKind = kind;
    // A waiting flow's SYN replayed (settle): the ledger was told at its arrival (waitFirst).
    if (this.settling) {
      half.ledgerEntry = flow.firstEntry;
      return;
    }
    const held = half.ledgerEntry;
    if (held !== null && this.sink.holdHeld !== undefined) {
      // A change of kind: through the handle while its entry lives (no lookup, no event).
      const again = this.sink.holdHeld(held, kind, pkt.time, pkt.number, kind === 'tcpTimeWait' ? pkt.time + this.timeWait : undefined);
      if (again !== null) {
        half.ledgerEntry = again;
        return;
      }
    }
    half.ledgerEntry = this.hold(flow, side, kind, pkt);
  }

  private hold(flow: TcpFlow, side: 'client' | 'server', kind: StateKind, pkt: DecodedPacket): EntryHandle | null {
    const endpoint = side === 'client' ? flow.clientRef : flow.serverRef;
    const handle = kind === 'tcpTimeWait'
      ? this.sink.hold({ endpoint, ref: flow.ref, kind, time: pkt.time, packet: pkt.number, until: pkt.time + this.timeWait })
      : this.sink.hold({ endpoint, ref: flow.ref, kind, time: pkt.time, packet: pkt.number });
    return handle ?? null;
  }

  /** Releases what `side` holds: through its entry's handle when there is one (no lookup, no event), else as an event. */
  private releaseSide(
    flow: TcpFlow, side: 'client' | 'server', time: number, packet: number,
    handle = (side === 'client' ? flow.client : flow.server).ledgerEntry,
  ): void {
    if (handle !== null && this.sink.releaseHeld !== undefined) this.sink.releaseHeld(handle, time, packet);
    else this.sink.release({ endpoint: side === 'client' ? flow.clientRef : flow.serverRef, ref: flow.ref, time, packet });
  }

  /** Buffer events: each endpoint's unacknowledged sent bytes plus out-of-order bytes it holds. */
  private reportBuffers(flow: TcpFlow, pkt: DecodedPacket): void {
    const clientBytes = flow.client.bytesInFlight() + (flow.toClient?.held ?? 0);
    const serverBytes = flow.server.bytesInFlight() + (flow.toServer?.held ?? 0);
    if (clientBytes !== flow.client.bufferedReported) {
      flow.client.bufferedReported = clientBytes;
      this.reportBuffer(flow, 'client', clientBytes, pkt);
    }
    if (serverBytes !== flow.server.bufferedReported) {
      flow.server.bufferedReported = serverBytes;
      this.reportBuffer(flow, 'server', serverBytes, pkt);
    }
  }

  /** Through the ledger entry's handle when there is one (no lookup, no event), else as an event. */
  private reportBuffer(flow: TcpFlow, side: 'client' | 'server', bytes: number, pkt: DecodedPacket): void {
    const handle = (side === 'client' ? flow.client : flow.server).ledgerEntry;
    if (handle !== null && this.sink.bufferHeld !== undefined) this.sink.bufferHeld(handle, bytes, pkt.time, pkt.number);
    else this.sink.buffer(fillBuffer(side === 'client' ? flow.clientRef : flow.serverRef, flow.ref, bytes, pkt));
  }

  // ---------------------------------------------------------------- report

  /** The flow is over: its row is complete and the ledger is told what it showed. */
  private finalize(flow: TcpFlow): void {
    this.sink.flow?.(this.evidenceOf(flow));
    this.complete(flow, true);
  }

  private evidenceOf(flow: TcpFlow): FlowEvidence {
    return {
      ref: flow.ref, client: flow.clientRef, server: flow.serverRef, firstPacket: flow.firstPacket,
      answer: flow.answer, exchanges: exchangesOf(flow),
    };
  }

  /**
   * Writes the flow's row and counts it in the summary. A flow continued after going dormant
   * completes its row again in place, and its summary counts are replaced, not added twice.
   */
  private complete(flow: TcpFlow, overForGood: boolean): void {
    const omitted = flow.id >= this.maxRecords;
    // A waiting flow over for good beyond --max-records is neither listed nor continued: its counts
    // are known without its halves or replicas (releaseHeld knows its one hold). Most of a flood's.
    if (flow.waiting && omitted && overForGood) {
      this.completeLoneSyn(flow);
      return;
    }
    if (flow.waiting) this.settle(flow);
    flow.toServer?.finish(flow.lastPacket);
    flow.toClient?.finish(flow.lastPacket);
    if (flow.wanted) this.listener?.end?.(flow.info);
    const handshake = flow.sawSyn && flow.sawSynAck && flow.sawHandshakeAck
      ? 'complete'
      : flow.sawSyn || flow.sawSynAck ? 'partial' : 'missing';
    const replicas = flow.replay();
    const connState = replicas.zeek.connState();
    const retransmissions = replicas.analysis.retransmissions;
    this.count(flow, retransmissions, connState, handshake, overForGood, omitted);
    if (omitted) return;
    const c = flow.client;
    const s = flow.server;
    const scaling = c.windowScaleOffered !== null && s.windowScaleOffered !== null;
    const rtt = replicas.wsConversation.firstRtt;
    const row: TcpFlowReport = {
      id: flow.id,
      client: endpointString(flow.info.client, flow.info.clientPort),
      server: endpointString(flow.info.server, flow.info.serverPort),
      firstPacket: flow.firstPacket,
      lastPacket: flow.lastPacket,
      packets: flow.packets,
      payloadBytes: pairOf(c.payloadBytes, s.payloadBytes),
      start: flow.start,
      end: flow.end,
      handshake,
      finalState: { client: c.state, server: s.state },
      transitions: flow.transitions.length === 0 ? [] : flow.transitions,
      closedBy: flow.closedBy,
      connState,
      history: replicas.zeek.history(),
      zeek: replicas.zeek.rows(flow.id),
      analysis: anyAnalysis(replicas.analysis) ? replicas.analysis : NO_ANALYSIS,
      maxBytesInFlight: pairOf(c.maxBytesInFlight, s.maxBytesInFlight),
      handshakeRtt: rtt !== 0 ? rtt : null,
      exchanges: exchangesOf(flow),
      directions: { client: c.report(s, scaling), server: s.report(c, scaling) },
      tunnel: flow.tunnel,
      vlan: flow.vlan,
      ...(flow.log !== null ? { packetLog: flow.log.finish(c.base(), s.base()) } : {}),
    };
    if (flow.row === null) {
      this.done.push(row);
      flow.row = row;
    } else {
      // Same keys in the same order: the row keeps its place in the report.
      Object.assign(flow.row, row);
    }
  }

  /**
   * A lone SYN's flow (never settled) finalized for good beyond --max-records: counted as its replay
   * would count it, without building it. One pure SYN from the client, whatever its sequence number,
   * time, window or options: Zeek's originator is its sender (no flip for a pure SYN) in SYN_SENT and
   * the responder INACTIVE, so conn_state S0 (conn-state.ts); Wireshark flags no retransmission on a
   * direction's first segment (its next sequence number is still 0, analyseSegment); SYN seen but no
   * SYN-ACK, so the handshake is partial. Its stream (if wanted) got no byte, but is ended as any.
   */
  private completeLoneSyn(flow: TcpFlow): void {
    // Its listener never had its bytes, so it kept nothing of it: the scratch info will do.
    if (flow.wanted) listenerEnd(this.listener, flow);
    this.count(flow, 0, 'S0', 'partial', true, true);
  }

  /**
   * Counts a finalized flow in the summary, replacing what its earlier finalize counted (a flow
   * continued after dormancy); a flow that goes on keeps what it counted for that.
   */
  private count(
    flow: TcpFlow, retransmissions: number, connState: TcpFlowReport['connState'], handshake: TcpFlowReport['handshake'],
    overForGood: boolean, omitted: boolean,
  ): void {
    const sum = this.summary;
    const before = flow.counted;
    if (before === null) {
      sum.flows++;
    } else {
      sum.packets -= before.packets;
      sum.retransmissions -= before.retransmissions;
      sum.connStates[before.connState] = (sum.connStates[before.connState] ?? 1) - 1;
      if (sum.connStates[before.connState] === 0) delete sum.connStates[before.connState];
      sum.handshakes[before.handshake]--;
    }
    sum.packets += flow.packets;
    sum.retransmissions += retransmissions;
    sum.connStates[connState] = (sum.connStates[connState] ?? 0) + 1;
    sum.handshakes[handshake]++;
    // What a later finalize takes back: only a flow that goes on (after dormancy) has one.
    if (!overForGood) flow.counted = { packets: flow.packets, retransmissions, connState, handshake, omitted };
    if (omitted && before === null) this.omitted++;
  }
}

/**
 * Rows of flows that carried nothing (most of a flood's) share their zero counts: a listed row is
 * kept to the end of the run, and frozen objects cannot be changed through another row.
 */
const ZERO_PAIR: { client: number; server: number } = Object.freeze({ client: 0, server: 0 });
const NO_ANALYSIS: TcpAnalysis = Object.freeze({
  retransmissions: 0, outOfOrder: 0, duplicateAcks: 0, zeroWindows: 0, keepAlives: 0, windowFull: 0, lostSegments: 0,
});

function pairOf(client: number, server: number): { client: number; server: number } {
  return client === 0 && server === 0 ? ZERO_PAIR : { client, server };
}

function anyAnalysis(a: TcpAnalysis): boolean {
  return a.retransmissions + a.outOfOrder + a.duplicateAcks + a.zeroWindows + a.keepAlives + a.windowFull + a.lostSegments !== 0;
}

/** The flow's exchanges so far (none before its first payload). */
function exchangesOf(flow: TcpFlow): Exchanges {
  return flow.exchanges === null ? singleExchange(null) : flow.exchanges.summary();
}

/** Where a direction's reassembly had got to (null: nowhere yet, start from the ISN). */
function resumePoint(r: DirectionReassembly | null): number | null {
  return r === null || r.next === NO_SEQ ? null : r.next;
}

/** A timer set at `gen` is the flow's latest, and the flow is live (else the timer is stale). */
function isCurrent(flow: TcpFlow, gen: number): boolean {
  return flow.listed && gen === flow.timerGen;
}

/** The packet (of this flow) was sent by the client: by key, and by text where keys are hashes (IPv6). */
/**
 * Who opened the connection, from its first packet: the sender of a SYN; the receiver of a SYN-ACK;
 * otherwise the sender, unless its port looks like a server's (Zeek's likely_server_ports
 * heuristic, so that client/server match Zeek's orig/resp).
 */
function clientIsSource(flags: number, srcPort: number, dstPort: number): boolean {
  const syn = (flags & TCP_FLAG.SYN) !== 0;
  const ack = (flags & TCP_FLAG.ACK) !== 0;
  if (syn && !ack) return true;
  if (syn && ack) return false;
  if (!LIKELY_SERVER_PORTS.has(srcPort)) return true;
  if (!LIKELY_SERVER_PORTS.has(dstPort)) return false;
  return !(srcPort < dstPort);
}

function countAnalysis(a: TcpAnalysis, ta: number): void {
  if (ta === 0) return;
  if (ta & ANY_RETRANSMISSION) a.retransmissions++;
  if (ta & ANALYSIS.OUT_OF_ORDER) a.outOfOrder++;
  if (ta & ANALYSIS.DUPLICATE_ACK) a.duplicateAcks++;
  if (ta & ANALYSIS.ZERO_WINDOW) a.zeroWindows++;
  if (ta & (ANALYSIS.KEEP_ALIVE | ANALYSIS.KEEP_ALIVE_ACK)) a.keepAlives++;
  if (ta & ANALYSIS.WINDOW_FULL) a.windowFull++;
  if (ta & ANALYSIS.LOST_SEGMENT) a.lostSegments++;
}
