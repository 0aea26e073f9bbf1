/**
 * Conversations of datagrams that carry no connection of their own (UDP not claimed by DNS or QUIC,
 * ICMP echo): grouped by a key, the client being the side that sent first, ended by an inactivity
 * timeout on capture time like Zeek's udp_inactivity_timeout / icmp_inactivity_timeout, and evicted
 * least recently seen first beyond a cap. Shared by track/udp and track/icmp.
 *
 * Exchanges: a datagram from the client opens a request; the next datagram from the server answers
 * it (one exchange). A flow whose every exchange is one datagram each way is request/response; one
 * with datagrams each way that do not pair up is a stream.
 *
 * Memory: O(live flows + listed rows); live flows are linked in least-recently-seen order.
 */
import type { DatagramFlowReport, DatagramFlowsReport, DatagramPattern } from '../model/datagram.js';
import type { EndpointRef, EntryHandle, StateSink } from '../state/events.js';
import type { StateKind } from '../model/state-kind.js';
import { endpointString } from '../flow/endpoint.js';
import { LruList } from './lru-list.js';
import { sentByClient, TupleIndex, type KeyedEnds } from './tuple-index.js';
import { EXCHANGE_PACKETS_KEPT } from '../state/evidence.js';

export interface DatagramFlowOptions {
  /** Tracker name (ledger protocol). */
  proto: string;
  state: StateSink;
  /** Seconds without a datagram after which a flow ends. */
  timeout: number;
  maxFlows: number;
  maxRecords: number;
  /** Ledger kinds: held by the server while a request is open, and for a stream's whole life; null: none. */
  kinds: { exchange: StateKind; session: StateKind } | null;
}

/** One datagram, as the trackers describe it. */
export interface Datagram {
  key: string;
  srcAddress: string;
  srcPort: number | null;
  dstAddress: string;
  dstPort: number | null;
  /** When known from the message itself (ICMP echo request / reply): does it go client -> server? */
  fromClient: boolean | null;
  payloadBytes: number;
  packet: number;
  time: number;
  /** Not a request/response protocol message (ICMP other than echo): state OTH, no exchanges. */
  other?: boolean;
}

class DatagramFlow {
  readonly packets = { client: 0, server: 0 };
  readonly payloadBytes = { client: 0, server: 0 };
  exchanges = 0;
  /** Client datagrams not followed by a server datagram before the next client one. */
  unanswered = 0;
  /** Server datagrams that answered no open request. */
  unsolicited = 0;
  requestOpen = false;
  lastPacket: number;
  /** The flow's last packet before the current datagram. */
  lastPacketBefore = 0;
  // 0, not undefined: a double field updated in place (a field first undefined boxes every store).
  end = 0;
  /** The server holds a session entry (the flow turned out not to be request/response). */
  session = false;
  other = false;
  /** First server datagram; packets that opened answered exchanges (first few); the last packet before the second request. */
  answeredAt: number | null = null;
  readonly exchangePackets: number[] = [];
  requestPacket = 0;
  between: number | null = null;
  readonly clientRef: EndpointRef;
  readonly serverRef: EndpointRef;
  readonly ref: { proto: string; id: number };
  /** The ledger's handle of the server's entry, from its latest hold (null: none held, or a sink that returns none). */
  held: EntryHandle | null = null;

  readonly client: string;
  readonly server: string;
  /** Keyed by 5-tuple (key null): the addresses' keys, and the next flow with the same tuple hash. */
  clientKey = 0;
  serverKey = 0;
  bucketNext: DatagramFlow | null = null;
  /** Neighbours in the live order (see DatagramFlows.live). */
  lruPrev: DatagramFlow | null = null;
  lruNext: DatagramFlow | null = null;

  constructor(
    readonly id: number,
    readonly key: string | null,
    readonly clientAddress: string,
    readonly clientPort: number | null,
    readonly serverAddress: string,
    readonly serverPort: number | null,
    readonly firstPacket: number,
    readonly start: number,
    proto: string,
  ) {
    this.client = name(clientAddress, clientPort);
    this.server = name(serverAddress, serverPort);
    this.lastPacket = firstPacket;
    this.end = start;
    this.clientRef = { role: 'client', address: clientAddress, port: null };
    this.serverRef = { role: 'server', address: serverAddress, port: serverPort };
    this.ref = { proto, id };
  }
}

function name(address: string, port: number | null): string {
  return port === null ? address : endpointString(address, port);
}

export class DatagramFlows {
  /**
   * Live flows, least recently seen first. Not a Set's order: V8 leaves a hole per deleted entry
   * until it rehashes, and reaching the first entry skips every hole, so evicting at the cap cost
   * O(table) per datagram (a 1 M-datagram UDP flood took a minute).
   */
  private readonly live = new LruList<DatagramFlow>();
  /** Flows keyed by text (observe), and flows keyed by 5-tuple (observeTuple): bucket heads by tuple hash. */
  private readonly byText = new Map<string, DatagramFlow>();
  private readonly byTuple = new TupleIndex<DatagramFlow>();
  private readonly rows: DatagramFlowReport[] = [];
  private nextId = 0;
  evicted = 0;
  omitted = 0;
  /** Every flow ended so far, listed or not. */
  private ended = 0;
  private readonly totals = { packets: 0, exchanges: 0, connStates: {} as Partial<Record<string, number>> };

