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
import { ALWAYS_LISTED_PROTOCOLS, KIND_BREAKS } from '../model/state-kind.js';
import type { EndpointReport, RestartFlow } from '../model/endpoint.js';
import { protoOfKey, type EntryKey, type LiveEntry } from './entry.js';
import { EntryTable } from './entry-table.js';

/** Flow ids per protocol: tcp, dns and quic always (possibly empty), later protocols when non-empty. */
export type RestartBreaks = Record<string, number[]>;

/** Nothing breaks: an empty list per protocol. */
export function noBreaks(): RestartBreaks {
  const breaks: RestartBreaks = {};
  for (const proto of ALWAYS_LISTED_PROTOCOLS) breaks[proto] = [];
  return breaks;
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
  const refs: LiveEntry[] = [];
  // Losing an entry of a kind whose tracker declares `breaksConversation` breaks something its peer notices.
  for (const entry of live) if (KIND_BREAKS[entry.kindIndex] === true) refs.push(entry);
  return collectBreaks(refs);
}

/** Noted keys kept at least this many before dead ones are swept out (see WorstMoment.noteChange). */
const CHANGED_SWEEP_MIN = 1024;

/**
 * Remembers what a restart would break at the endpoint's moment of most entries, without copying
 * the live set at every new peak: it keeps the flow ids of the breakable entries of the last peak
 * (`atPeak`, by key) and the entries changed since (`changed`, each once: an entry carries the
 * epoch it was noted in); a new peak merges only those. Each change is merged at most once, so the
 * cost is O(1) amortized per event and the memory O(entries at peak + live entries): entries born
 * and gone since the peak are swept out of `changed` when they dominate it.
 * It keeps numbers, not entry objects, so that the ledger may reuse an ended entry's object: a
 * noted entry is its key and its handle (which names that life of the object only).
 */
export class WorstMoment {
  private readonly atPeak = new EntryTable<number>();
  private changedKeys: EntryKey[] = [];
  private changedHandles: number[] = [];
  /** Bumped at every peak: an entry whose changeMark differs is not in `changed` yet. */
  private epoch = 1;

  /** An entry was created, changed kind, or (removed from `live` already) ended; `live`: the endpoint's live entries. */
  noteChange(entry: LiveEntry, live: EntryTable): void {
    if (entry.changeMark === this.epoch) return;
    entry.changeMark = this.epoch;
    const keys = this.changedKeys;
    keys.push(entry.key);
    this.changedHandles.push(entry.handle);
    if (keys.length >= CHANGED_SWEEP_MIN && keys.length > 2 * (live.size + this.atPeak.size) + CHANGED_SWEEP_MIN) this.sweep(live);
  }

  /** The endpoint reached a new peak: `live` is its live entries now. */
  notePeak(live: EntryTable): void {
    // Per key noted: the entry live under it now if breakable, else none (an entry re-held under
    // the same key after its predecessor ended is noted as well, so the order does not matter).
    const keys = this.changedKeys;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const entry = live.get(key);
      if (entry !== undefined && KIND_BREAKS[entry.kindIndex] === true) this.atPeak.set(key, entry.id);
      else this.atPeak.delete(key);
    }
    keys.length = 0;
    this.changedHandles.length = 0;
    this.epoch++;
  }

  breaks(): RestartBreaks {
    const refs: { proto: string; id: number }[] = [];
    this.atPeak.forEach((id, key) => refs.push({ proto: protoOfKey(key), id }));
    return collectBreaks(refs);
  }

  /** Drops the noted entries born and gone since the peak, and not part of it: merging them would change nothing. */
  private sweep(live: EntryTable): void {
    const atPeak = this.atPeak;
    const keys = this.changedKeys;
    const handles = this.changedHandles;
    let n = 0;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const handle = handles[i];
      // Still live: the entry under its key is this life of it (a later life has another handle).
      if (live.get(key)?.handle !== handle && atPeak.get(key) === undefined) continue;
      keys[n] = key;
      handles[n] = handle;
      n++;
    }
    keys.length = n;
    handles.length = n;
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
