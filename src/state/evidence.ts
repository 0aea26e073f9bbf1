/**
 * What the capture showed about each conversation, as the verdicts need it: did the destination
 * answer (an endpoint is a server only once it answered), how many request/response exchanges did
 * the flow carry, and where a restart would have broken it. Trackers tell the ledger once per flow,
 * when they are done with it (StateSink.flow), and tell it every state loss they see (StateSink.loss).
 */
import type { EndpointRef, EntryRef } from './events.js';

/** A silence at least this long before a request is an idle period (the state was held, unused, across it). */
export const IDLE_GAP_SECONDS = 1;
/** Packets that opened exchanges, kept per flow for the reasons ("packets 44, 48, 52"). */
export const EXCHANGE_PACKETS_KEPT = 5;

/** How the destination of a flow answered. */
export type Answer =
  /** It sent a SYN-ACK (or other non-reset TCP segment), a DNS response, or a QUIC packet. */
  | { kind: 'answered'; packet: number }
  /** Nothing came back in the capture. */
  | { kind: 'none' }
  /** A reset to the SYN: nobody listened (RFC 9293 §3.10.7.1). */
  | { kind: 'rst'; packet: number }
  /** An ICMP error, from the destination or on its way. */
  | { kind: 'icmp'; packet: number; type: number; code: number; version: 4 | 6 };

/** A silence of the flow ended by a client request. */
export interface IdleGap {
  /** The last packet before the silence and the request that ended it. */
  fromPacket: number;
  toPacket: number;
  seconds: number;
}

export interface Exchanges {
  count: number;
  /** The packets that opened the first EXCHANGE_PACKETS_KEPT exchanges. */
  packets: readonly number[];
  /**
   * The last packet before the second exchange opened: both ends held the connection right after it,
   * and the second exchange needed it, so a restart right after it (--restart-at N) breaks the flow.
   * Null with fewer than two exchanges.
   */
  between: number | null;
  /** The longest silence of at least IDLE_GAP_SECONDS that a client request ended; null if none. */
  idle: IdleGap | null;
}

export interface FlowEvidence {
  ref: EntryRef;
  client: EndpointRef;
  server: EndpointRef;
  firstPacket: number;
  answer: Answer;
  exchanges: Exchanges;
}

export type StateLossKind = 'tcp-reset-established' | 'icmp-port-unreachable' | 'quic-stateless-reset';

export interface StateLossEvidence {
  packet: number;
  time: number;
  kind: StateLossKind;
  /** The side that lost its state. */
  endpoint: EndpointRef;
  /** The flow, DNS transaction or QUIC connection it lost, when known. */
  ref: EntryRef | null;
  detail: string;
}

/**
 * Counts the request/response exchanges of one flow from the direction of its payload: client data
 * after server data (or first) opens an exchange; server data answers it. O(1) memory per flow.
 */
export class ExchangeCounter {
  count = 0;
  packets: number[] = [];
  between: number | null = null;
  idle: IdleGap | null = null;
  /** Who sent the last payload: 0 nobody yet, 1 the client, 2 the server. */
  private lastSender = 0;
  private lastPacket = 0;
  private lastTime = 0;

  /** One packet of the flow, in capture order; `payload` when it carried application bytes. */
  observe(fromClient: boolean, payload: boolean, packet: number, time: number): void {
    if (payload && fromClient && this.lastSender !== 1) {
      this.count++;
      // The first as an exact-size array: push onto an empty one reserves 17 slots, kept by every flow of a flood.
      if (this.packets.length === 0) this.packets = [packet];
      else if (this.packets.length < EXCHANGE_PACKETS_KEPT) this.packets.push(packet);
      if (this.count === 2) this.between = this.lastPacket;
      const silence = Math.round((time - this.lastTime) * 1e6) / 1e6;
      if (this.lastPacket > 0 && silence >= IDLE_GAP_SECONDS && (this.idle === null || silence > this.idle.seconds)) {
        this.idle = { fromPacket: this.lastPacket, toPacket: packet, seconds: silence };
      }
    }
    if (payload) this.lastSender = fromClient ? 1 : 2;
    this.lastPacket = packet;
    this.lastTime = time;
  }

  summary(): Exchanges {
    return { count: this.count, packets: [...this.packets], between: this.between, idle: this.idle };
  }
}

/** A flow of one exchange that needed no more: a DNS transaction answered, or nothing answered. */
export function singleExchange(packet: number | null): Exchanges {
  return packet === null
    ? { count: 0, packets: [], between: null, idle: null }
    : { count: 1, packets: [packet], between: null, idle: null };
}
