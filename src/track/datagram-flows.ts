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
 * Memory: O(live flows + listed rows); the live map is kept in least-recently-seen order.
 */
import type { DatagramFlowReport, DatagramFlowsReport, DatagramPattern } from '../model/datagram.js';
import type { EndpointRef, StateSink } from '../state/events.js';
import type { StateKind } from '../model/state-kind.js';
import { endpointString } from '../flow/endpoint.js';
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
  end: number;
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

  readonly client: string;
  readonly server: string;

  constructor(
    readonly id: number,
    readonly key: string,
    readonly clientAddress: string,
    readonly clientPort: number | null,
    serverAddress: string,
    serverPort: number | null,
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
  private readonly live = new Map<string, DatagramFlow>();
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
    let flow = this.live.get(d.key);
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
      this.live.set(d.key, flow);
    } else {
      // Least recently seen first: move it to the end of the map's order.
      this.live.delete(d.key);
      this.live.set(d.key, flow);
    }
    const fromClient = d.fromClient ?? (d.srcAddress === flow.clientAddress && d.srcPort === flow.clientPort);
    this.datagram(flow, fromClient, d);
  }

  private datagram(flow: DatagramFlow, fromClient: boolean, d: Datagram): void {
    flow.lastPacketBefore = flow.lastPacket;
    const side = fromClient ? 'client' : 'server';
    flow.packets[side]++;
    flow.payloadBytes[side] += d.payloadBytes;
    flow.lastPacket = d.packet;
    flow.end = Math.max(flow.end, d.time);
    const kinds = this.o.kinds;
    if (!fromClient && flow.answeredAt === null) flow.answeredAt = d.packet;
    if (fromClient) {
      if (flow.exchanges === 1 && flow.between === null && !flow.requestOpen) flow.between = flow.lastPacketBefore;
      flow.requestPacket = d.packet;
      if (flow.requestOpen) {
        flow.unanswered++;
        flow.session = true;
      }
      flow.requestOpen = true;
      // The server's socket demultiplexes the request to its handler until it answers.
      if (kinds !== null && !flow.session) {
        this.o.state.hold({ endpoint: flow.serverRef, ref: flow.ref, kind: kinds.exchange, time: d.time, packet: d.packet, until: d.time + this.o.timeout });
      }
    } else if (flow.requestOpen) {
      flow.requestOpen = false;
      flow.exchanges++;
      if (flow.exchangePackets.length < EXCHANGE_PACKETS_KEPT) flow.exchangePackets.push(flow.requestPacket);
      if (kinds !== null && !flow.session) this.o.state.release({ endpoint: flow.serverRef, ref: flow.ref, time: d.time, packet: d.packet });
    } else {
      flow.unsolicited++;
      // Datagrams each way that do not pair up: the server keeps per-4-tuple state for the whole flow.
      if (flow.packets.client > 0) flow.session = true;
    }
    if (flow.session && kinds !== null) {
      this.o.state.hold({ endpoint: flow.serverRef, ref: flow.ref, kind: kinds.session, time: d.time, packet: d.packet, until: d.time + this.o.timeout });
    }
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
    return this.live.has(key);
  }

  /** Ends flows idle for longer than the timeout at capture time `time`. */
  expire(time: number): void {
    for (const flow of this.live.values()) {
      if (time - flow.end <= this.o.timeout) break; // map order is least recently seen first
      this.end(flow, 'timeout');
    }
  }

  finish(): { flows: DatagramFlowReport[]; summary: DatagramSummary } {
    for (const flow of [...this.live.values()]) this.end(flow, 'capture-end');
    this.rows.sort((a, b) => a.id - b.id);
    return {
      flows: this.rows,
      summary: { flows: this.ended, packets: this.totals.packets, exchanges: this.totals.exchanges, connStates: this.totals.connStates },
    };
  }

  private evictOldest(): void {
    const oldest = this.live.values().next().value;
    if (oldest === undefined) return;
    this.evicted++;
    this.end(oldest, 'evicted');
  }

  private end(flow: DatagramFlow, how: DatagramFlowReport['ended']): void {
    this.live.delete(flow.key);
    const kinds = this.o.kinds;
    if (kinds !== null && how === 'evicted' && (flow.requestOpen || flow.session)) {
      // No longer followed: what the server held for it is released now, as for an evicted TCP flow.
      this.o.state.release({ endpoint: flow.serverRef, ref: flow.ref, time: flow.end, packet: flow.lastPacket });
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
