/**
 * One live ledger entry: what an endpoint holds for one (ref) right now. Owned by the ledger; the
 * helpers in this folder read it.
 */
import type { EntryRef, StateKind } from './events.js';

/** Entry identity within one endpoint (see entryKey). */
export type EntryKey = number | string;

export interface LiveEntry {
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

const PROTO_INDEX = { tcp: 0, dns: 1, quic: 2 } as const;
/** Parts below this fit the numeric key; larger (or odd) ones fall back to a string. */
const PART_SLOTS = 64;

/**
 * Flow identity (parts of one flow together): what reasons and restart lists name. A number, so
 * that looking an entry up allocates nothing: id * 4 + protocol (exact for ids below 2^51).
 */
export function flowKey(ref: EntryRef): number {
  return ref.id * 4 + PROTO_INDEX[ref.proto];
}

/** Entry identity within one endpoint: protocol, flow record id and part. */
export function entryKey(ref: EntryRef): EntryKey {
  const part = ref.part;
  if (part === undefined) return flowKey(ref) * PART_SLOTS;
  if (Number.isInteger(part) && part >= 0 && part < PART_SLOTS - 1) return flowKey(ref) * PART_SLOTS + part + 1;
  return `${ref.proto}|${ref.id}|${part}`;
}
