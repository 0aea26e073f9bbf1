/**
 * Per endpoint, the flows it held state for, in words the verdict can quote: from which packet,
 * through which kinds, to which packet. Only the first SPANS_PER_PROTOCOL flows of each protocol
 * are kept (the reasons list is bounded); the others are only counted.
 */
import type { EntryRef, StateKind } from './events.js';
import type { LiveEntry } from './entry.js';
import { STATE_PROTOCOLS } from '../model/state-kind.js';

export const SPANS_PER_PROTOCOL = 5;

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

function zeroPerProtocol(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const proto of STATE_PROTOCOLS) counts[proto] = 0;
  return counts;
}

export class FlowSpans {
  /**
   * Flows held (counted when their main entry, the one without `part`, is created). The counts,
   * the map and its tally are made at the first hold: most endpoints of a flood hold nothing.
   */
  private countsHeld: Record<string, number> | null = null;
  /** Kept spans (at most SPANS_PER_PROTOCOL per protocol: a scan beats a Map), in an exact-size array. */
  private kept: FlowSpan[] | null = null;
  private keptPerProto: Record<string, number> | null = null;

  /** Flows held per protocol (every protocol that holds state, 0 when none). */
  get counts(): Record<string, number> {
    return this.countsHeld ?? zeroPerProtocol();
  }

  /**
   * A hold of `entry` (its kind and entries already set); `created`: the entry is new. A main
   * entry finds its flow's span once, when created, and keeps it (entry.span); a part looks it up.
   */
  onHold(entry: LiveEntry, created: boolean, packet: number, time: number): void {
    const proto = entry.proto;
    let span: FlowSpan | undefined;
    if (entry.part === undefined) {
      if (created) {
        const counts = (this.countsHeld ??= zeroPerProtocol());
        counts[proto] = (counts[proto] ?? 0) + 1;
        const perProto = (this.keptPerProto ??= zeroPerProtocol());
        const kept = perProto[proto] ?? 0;
        span = kept > 0 ? this.keptSpan(proto, entry.id) : undefined;
        if (span === undefined && kept < SPANS_PER_PROTOCOL) {
          span = { proto, id: entry.id, firstPacket: packet, lastHoldPacket: packet, lastHoldTime: time,
            kinds: [], cids: 0, end: null };
          this.kept = this.kept === null ? [span] : [...this.kept, span];
          perProto[proto] = kept + 1;
        }
        entry.span = span ?? null;
      } else {
        span = entry.span ?? undefined;
      }
    } else if ((this.keptPerProto?.[proto] ?? 0) > 0) {
      span = this.keptSpan(proto, entry.id);
    }
    if (span === undefined) return;
    const kind = entry.kind;
    if (kind === 'quicCids') {
      span.cids = Math.max(span.cids, entry.entries);
      return;
    }
    if (entry.part !== undefined) return;
    // Exact-size lists (a flow goes through a handful of kinds; a push onto [] leaves room for 17).
    if (!span.kinds.includes(kind)) span.kinds = span.kinds.length === 0 ? [kind] : span.kinds.concat(kind);
    span.lastHoldPacket = packet;
    span.lastHoldTime = time;
    span.end = null;
  }

  /**
   * The flow's main entry ended (its parts do not end the span): released at `packet`, or expired
   * at `expiredAt` (attributed to `packet`). No event object: most entries have no kept span.
   */
  onEnd(entry: LiveEntry, packet: number, expiredAt: number | null): void {
    if (entry.part !== undefined) return;
    const span = entry.span;
    if (span === null) return;
    span.end = expiredAt === null ? { how: 'released', packet }
      : { how: 'expired', packet, after: Math.round((expiredAt - span.lastHoldTime) * 1e6) / 1e6 };
  }

  private keptSpan(proto: string, id: number): FlowSpan | undefined {
    const kept = this.kept;
    if (kept !== null) for (const span of kept) if (span.id === id && span.proto === proto) return span;
    return undefined;
  }

  /** Kept spans, oldest first. */
  spans(): FlowSpan[] {
    if (this.kept === null) return [];
    return [...this.kept].sort((a, b) => a.firstPacket - b.firstPacket || a.id - b.id);
  }
}
