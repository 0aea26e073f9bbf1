/**
 * Stage 4: rebuilds every TCP connection. Flows are keyed by the 4-tuple (both directions, as
 * conversationKey), split on port reuse the way Wireshark numbers tcp.stream, and carry per
 * direction: sequence state, Wireshark's sequence-analysis counts, RFC 9293 endpoint states with
 * every transition, and a replica of Zeek's conn_state/history. The tracker is the only writer of
 * endpoint states (setState) and the only TCP source of state-ledger events.
 */
import { TCP_FLAG, type DecodedPacket, type TcpSegment } from '../../decode/packet.js';
import { conversationKey, endpointString } from '../../flow/endpoint.js';
import type {
  ConnState, TcpAnalysis, TcpFlowReport, TcpReport, TcpStateName, TcpTransition,
} from '../../report/schema.js';
import { NO_STATE, type EndpointRef, type EntryRef, type StateKind, type StateSink } from '../../state/events.js';
import {
  ANALYSIS, ANY_RETRANSMISSION, SeqAnalysisConversation, SeqAnalysisFlow, afterSegment, analyseSegment,
} from './analysis.js';
import { TcpHalf } from './half.js';
import { DirectionReassembly, type DeliverySink } from './reassembly.js';
import { seqDiff } from './seq.js';
import { holdsNoConnection, nextState, type EndpointEvent } from './state.js';
import { ZeekSession } from './zeek-session.js';
import { LIKELY_SERVER_PORTS } from './zeek-ports.js';

export interface TcpStreamInfo { id: number; client: string; clientPort: number; server: string; serverPort: number }

/** Receives each direction's in-order payload bytes (for DNS over TCP). Retransmitted bytes are delivered once;
 *  a hole that is never filled calls gap() and nothing more is delivered for that direction. */
export interface TcpStreamListener {
  wants(flow: TcpStreamInfo): boolean;
  data(flow: TcpStreamInfo, fromClient: boolean, bytes: Uint8Array, packet: number, time: number): void;
  gap(flow: TcpStreamInfo, fromClient: boolean, packet: number): void;
}

export interface TcpTrackerOptions {
  state?: StateSink;
  stream?: TcpStreamListener;
  /** 2*MSL seconds an active closer holds TIME-WAIT; default 60. */
  timeWait?: number;
  /** Live flows kept; the least recently seen is finalized beyond it. Default 1_000_000. */
  maxFlows?: number;
}

const DEFAULT_TIME_WAIT = 60;
/**
 * A flow that is nothing but resets from one side ends this long after its last reset (Zeek's
 * tcp_close_delay): a lone RST creates no connection at either end, so a reset that arrives later
 * on the same 4-tuple is a new, separate event (Zeek logs each as its own connection; tshark keeps
 * one tcp.stream for the 4-tuple).
 */
const RESET_ONLY_LINGER = 5;
const DEFAULT_MAX_FLOWS = 1_000_000;
const IP_PROTO_TCP = 6;

/** One connection while it is live. */
class TcpFlow {
  readonly info: TcpStreamInfo;
  readonly clientRef: EndpointRef;
  readonly serverRef: EndpointRef;
  readonly ref: EntryRef;
  readonly client = new TcpHalf();
  readonly server = new TcpHalf();
  readonly wsClient = new SeqAnalysisFlow();
  readonly wsServer = new SeqAnalysisFlow();
  readonly wsConversation = new SeqAnalysisConversation();
  readonly zeek: ZeekSession;
  readonly transitions: TcpTransition[] = [];
  readonly analysis: TcpAnalysis = {
    retransmissions: 0, outOfOrder: 0, duplicateAcks: 0, zeroWindows: 0, keepAlives: 0, windowFull: 0, lostSegments: 0,
  };
  /** Payload each side sent, as its receiver reassembles it (index 0: from the client). */
  readonly toServer: DirectionReassembly;
  readonly toClient: DirectionReassembly;
  packets = 0;
  lastPacket: number;
  end: number;
  closedBy: 'client' | 'server' | null = null;
  sawSyn = false;
  /** Every packet so far was a RST sent by the side that sent the first one. */
  resetsOnly = true;
  readonly firstFromClient: boolean;
  sawSynAck = false;
  sawHandshakeAck = false;

