/**
 * One live ledger entry: what an endpoint holds for one (ref) right now. Owned by the ledger; the
 * helpers in this folder read it.
 */
import type { EntryRef, StateKind } from './events.js';
import type { EndpointLedger } from './endpoint-ledger.js';

/** Entry identity within one endpoint (see entryKey). */
export type EntryKey = number | string;

export interface LiveEntry {
  /** The endpoint that holds it (what a tracker's EntryHandle leads to without a lookup). */
  owner: EndpointLedger;
  /** entryKey(ref): unique within its endpoint. */
  key: EntryKey;
  ref: EntryRef;
  kind: StateKind;
  /** Position of `kind` in STATE_KINDS (kept with it: the per-packet accounting indexes by it). */
  kindIndex: number;
  /** Entries this one stands for (e.g. CIDs mapped); >= 0. */
  entries: number;
  /** Bytes it must buffer now; >= 0. */
  buffered: number;
  /** Capture time at which it expires by itself, or null. */
  until: number | null;
  /** Bumped at every hold: an expiry scheduled under an older generation is stale. */
  generation: number;
  /** False once released or expired. */
  live: boolean;
}

/** Protocols below this index and ids below ID_LIMIT fit the numeric key; others fall back to a string. */
const PROTO_SLOTS = 32;
/** Parts below this fit the numeric key; larger (or odd) ones fall back to a string. */
const PART_SLOTS = 64;
/** id * PROTO_SLOTS * PART_SLOTS stays an exact integer (below 2^53) for ids below this. */
const ID_LIMIT = 2 ** 42;

/** Each protocol name gets a small index the first time an entry names it (no fixed list of protocols). */
const protoIndex = new Map<string, number>();

function indexOf(proto: string): number {
  let index = protoIndex.get(proto);
  if (index === undefined) {
    index = protoIndex.size;
    protoIndex.set(proto, index);
  }
  return index;
}

/**
 * Flow identity (parts of one flow together): what reasons and restart lists name. A number when
 * it fits, so that looking an entry up allocates nothing: id * PROTO_SLOTS + protocol index.
 */
export function flowKey(ref: EntryRef): EntryKey {
  const index = indexOf(ref.proto);
  if (index < PROTO_SLOTS && Number.isInteger(ref.id) && ref.id >= 0 && ref.id < ID_LIMIT) return ref.id * PROTO_SLOTS + index;
  return `${ref.proto}|${ref.id}`;
}

/** Entry identity within one endpoint: protocol, flow record id and part. */
export function entryKey(ref: EntryRef): EntryKey {
  const flow = flowKey(ref);
  const part = ref.part;
  if (typeof flow === 'string') return part === undefined ? flow : `${flow}|${part}`;
  if (part === undefined) return flow * PART_SLOTS;
  if (Number.isInteger(part) && part >= 0 && part < PART_SLOTS - 1) return flow * PART_SLOTS + part + 1;
  return `${ref.proto}|${ref.id}|${part}`;
}
