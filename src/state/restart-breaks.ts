/**
 * What a restart of an endpoint breaks: the flows it holds state for at that moment, by protocol.
 * Rules (documented in the report README by the lead):
 * - TCP: every control block in any state but TIME-WAIT, half-open (SYN-RECEIVED) included: after a
 *   restart the client's next segment meets no socket and is answered with a reset (RFC 9293 §3.5.2,
 *   "reset generation", case 1). TIME-WAIT is left out: both ends have closed, losing it breaks
 *   nothing a client sees (it only guards against old duplicates, RFC 9293 §3.6).
 * - DNS: queries the server received and has not answered (the client retries); a client's pending
 *   queries when the endpoint is a client.
 * - QUIC: every connection it holds (connection state or CID mappings).
 */
import { ALWAYS_LISTED_PROTOCOLS, KIND_BREAKS, KIND_INDEX, type StateKind } from '../model/state-kind.js';
import type { EndpointReport, RestartFlow } from '../model/endpoint.js';
import type { EntryKey, LiveEntry } from './entry.js';

/** Flow ids per protocol: tcp, dns and quic always (possibly empty), later protocols when non-empty. */
export type RestartBreaks = Record<string, number[]>;

/** Nothing breaks: an empty list per protocol. */
export function noBreaks(): RestartBreaks {
  const breaks: RestartBreaks = {};
  for (const proto of ALWAYS_LISTED_PROTOCOLS) breaks[proto] = [];
  return breaks;
}

/** Does losing an entry of this kind break something its peer notices? (its tracker declares it: `breaksConversation`) */
export function breaksOnRestart(kind: StateKind): boolean {
  return KIND_BREAKS[KIND_INDEX[kind]] === true;
}

/** Sorted, de-duplicated flow ids per protocol from (proto, id) pairs. */
export function collectBreaks(refs: Iterable<{ proto: string; id: number }>): RestartBreaks {
  const sets = new Map<string, Set<number>>(ALWAYS_LISTED_PROTOCOLS.map((proto) => [proto, new Set<number>()]));
  for (const ref of refs) {
    let set = sets.get(ref.proto);
    if (set === undefined) sets.set(ref.proto, (set = new Set<number>()));
    set.add(ref.id);
  }
  const breaks: RestartBreaks = {};
  for (const [proto, set] of sets) breaks[proto] = [...set].sort((a, b) => a - b);
  return breaks;
}

/** What a restart breaks now, from an endpoint's live entries: O(live entries). */
export function breaksNow(live: Iterable<LiveEntry>): RestartBreaks {
  const refs: { proto: string; id: number }[] = [];
  for (const entry of live) if (breaksOnRestart(entry.kind)) refs.push(entry.ref);
  return collectBreaks(refs);
}

/**
 * Remembers what a restart would break at the endpoint's moment of most entries, without copying
 * the live set at every new peak: it keeps the breakable entries of the last peak (`atPeak`) and
 * the keys changed since (`changed`); a new peak merges only those. Each change is merged at most
 * once, so the cost is O(1) amortized per event and the memory O(entries at peak + live entries).
 */
export class WorstMoment {
  private readonly atPeak = new Map<EntryKey, { proto: string; id: number }>();
  private readonly changed = new Set<EntryKey>();

  /** An entry was created, changed kind, or (entry.live false) ended. */
  noteChange(entry: LiveEntry): void {
    if (entry.live || this.atPeak.has(entry.key)) this.changed.add(entry.key);
    else this.changed.delete(entry.key); // born and gone since the peak: the peak never saw it
  }

  /** The endpoint reached a new peak: `live` is its live entries now. */
  notePeak(live: ReadonlyMap<EntryKey, LiveEntry>): void {
    for (const key of this.changed) {
      const entry = live.get(key);
      if (entry !== undefined && breaksOnRestart(entry.kind)) this.atPeak.set(key, entry.ref);
      else this.atPeak.delete(key);
    }
    this.changed.clear();
  }

  breaks(): RestartBreaks {
    return collectBreaks(this.atPeak.values());
  }
}

/** A report row's id and packets: a flow or connection (`id`, `firstPacket`, `lastPacket`) or a DNS transaction (`index`, its query and response packets). */
function rowSpan(row: unknown): RestartFlow | null {
  if (typeof row !== 'object' || row === null) return null;
  const r = row as Record<string, unknown>;
  const id = typeof r.index === 'number' ? r.index : r.id;
  if (typeof id !== 'number') return null;
  if (typeof r.firstPacket === 'number' && typeof r.lastPacket === 'number') return { proto: '', id, firstPacket: r.firstPacket, lastPacket: r.lastPacket };
  const packets = [...(Array.isArray(r.queryPackets) ? r.queryPackets : []), ...(Array.isArray(r.responsePackets) ? r.responsePackets : [])]
    .filter((p): p is number => typeof p === 'number');
  if (packets.length === 0) return null;
  return { proto: '', id, firstPacket: Math.min(...packets), lastPacket: Math.max(...packets) };
}

/**
 * --restart-at: names the packets of what each endpoint's restart breaks, from the report's rows
 * (`rowsOf(proto)`: the protocol's listed rows). Flows not listed (beyond --max-records) are left
 * out of `flows`, not of `breaks`. O(rows) once, only when a restart was asked for.
 */
export function addRestartFlows(endpoints: EndpointReport[], rowsOf: (proto: string) => readonly unknown[] | undefined): void {
  const indexes = new Map<string, Map<number, RestartFlow>>();
  const indexOf = (proto: string): Map<number, RestartFlow> => {
    let index = indexes.get(proto);
    if (index === undefined) {
      index = new Map();
      for (const row of rowsOf(proto) ?? []) {
        const span = rowSpan(row);
        if (span !== null) index.set(span.id, { ...span, proto });
      }
      indexes.set(proto, index);
    }
    return index;
  };
  for (const e of endpoints) {
    const r = e.restart;
    if (r === null || r.basis !== 'requested') continue;
    const flows: RestartFlow[] = [];
    for (const [proto, ids] of Object.entries(r.breaks)) {
      if (ids.length === 0) continue;
      const index = indexOf(proto);
      for (const id of ids) {
        const span = index.get(id);
        if (span !== undefined) flows.push(span);
      }
    }
    r.flows = flows;
  }
}