  constructor(
    readonly id: number,
    readonly key: string,
    readonly firstPacket: number,
    readonly start: number,
    clientAddr: string, clientPort: number, serverAddr: string, serverPort: number,
    first: DecodedPacket & { tcp: TcpSegment }, fromClient: boolean,
    listener: TcpStreamListener | undefined,
    readonly tunnel: string[],
    readonly vlan: number[],
  ) {
    this.info = { id, client: clientAddr, clientPort, server: serverAddr, serverPort };
    this.clientRef = { role: 'client', address: clientAddr, port: null };
    this.serverRef = { role: 'server', address: serverAddr, port: serverPort };
    this.ref = { proto: 'tcp', id };
    this.lastPacket = firstPacket;
    this.end = start;
    this.firstFromClient = fromClient;
    const wanted = listener !== undefined && listener.wants(this.info);
    this.toServer = new DirectionReassembly(wanted ? sinkFor(listener, this.info, true) : null);
    this.toClient = new DirectionReassembly(wanted ? sinkFor(listener, this.info, false) : null);
    const t = first.tcp;
    this.zeek = new ZeekSession(zeekSegment(first, fromClient), t.srcPort, t.dstPort);
  }

  half(fromClient: boolean): TcpHalf {
    return fromClient ? this.client : this.server;
  }
}

function sinkFor(listener: TcpStreamListener, info: TcpStreamInfo, fromClient: boolean): DeliverySink {
  return {
    data: (bytes, packet, time) => listener.data(info, fromClient, bytes, packet, time),
    gap: (packet) => listener.gap(info, fromClient, packet),
  };
}