  constructor(private readonly o: DatagramFlowOptions) {}

  /** A datagram of a flow (created when new, or when the previous one on the key timed out). */
  observe(d: Datagram): void {
    let flow = this.byText.get(d.key);
    if (flow !== undefined && d.time - flow.end > this.o.timeout) {
      this.end(flow, 'timeout');
      flow = undefined;
    }
    if (flow === undefined) {
      if (this.live.size >= this.o.maxFlows) this.evictOldest();
      const fromClient = d.fromClient ?? true;
      const [ca, cp, sa, sp] = fromClient
        ? [d.srcAddress, d.srcPort, d.dstAddress, d.dstPort]
        : [d.dstAddress, d.dstPort, d.srcAddress, d.srcPort];
      flow = new DatagramFlow(this.nextId++, d.key, ca, cp, sa, sp, d.packet, d.time, this.o.proto);
      flow.other = d.other === true;
      this.byText.set(d.key, flow);
      this.live.push(flow);
    } else {
      this.seen(flow);
    }
    const fromClient = d.fromClient ?? (d.srcAddress === flow.clientAddress && d.srcPort === flow.clientPort);
    this.datagram(flow, fromClient, d.payloadBytes, d.packet, d.time);
  }

  /**
   * A datagram of a 5-tuple flow (UDP), found by the addresses' keys: no key text per datagram, and
   * the addresses' text is read only for a new flow or IPv6. The side that sent first is the client.
   */
  observeTuple(ends: KeyedEnds, srcPort: number, dstPort: number, payloadBytes: number, packet: number, time: number): void {
    let flow = this.byTuple.get(ends, srcPort, dstPort);
    if (flow !== undefined && time - flow.end > this.o.timeout) {
      this.end(flow, 'timeout');
      flow = undefined;
    }
    let fromClient = true;
    if (flow === undefined) {
      if (this.live.size >= this.o.maxFlows) this.evictOldest();
      flow = new DatagramFlow(this.nextId++, null, ends.src, srcPort, ends.dst, dstPort, packet, time, this.o.proto);
      flow.clientKey = ends.srcKey;
      flow.serverKey = ends.dstKey;
      this.byTuple.add(flow);
      this.live.push(flow);
    } else {
      this.seen(flow);
      fromClient = sentByClient(flow, ends, srcPort);
    }
    this.datagram(flow, fromClient, payloadBytes, packet, time);
  }

  /** Is a 5-tuple flow live for these ends (either direction)? */
  hasTuple(ends: KeyedEnds, srcPort: number, dstPort: number): boolean {
    return this.byTuple.get(ends, srcPort, dstPort) !== undefined;
  }

  /** Least recently seen first: the flow moves to the end of the live order. */
  private seen(flow: DatagramFlow): void {
    this.live.moveToBack(flow);
  }

  private forget(flow: DatagramFlow): void {
    this.live.remove(flow);
    if (flow.key !== null) this.byText.delete(flow.key);
    else this.byTuple.delete(flow);
  }

  private datagram(flow: DatagramFlow, fromClient: boolean, payloadBytes: number, packet: number, time: number): void {
    flow.lastPacketBefore = flow.lastPacket;
    const side = fromClient ? 'client' : 'server';
    flow.packets[side]++;
    flow.payloadBytes[side] += payloadBytes;
    flow.lastPacket = packet;
    flow.end = Math.max(flow.end, time);
    const kinds = this.o.kinds;
    if (!fromClient && flow.answeredAt === null) flow.answeredAt = packet;
    if (fromClient) {
      if (flow.exchanges === 1 && flow.between === null && !flow.requestOpen) flow.between = flow.lastPacketBefore;
      flow.requestPacket = packet;
      if (flow.requestOpen) {
        flow.unanswered++;
        flow.session = true;
      }
      flow.requestOpen = true;
      // The server's socket demultiplexes the request to its handler until it answers.
      if (kinds !== null && !flow.session) {
        this.holdServer(flow, kinds.exchange, time, packet);
      }
    } else if (flow.requestOpen) {
      flow.requestOpen = false;
      flow.exchanges++;
      if (flow.exchangePackets.length < EXCHANGE_PACKETS_KEPT) flow.exchangePackets.push(flow.requestPacket);
      if (kinds !== null && !flow.session) this.releaseServer(flow, time, packet);
    } else {
      flow.unsolicited++;
      // Datagrams each way that do not pair up: the server keeps per-4-tuple state for the whole flow.
      if (flow.packets.client > 0) flow.session = true;
    }
    if (flow.session && kinds !== null) {
      this.holdServer(flow, kinds.session, time, packet);
    }
  }

