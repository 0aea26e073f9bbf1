/**
 * The trackers tell the state ledger, packet by packet, which endpoint holds what. Events arrive in
 * capture order; the ledger turns them into per-endpoint timelines, peaks, idle windows and verdicts.
 *
 * An entry is identified by (endpoint, ref). `hold` creates it or changes its kind (a TCP control
 * block goes tcpHalfOpen -> tcpConnections -> tcpTimeWait under one ref); `release` removes it.
 * `until` lets the ledger expire an entry by itself at a capture time (TIME-WAIT after 2*MSL, a DNS
 * query after the timeout) unless a later event changes it first.
 */
import type { FlowEvidence, StateLossEvidence } from './evidence.js';
import type { StateKind } from '../model/state-kind.js';

export { STATE_KINDS, type StateKind } from '../model/state-kind.js';

/** A server endpoint is ip:port; a client endpoint is an address (all its ephemeral ports together). */
export interface EndpointRef {
  role: 'server' | 'client';
  address: string;
  /** Server port; null for a client endpoint. */
  port: number | null;
  /**
   * The server's transport: one ip:port over UDP and over TCP is two servers, each with its own
   * verdict. Absent counts as its own transport (library users that do not say).
   */
  transport?: 'tcp' | 'udp';
  /**
   * The address as its 32-bit value, when it is IPv4 and the tracker has it (the decoder's address
   * key): the ledger finds the endpoint by it without parsing the text.
   */
  ipv4?: number;
}

/** Which flow record an entry belongs to: the tracker's name and its record id (TCP flow id, DNS transaction index, ...). */
export interface EntryRef {
  proto: string;
  id: number;
  /** Distinguishes several entries of one flow at one endpoint (e.g. the CIDs of a QUIC connection). */
  part?: number;
}

export interface HoldEvent {
  endpoint: EndpointRef;
  ref: EntryRef;
  kind: StateKind;
  time: number;
  packet: number;
  /** Entries this hold stands for (default 1), e.g. the number of CIDs a QUIC endpoint maps. */
  entries?: number;
  /** Capture time at which the ledger drops the entry by itself. */
  until?: number;
}

export interface ReleaseEvent {
  endpoint: EndpointRef;
  ref: EntryRef;
  time: number;
  packet: number;
}

/** Bytes an entry must buffer now: unacknowledged data in flight plus out-of-order data held. */
export interface BufferEvent {
  endpoint: EndpointRef;
  ref: EntryRef;
  bytes: number;
  time: number;
  packet: number;
}

declare const entryHandleBrand: unique symbol;

/**
 * A direct handle to one live ledger entry, as `hold` returns it: a tracker keeps it with its flow
 * and reports the entry's bytes through `bufferHeld`, so the ledger looks nothing up per packet.
 * A number (the ledger reuses an ended entry's storage, and the number tells its lives apart).
 * Valid until the entry is released or expires: after that, `bufferHeld` and `releaseHeld` through
 * it are ignored (as buffer events for an unknown ref are) and `holdHeld` answers null, and the
 * tracker holds anew with an event. Every hold returns the handle to use from then on.
 */
export type EntryHandle = number & { readonly [entryHandleBrand]: true };

/**
 * Where trackers send their events. A sink must not keep an event object past the call: trackers
 * reuse them on the hot path (the `endpoint` and `ref` objects an event points to are not reused).
 */
export interface StateSink {
  /** A sink that keeps entries (the ledger) returns the entry's handle; others return nothing. */
  hold(e: HoldEvent): EntryHandle | void;
  release(e: ReleaseEvent): void;
  buffer(e: BufferEvent): void;
  /**
   * The same as `buffer` for the entry a hold returned `handle` for, without building an event:
   * the hot path for bytes in flight. Trackers send `buffer` events to sinks without it.
   */
  bufferHeld?(handle: EntryHandle, bytes: number, time: number, packet: number): void;
  /**
   * The same as `release` for the entry a hold returned `handle` for (the handle of the latest hold
   * of that ref), without a lookup or an event. Trackers send `release` events to sinks without it.
   */
  releaseHeld?(handle: EntryHandle, time: number, packet: number): void;
  /**
   * The same as `hold` of the refs a hold returned `handle` for (the latest hold of them), without a
   * lookup or an event; returns the handle to use from then on. Null when the entry has ended
   * (released or expired): nothing was held, and the tracker sends the `hold` event instead, as it
   * does to sinks without this method.
   */
  holdHeld?(handle: EntryHandle, kind: StateKind, time: number, packet: number, until?: number, entries?: number): EntryHandle | null;
  /** What a flow showed about its conversation, once, when its tracker is done with it (see evidence.ts). */
  flow?(e: FlowEvidence): void;
  /** State the capture shows was lost (see evidence.ts). */
  loss?(e: StateLossEvidence): void;
}

/** A sink that ignores everything: for trackers used on their own (tests, library users). */
export const NO_STATE: StateSink = { hold() {}, release() {}, buffer() {} };

