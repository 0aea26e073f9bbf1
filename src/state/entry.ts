/**
 * One live ledger entry: what an endpoint holds for one (ref) right now. Owned by the ledger; the
 * helpers in this folder read it. It carries its ref's fields itself (proto, id, part), so that an
 * entry is one object, and it stands for its ref wherever a ref is read (restart lists, spans).
 * Once ended, the ledger may reuse the object for a later entry (nothing else keeps it), so only
 * the ledger hands out references to it: trackers get its handle, a number.
 */
import type { StateKind } from './events.js';
import type { EndpointLedger } from './endpoint-ledger.js';
import type { FlowSpan } from './flow-spans.js';

/** Entry identity within one endpoint (see entryKey). */
export type EntryKey = number | string;

export interface LiveEntry {
  /** The endpoint that holds it (what a tracker's EntryHandle leads to without a lookup). */
  owner: EndpointLedger;
  /** entryKey(ref): unique within its endpoint. */
  key: EntryKey;
  /** The ref's fields, copied at creation: a tracker may reuse its event objects. */
  proto: string;
  id: number;
  part: number | undefined;
  kind: StateKind;
  /** Position of `kind` in STATE_KINDS (kept with it: the per-packet accounting indexes by it). */
  kindIndex: number;
  /** Entries this one stands for (e.g. CIDs mapped); >= 0. */
  entries: number;
  /** Bytes it must buffer now; >= 0. */
  buffered: number;
  /** Capture time at which it expires by itself; Infinity when it is held until released. */
  until: number;
  /**
   * Bumped at every hold: an expiry scheduled under an older generation is stale. Never reset,
   * also when the object is reused for another entry (see StateLedger's spare entries), so that
   * the expiries of its earlier lives stay stale.
   */
  generation: number;
  /** The EntryHandle of this life of the object: its slot, plus HANDLE_SLOTS per earlier life. */
  handle: number;
  /** False once released or expired. */
  live: boolean;
  /** Its flow's kept span (FlowSpans), found once when a main entry (no part) is created; null if not kept. */
  span: FlowSpan | null;
  /** The WorstMoment epoch in which it was last noted as changed (0: never). */
  changeMark: number;
}

/** Protocols below this index and ids below ID_LIMIT fit the numeric key; others fall back to a string. */
const PROTO_SLOTS = 32;
/** Parts below this fit the numeric key; larger (or odd) ones fall back to a string. */
const PART_SLOTS = 64;
/** id * PROTO_SLOTS * PART_SLOTS stays an exact integer (below 2^53) for ids below this. */
const ID_LIMIT = 2 ** 42;

/**
 * Each protocol name gets a small index the first time an entry names it (no fixed list of
 * protocols). A handful of names: a scan of this array (identity of interned names) beats a Map.
 */
const protoNames: string[] = [];

function indexOf(proto: string): number {
  const names = protoNames;
  for (let i = 0; i < names.length; i++) if (names[i] === proto) return i;
  names.push(proto);
  return names.length - 1;
}

/**
 * Flow identity (parts of one flow together): what reasons and restart lists name. A number when
 * it fits, so that looking an entry up allocates nothing: id * PROTO_SLOTS + protocol index (a
 * small integer, unboxed in V8, for ids below 2^25).
 */
export function flowKey(ref: { proto: string; id: number }): EntryKey {
  const index = indexOf(ref.proto);
  const id = ref.id;
  if (index < PROTO_SLOTS && Number.isInteger(id) && id >= 0 && id < ID_LIMIT) return id * PROTO_SLOTS + index;
  return `${ref.proto}|${id}`;
}

/**
 * Entry identity within one endpoint: protocol, flow record id and part. A main entry (no part)
 * is keyed by its flowKey; a part by a negative number (a separate range: no clash with flows).
 */
export function entryKey(ref: { proto: string; id: number; part?: number }): EntryKey {
  const flow = flowKey(ref);
  const part = ref.part;
  if (part === undefined) return flow;
  if (typeof flow === 'number' && Number.isInteger(part) && part >= 0 && part < PART_SLOTS) return -(flow * PART_SLOTS + part) - 1;
  return `${ref.proto}|${ref.id}|${part}`;
}

/**
 * The protocol of the ref an entryKey was made from. Numeric keys carry its index; string keys
 * start with its name, up to the first '|' (a name with '|' in it would already make two refs share
 * a key).
 */
export function protoOfKey(key: EntryKey): string {
  if (typeof key === 'string') return key.slice(0, key.indexOf('|'));
  const flow = key >= 0 ? key : Math.floor((-key - 1) / PART_SLOTS);
  return protoNames[flow % PROTO_SLOTS];
}