  /** The server holds `kind` for the flow until `timeout` from now: through the handle of its latest hold while its entry lives (no lookup, no event). */
  private holdServer(flow: DatagramFlow, kind: StateKind, time: number, packet: number): void {
    const state = this.o.state;
    const until = time + this.o.timeout;
    const again = flow.held !== null && state.holdHeld !== undefined ? state.holdHeld(flow.held, kind, time, packet, until) : null;
    flow.held = again ?? state.hold({ endpoint: flow.serverRef, ref: flow.ref, kind, time, packet, until }) ?? null;
  }

  private releaseServer(flow: DatagramFlow, time: number, packet: number): void {
    const state = this.o.state;
    if (flow.held !== null && state.releaseHeld !== undefined) state.releaseHeld(flow.held, time, packet);
    else state.release({ endpoint: flow.serverRef, ref: flow.ref, time, packet });
    flow.held = null;
  }

  /**
   * What the flow showed, for the ledger's verdicts: a request/response flow keeps nothing from one
   * exchange to the next (each request's demux entry ends with its response), so it counts as one
   * exchange; a stream's session state is used by every exchange.
   */
  private tellLedger(flow: DatagramFlow): void {
    const stream = flow.session && flow.packets.server > 0;
    const count = stream ? flow.exchanges : Math.min(flow.exchanges, 1);
    this.o.state.flow?.({
      ref: flow.ref, client: flow.clientRef, server: flow.serverRef, firstPacket: flow.firstPacket,
      answer: flow.answeredAt === null ? { kind: 'none' } : { kind: 'answered', packet: flow.answeredAt },
      exchanges: { count, packets: stream ? flow.exchangePackets : flow.exchangePackets.slice(0, 1), between: stream && count >= 2 ? flow.between : null, idle: null },
    });
  }

  /** Is a flow live under this key? */
  has(key: string): boolean {
    return this.byText.has(key);
  }

  /** Ends flows idle for longer than the timeout at capture time `time`. */
  expire(time: number): void {
    for (let flow = this.live.oldest; flow !== null; flow = this.live.oldest) {
      if (time - flow.end <= this.o.timeout) break; // least recently seen first
      this.end(flow, 'timeout');
    }
  }

  finish(): { flows: DatagramFlowReport[]; summary: DatagramSummary } {
    for (let flow = this.live.oldest; flow !== null; flow = this.live.oldest) this.end(flow, 'capture-end');
    this.rows.sort((a, b) => a.id - b.id);
    return {
      flows: this.rows,
      summary: { flows: this.ended, packets: this.totals.packets, exchanges: this.totals.exchanges, connStates: this.totals.connStates },
    };
  }

  private evictOldest(): void {
    const oldest = this.live.oldest;
    if (oldest === null) return;
    this.evicted++;
    this.end(oldest, 'evicted');
  }

  private end(flow: DatagramFlow, how: DatagramFlowReport['ended']): void {
    this.forget(flow);
    const kinds = this.o.kinds;
    if (kinds !== null && how === 'evicted' && (flow.requestOpen || flow.session)) {
      // No longer followed: what the server held for it is released now, as for an evicted TCP flow.
      this.releaseServer(flow, flow.end, flow.lastPacket);
    }
    if (kinds !== null) this.tellLedger(flow);
    const connState = flow.other ? 'OTH' : flow.packets.client > 0 && flow.packets.server > 0 ? 'SF' : flow.packets.client > 0 ? 'S0' : 'SHR';
    const pattern: DatagramPattern = flow.other || flow.packets.server === 0 || flow.packets.client === 0 ? 'one-way'
      : flow.session ? 'stream' : 'request-response';
    this.ended++;
    this.totals.packets += flow.packets.client + flow.packets.server;
    this.totals.exchanges += flow.exchanges;
    this.totals.connStates[connState] = (this.totals.connStates[connState] ?? 0) + 1;
    if (this.rows.length >= this.o.maxRecords) {
      this.omitted++;
      return;
    }
    const duration = Math.round((flow.end - flow.start) * 1e6) / 1e6;
    this.rows.push({
      id: flow.id,
      client: flow.client,
      server: flow.server,
      firstPacket: flow.firstPacket,
      lastPacket: flow.lastPacket,
      start: flow.start,
      end: flow.end,
      duration,
      packets: { ...flow.packets },
      payloadBytes: { ...flow.payloadBytes },
      connState,
      exchanges: flow.exchanges,
      unanswered: flow.unanswered + (flow.requestOpen ? 1 : 0),
      pattern,
      ended: how,
      state: {
        serverSocketDemux: pattern === 'stream'
          ? `the server keeps per-4-tuple session state from packet ${flow.firstPacket} to packet ${flow.lastPacket}: it needs 4-tuple stickiness`
          : `a socket-demultiplexing entry at the server only while an exchange is open (${flow.exchanges} exchange${flow.exchanges === 1 ? '' : 's'})`,
        middleboxConntrack: { fromPacket: flow.firstPacket, toPacket: flow.lastPacket, seconds: Math.round((duration + this.o.timeout) * 1e6) / 1e6 },
      },
    });
  }
}

export interface DatagramSummary {
  flows: number;
  packets: number;
  exchanges: number;
  connStates: Partial<Record<string, number>>;
}