function zeekSegment(pkt: DecodedPacket & { tcp: TcpSegment }, fromClient: boolean) {
  const t = pkt.tcp;
  return {
    fromClient, flags: t.flags, seq: t.seq, ack: t.ack, length: t.payloadLength, captured: t.payload.length,
    window: t.window, time: pkt.time,
  };
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
  private readonly timeWait: number;
  private readonly maxFlows: number;
  private readonly live = new Map<string, TcpFlow>();
  private readonly done: TcpFlowReport[] = [];
  private nextId = 0;
  /** The flow of the previous packet (already last in the table's order). */
  private lastFlow: TcpFlow | null = null;
  private evicted = 0;

  constructor(options: TcpTrackerOptions = {}) {
    this.sink = options.state ?? NO_STATE;
    this.listener = options.stream;
    this.timeWait = options.timeWait ?? DEFAULT_TIME_WAIT;
    this.maxFlows = Math.max(1, options.maxFlows ?? DEFAULT_MAX_FLOWS);
  }

  /** Flows finalized early because more than maxFlows were live. */
  get evictedFlows(): number {
    return this.evicted;
  }

  /** pkt.ip and pkt.tcp are set. Called in capture order. */
  observe(pkt: DecodedPacket): void {
    const ip = pkt.ip;
    const tcp = pkt.tcp;
    if (!ip || !tcp) return;
    const p = pkt as DecodedPacket & { tcp: TcpSegment };
    const key = conversationKey(IP_PROTO_TCP, ip.src, tcp.srcPort, ip.dst, tcp.dstPort);
    const flags = tcp.flags;
    const pureSyn = (flags & (TCP_FLAG.SYN | TCP_FLAG.ACK)) === TCP_FLAG.SYN;
    const synAck = (flags & (TCP_FLAG.SYN | TCP_FLAG.ACK)) === (TCP_FLAG.SYN | TCP_FLAG.ACK);
    let flow = this.live.get(key);
    let reusedFlags = 0;
    if (flow && flow.resetsOnly && pkt.time - flow.end >= RESET_ONLY_LINGER) {
      this.finalize(flow);
      this.live.delete(key);
      if (this.lastFlow === flow) this.lastFlow = null;
      flow = undefined;
    }
    if (flow) {
      const fromClient = isFromClient(flow, ip.src, tcp.srcPort);
      const fwd = fromClient ? flow.wsClient : flow.wsServer;
      // Wireshark: a SYN whose sequence number differs from the direction's base starts a new
      // conversation (port reuse); a SYN-ACK with a new sequence number re-bases the direction.
      if (pureSyn && fwd.baseSet && tcp.seq !== fwd.baseSeq) {
        this.finalize(flow);
        this.live.delete(key);
        if (this.lastFlow === flow) this.lastFlow = null;
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
      flow = this.create(key, p);
      this.live.set(key, flow);
      if (this.live.size > this.maxFlows) this.evictOne();
    } else if (flow !== this.lastFlow) {
      // Keep the table in least-recently-seen order: the first entry is the one to evict.
      this.live.delete(key);
      this.live.set(key, flow);
    }
    this.lastFlow = flow;
    this.update(flow, p, reusedFlags);
  }

  /** End of capture: finalize every flow. Flows ordered by firstPacket. */
  finish(): TcpReport {
    for (const flow of this.live.values()) this.finalize(flow);
    this.live.clear();
    this.lastFlow = null;
    const flows = this.done.sort((a, b) => a.firstPacket - b.firstPacket || a.id - b.id);
    const connStates: Partial<Record<ConnState, number>> = {};
    const handshakes = { complete: 0, partial: 0, missing: 0 };
    let packets = 0;
    let retransmissions = 0;
    for (const f of flows) {
      packets += f.packets;
      retransmissions += f.analysis.retransmissions;
      connStates[f.connState] = (connStates[f.connState] ?? 0) + 1;
      handshakes[f.handshake]++;
    }
    return { flows, summary: { flows: flows.length, packets, connStates, handshakes, retransmissions } };
  }

  // ---------------------------------------------------------------- flow table

  private create(key: string, pkt: DecodedPacket & { tcp: TcpSegment }): TcpFlow {
    const ip = pkt.ip as NonNullable<DecodedPacket['ip']>;
    const t = pkt.tcp;
    const srcIsClient = clientIsSource(t.flags, t.srcPort, t.dstPort);
    const [cAddr, cPort, sAddr, sPort] = srcIsClient
      ? [ip.src, t.srcPort, ip.dst, t.dstPort]
      : [ip.dst, t.dstPort, ip.src, t.srcPort];
    return new TcpFlow(
      this.nextId++, key, pkt.number, pkt.time, cAddr, cPort, sAddr, sPort, pkt, srcIsClient, this.listener,
      pkt.tunnels ? [...pkt.tunnels] : [], pkt.vlans ? [...pkt.vlans] : [],
    );
  }

  /** Finalizes the least recently seen flow (the first in the table's order). */
  private evictOne(): void {
    const first = this.live.entries().next();
    if (first.done) return;
    const [key, flow] = first.value;
    this.live.delete(key);
    if (this.lastFlow === flow) this.lastFlow = null;
    this.finalize(flow);
    this.evicted++;
  }

  // ---------------------------------------------------------------- per packet

  private update(flow: TcpFlow, pkt: DecodedPacket & { tcp: TcpSegment }, reusedFlags: number): void {
    const t = pkt.tcp;
    const ip = pkt.ip as NonNullable<DecodedPacket['ip']>;
    const fromClient = isFromClient(flow, ip.src, t.srcPort);
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
    flow.lastPacket = pkt.number;
    flow.end = pkt.time;

    // Wireshark's sequence analysis (counts as its tcp.analysis flags would).
    const fwd = fromClient ? flow.wsClient : flow.wsServer;
    const rev = fromClient ? flow.wsServer : flow.wsClient;
    const ta = analyseSegment(fwd, rev, flow.wsConversation, {
      seq: t.seq, ack: t.ack, length: t.payloadLength, flags, window: t.window, time: pkt.time,
    }, reusedFlags);
    countAnalysis(flow.analysis, ta);
    afterSegment(fwd, rev, flow.wsConversation, flags, pkt.time, syn ? t.options?.windowScale : undefined);

    // Zeek's view (conn_state, history).
    flow.zeek.observe(zeekSegment(pkt, fromClient));

    // Per-direction sequence state and SYN options.
    sender.window = t.window;
    if (syn && t.options) {
      if (t.options.mss !== undefined) sender.mss = t.options.mss;
      if (t.options.windowScale !== undefined) sender.windowScaleOffered = t.options.windowScale;
      if (t.options.sackPermitted) sender.sackPermitted = true;
    }
    if (t.options?.timestamp) sender.timestamps = true;
    sender.sent(t.seq, t.payloadLength, syn, fin, hasAck ? t.ack : null);
    if (hasAck) receiver.acknowledged(t.ack);

    // Handshake bookkeeping.
    if (syn && !hasAck) {
      if (fromClient) flow.sawSyn = true;
    } else if (syn && hasAck) {
      if (!fromClient) flow.sawSynAck = true;
    } else if (hasAck && fromClient && flow.sawSynAck && receiver.isn !== null && seqDiff((receiver.isn + 1) >>> 0, t.ack) >= 0) {
      flow.sawHandshakeAck = true;
    }

    // RFC 9293 endpoint states.
    this.stateEvents(flow, pkt, fromClient, first);

    // Payload reassembly (ledger buffers; stream listener bytes).
    const inbound = fromClient ? flow.toServer : flow.toClient;
    const outbound = fromClient ? flow.toClient : flow.toServer;
    if (syn && !rst) inbound.start((t.seq + 1) >>> 0);
    if (!rst && t.payloadLength > 0) {
      const dataSeq = syn ? (t.seq + 1) >>> 0 : t.seq;
      inbound.accept(dataSeq, t.payloadLength, t.payload, pkt.number, pkt.time);
    }
    if (hasAck && !rst) {
      // The acknowledgment of a FIN covers the FIN's own sequence number, not a payload byte.
      let ack = t.ack;
      if (receiver.finSeq !== null && ack === ((receiver.finSeq + 1) >>> 0)) ack = receiver.finSeq;
      outbound.acknowledged(ack, pkt.number, pkt.time);
    }
    this.reportBuffers(flow, pkt);
  }

  /** Feeds the segment's events to both endpoints: acknowledgments first, then SYN, FIN or RST. */
  private stateEvents(flow: TcpFlow, pkt: DecodedPacket & { tcp: TcpSegment }, fromClient: boolean, first: boolean): void {
    const t = pkt.tcp;
    const flags = t.flags;
    const syn = (flags & TCP_FLAG.SYN) !== 0;
    const fin = (flags & TCP_FLAG.FIN) !== 0;
    const rst = (flags & TCP_FLAG.RST) !== 0;
    const hasAck = (flags & TCP_FLAG.ACK) !== 0;
    const senderSide = fromClient ? 'client' : 'server';
    const receiverSide = fromClient ? 'server' : 'client';
    const receiver = flow.half(!fromClient);
    const apply = (side: 'client' | 'server', event: EndpointEvent): void => {
      const half = side === 'client' ? flow.client : flow.server;
      this.setState(flow, side, nextState(half.state, event), pkt);
    };
    if (first && !syn) {
      // The connection's start is not in the capture: both ends are already synchronized.
      apply(senderSide, 'midstream');
      apply(receiverSide, 'midstream');
    }
    if (rst) {
      apply(senderSide, 'rst-sent');
      apply(receiverSide, 'rst-received');
      return;
    }
    if (syn) {
      apply(senderSide, hasAck ? 'synack-sent' : 'syn-sent');
      apply(receiverSide, hasAck ? 'synack-received' : 'syn-received');
    } else if (hasAck) {
      if (receiver.isn !== null && receiver.state === 'SYN-RECEIVED' && seqDiff((receiver.isn + 1) >>> 0, t.ack) >= 0) {
        apply(receiverSide, 'syn-acked');
      }
    }
    if (hasAck && receiver.finSeq !== null && seqDiff((receiver.finSeq + 1) >>> 0, t.ack) >= 0) {
      // Acknowledging the peer's FIN shows both that the FIN was acked and that this side received
      // it: a FIN changes its receiver's state when the receiver acknowledges it, so a simultaneous
      // close (FINs crossing) is told apart from a passive close.
      apply(receiverSide, 'fin-acked');
      apply(senderSide, 'fin-received');
    }
    if (fin) {
      if (flow.closedBy === null) flow.closedBy = senderSide;
      apply(senderSide, 'fin-sent');
    }
  }

  /** The only writer of endpoint states: records the transition and tells the ledger. */
  private setState(flow: TcpFlow, side: 'client' | 'server', next: TcpStateName, pkt: DecodedPacket): void {
    const half = side === 'client' ? flow.client : flow.server;
    if (half.state === next) return;
    flow.transitions.push({ packet: pkt.number, time: pkt.time, endpoint: side, from: half.state, to: next });
    half.state = next;
    const endpoint = side === 'client' ? flow.clientRef : flow.serverRef;
    const kind = kindFor(next);
    if (kind === null) {
      if (half.heldKind !== null) {
        this.sink.release({ endpoint, ref: flow.ref, time: pkt.time, packet: pkt.number });
        half.heldKind = null;
      }
      return;
    }
    if (kind === half.heldKind) return;
    half.heldKind = kind;
    if (kind === 'tcpTimeWait') {
      this.sink.hold({ endpoint, ref: flow.ref, kind, time: pkt.time, packet: pkt.number, until: pkt.time + this.timeWait });
    } else {
      this.sink.hold({ endpoint, ref: flow.ref, kind, time: pkt.time, packet: pkt.number });
    }
  }

  /** Buffer events: each endpoint's unacknowledged sent bytes plus out-of-order bytes it holds. */
  private reportBuffers(flow: TcpFlow, pkt: DecodedPacket): void {
    const clientBytes = flow.client.bytesInFlight() + flow.toClient.held;
    const serverBytes = flow.server.bytesInFlight() + flow.toServer.held;
    if (clientBytes !== flow.client.bufferedReported) {
      flow.client.bufferedReported = clientBytes;
      this.sink.buffer({ endpoint: flow.clientRef, ref: flow.ref, bytes: clientBytes, time: pkt.time, packet: pkt.number });
    }
    if (serverBytes !== flow.server.bufferedReported) {
      flow.server.bufferedReported = serverBytes;
      this.sink.buffer({ endpoint: flow.serverRef, ref: flow.ref, bytes: serverBytes, time: pkt.time, packet: pkt.number });
    }
  }

  // ---------------------------------------------------------------- report

  private finalize(flow: TcpFlow): void {
    flow.toServer.finish(flow.lastPacket);
    flow.toClient.finish(flow.lastPacket);
    const c = flow.client;
    const s = flow.server;
    const scaling = c.windowScaleOffered !== null && s.windowScaleOffered !== null;
    const handshake = flow.sawSyn && flow.sawSynAck && flow.sawHandshakeAck
      ? 'complete'
      : flow.sawSyn || flow.sawSynAck ? 'partial' : 'missing';
    const rtt = flow.wsConversation.firstRtt;
    this.done.push({
      id: flow.id,
      client: endpointString(flow.info.client, flow.info.clientPort),
      server: endpointString(flow.info.server, flow.info.serverPort),
      firstPacket: flow.firstPacket,
      lastPacket: flow.lastPacket,
      packets: flow.packets,
      payloadBytes: { client: c.payloadBytes, server: s.payloadBytes },
      start: flow.start,
      end: flow.end,
      handshake,
      finalState: { client: c.state, server: s.state },
      transitions: flow.transitions,
      closedBy: flow.closedBy,
      connState: flow.zeek.connState(),
      history: flow.zeek.history.text,
      analysis: flow.analysis,
      maxBytesInFlight: { client: c.maxBytesInFlight, server: s.maxBytesInFlight },
      handshakeRtt: rtt !== 0 ? rtt : null,
      directions: { client: c.report(s, scaling), server: s.report(c, scaling) },
      tunnel: flow.tunnel,
      vlan: flow.vlan,
    });
  }
}

function isFromClient(flow: TcpFlow, src: string, srcPort: number): boolean {
  return srcPort === flow.info.clientPort && src === flow.info.client;
}

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
