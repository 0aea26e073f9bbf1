/**
 * Per endpoint, the flows it held state for, in words the verdict can quote: from which packet,
 * through which kinds, to which packet. Only the first SPANS_PER_PROTOCOL flows of each protocol
 * are kept (the reasons list is bounded); the others are only counted.
 */
import type { EntryRef, StateKind } from './events.js';
import { flowKey } from './entry.js';

export const SPANS_PER_PROTOCOL = 5;

/** How a flow's main entry ended, as the ledger reports it. */
export type EndEvent = { how: 'released'; packet: number } | { how: 'expired'; packet: number; time: number };

export type SpanEnd =
  | { how: 'released'; packet: number }
  /** Dropped by the ledger at its `until`, `after` seconds after the hold that set it. */
  | { how: 'expired'; packet: number; after: number };

export interface FlowSpan {
  proto: EntryRef['proto'];
  id: number;
  firstPacket: number;
  /** Packet and time of the last hold (the one whose `until` an expiry counts from). */
  lastHoldPacket: number;
  lastHoldTime: number;
  /** Kinds in the order the flow went through them, each once. */
  kinds: StateKind[];
  /** Most CIDs mapped at once (QUIC). */
  cids: number;
  /** Null while held (at the end of the capture: still held). */
  end: SpanEnd | null;
}

export class FlowSpans {
  /** Flows held (counted when their main entry, the one without `part`, is created). */
  readonly counts = { tcp: 0, dns: 0, quic: 0 };
  private readonly kept = new Map<number, FlowSpan>();
  private readonly keptPerProto = { tcp: 0, dns: 0, quic: 0 };

  onHold(ref: EntryRef, kind: StateKind, entries: number, created: boolean, packet: number, time: number): void {
    const key = flowKey(ref);
    let span = this.kept.get(key);
    if (created && ref.part === undefined) {
      this.counts[ref.proto]++;
      if (span === undefined && this.keptPerProto[ref.proto] < SPANS_PER_PROTOCOL) {
        span = { proto: ref.proto, id: ref.id, firstPacket: packet, lastHoldPacket: packet, lastHoldTime: time,
          kinds: [], cids: 0, end: null };
        this.kept.set(key, span);
        this.keptPerProto[ref.proto]++;
      }
    }
    if (span === undefined) return;
    if (kind === 'quicCids') {
      span.cids = Math.max(span.cids, entries);
      return;
    }
    if (ref.part !== undefined) return;
    if (!span.kinds.includes(kind)) span.kinds.push(kind);
    span.lastHoldPacket = packet;
    span.lastHoldTime = time;
    span.end = null;
  }

  /** The flow's main entry ended (its parts do not end the span). */
  onEnd(ref: EntryRef, end: EndEvent): void {
    if (ref.part !== undefined) return;
    const span = this.kept.get(flowKey(ref));
    if (span === undefined) return;
    span.end = end.how === 'released' ? end
      : { how: 'expired', packet: end.packet, after: Math.round((end.time - span.lastHoldTime) * 1e6) / 1e6 };
  }

  /** Kept spans, oldest first. */
  spans(): FlowSpan[] {
    return [...this.kept.values()].sort((a, b) => a.firstPacket - b.firstPacket || a.id - b.id);
  }
}
