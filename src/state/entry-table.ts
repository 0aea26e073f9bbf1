/**
 * Values by entry key (entry.ts): one endpoint's live entries, and the flow ids of its worst
 * moment (restart-breaks.ts). An open-addressing hash table with linear probing (Robin Hood, below) in
 * place of a Map, because of how keys come. Trackers number their flows in order, so the live
 * entries of a flood are a sliding window of consecutive ids: the hash keeps consecutive ids of one
 * protocol in neighbouring slots, and a lookup touches one or two cache lines where a Map of
 * 100 000 entries misses the cache in its bucket array, its entry table and the entry.
 * String keys (ids that do not fit a number) are rare: they go to a Map beside.
 * Iteration order is not insertion order: its users (restart lists) sort what they collect.
 */
import type { EntryKey, LiveEntry } from './entry.js';

/** Smallest slot array (a power of two); none is made before the first entry. */
const MIN_SLOTS = 8;

/**
 * A table shrinks only once at most 1/SHRINK_BELOW of its slots are occupied, and then to a
 * quarter full: an endpoint that drains a flood's worth of entries (16 tables of 131,072 slots in
 * the DNS flood) makes a few large steps down instead of one per halving.
 */
const SHRINK_BELOW = 16;

/**
 * The slots of every empty table (most endpoint rows of a flood never hold an entry): shared,
 * never written (mask -1 sends the first add to resize, which makes the table's own).
 */
const NO_KEYS = new Float64Array(0);
const NO_VALUES: undefined[] = [];

/**
 * Probe distance beyond which the table stops trusting the order of its keys and scrambles them:
 * keys that fall into few slots (ids spaced by a power of two, say) would make every operation
 * walk a long run. Past it, hashing is uniform: probes stay short whatever the ids, only without
 * the locality.
 */
const MAX_ORDERED_PROBE = 64;

/**
 * The ordered hash of a numeric key: flows (id * 32 + protocol, see flowKey) of consecutive ids
 * go to consecutive slots, protocols apart; parts (negative keys: flow * 64 + part, negated)
 * likewise.
 */
function orderedHash(key: number): number {
  if (key >= 0 && key <= 0x7fffffff) return (key >>> 5) + Math.imul(key & 31, 0x9e3779b1);
  if (key < 0 && key >= -0x80000000) {
    const k = -key - 1;
    return (k >>> 11) + Math.imul(k & 2047, 0x85ebca6b);
  }
  // Ids too large for 31 bits (rare): mix the high and low halves.
  return (key / 4294967296) ^ (key % 4294967296);
}

/** The smallest slot count (a power of two, at least MIN_SLOTS) that holds `n`. */
function slotsFor(n: number): number {
  let slots = MIN_SLOTS;
  while (slots < n) slots *= 2;
  return slots;
}

/** A uniform 32-bit mix of the ordered hash (the finalizer of MurmurHash3). */
function scrambledHash(key: number): number {
  let x = orderedHash(key);
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return x ^ (x >>> 16);
}

/**
 * Robin Hood hashing: an entry farther from its home slot takes the place of one nearer to its
 * own, so that each run of slots is ordered by home slot. Lookups stop as soon as they pass where
 * their key would be, and a deletion shifts back only the entries displaced behind it (in a
 * window of consecutive ids, none: each sits in its home slot).
 */
export class EntryTable<V = LiveEntry> {
  /**
   * Keys of the occupied slots (a slot is free when its value is undefined). A typed array: exact
   * for every numeric key, and made zeroed far cheaper than a JS array of 131,072 slots (about 1
   * against 5 ms).
   */
  private keys: Float64Array = NO_KEYS;
  private values: (V | undefined)[] = NO_VALUES;
  private mask = -1;
  private count = 0;
  private scrambled = false;
  private strings: Map<string, V> | null = null;

  /** Diagnostics (tests): whether the keys' order gave up to uniform hashing. */
  get isScrambled(): boolean {
    return this.scrambled;
  }

  get size(): number {
    return this.count + (this.strings?.size ?? 0);
  }

  get(key: EntryKey): V | undefined {
    if (typeof key === 'string') return this.strings?.get(key);
    const at = this.slotOf(key);
    return at < 0 ? undefined : this.values[at];
  }

  /** Adds `entry` under `key`, which must not be present (the ledger looked it up first). */
  add(key: EntryKey, entry: V): void {
    if (typeof key === 'string') {
      (this.strings ??= new Map()).set(key, entry);
      return;
    }
    if (2 * (this.count + 1) > this.mask + 1) this.resize(Math.max(MIN_SLOTS, 2 * (this.mask + 1)));
    this.count++;
    if (this.insert(key, entry) > MAX_ORDERED_PROBE && !this.scrambled) {
      this.scrambled = true;
      this.resize(this.mask + 1);
    }
  }

  /** Puts `entry` under `key`, in place of the entry there if any. */
  set(key: EntryKey, entry: V): void {
    if (typeof key === 'string') {
      (this.strings ??= new Map()).set(key, entry);
      return;
    }
    const at = this.slotOf(key);
    if (at >= 0) this.values[at] = entry;
    else this.add(key, entry);
  }

  delete(key: EntryKey): void {
    if (typeof key === 'string') {
      this.strings?.delete(key);
      return;
    }
    let hole = this.slotOf(key);
    if (hole < 0) return;
    // Backward shift: the entries displaced behind the hole move one slot nearer their home.
    const mask = this.mask;
    const keys = this.keys;
    const values = this.values;
    for (let next = (hole + 1) & mask; values[next] !== undefined && this.distance(next) > 0; next = (next + 1) & mask) {
      keys[hole] = keys[next];
      values[hole] = values[next];
      hole = next;
    }
    values[hole] = undefined;
    this.count--;
    // Shrink when mostly empty (an endpoint that once held a flood's worth gives the memory back).
    if (this.mask + 1 > MIN_SLOTS && SHRINK_BELOW * this.count < this.mask + 1) this.resize(slotsFor(4 * this.count));
  }

  /** Calls `visit` with every value and its key, in the order of entries(). */
  forEach(visit: (value: V, key: EntryKey) => void): void {
    const keys = this.keys;
    const values = this.values;
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value !== undefined) visit(value, keys[i]);
    }
    this.strings?.forEach(visit);
  }

  /** Every value (live entry), in no particular order. */
  *entries(): IterableIterator<V> {
    const values = this.values;
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value !== undefined) yield value;
    }
    if (this.strings !== null) yield* this.strings.values();
  }

  private hash(key: number): number {
    return this.scrambled ? scrambledHash(key) : orderedHash(key);
  }

  /** How far the entry in slot `at` sits from its home slot. */
  private distance(at: number): number {
    return (at - this.hash(this.keys[at])) & this.mask;
  }

  /** The slot holding `key`, or -1. */
  private slotOf(key: number): number {
    const mask = this.mask;
    if (mask < 0) return -1;
    const keys = this.keys;
    const values = this.values;
    for (let at = this.hash(key) & mask, probe = 0; ; at = (at + 1) & mask, probe++) {
      if (values[at] === undefined) return -1;
      if (keys[at] === key) return at;
      if (this.distance(at) < probe) return -1; // its run has passed where `key` would be
    }
  }

  /** Places `key` (not present, a free slot exists); returns how far it probed. */
  private insert(key: number, entry: V): number {
    const mask = this.mask;
    const keys = this.keys;
    const values = this.values;
    let longest = 0;
    for (let at = this.hash(key) & mask, probe = 0; ; at = (at + 1) & mask, probe++) {
      const resident = values[at];
      if (resident === undefined) {
        keys[at] = key;
        values[at] = entry;
        return Math.max(longest, probe);
      }
      const theirs = this.distance(at);
      if (theirs < probe) {
        // Robin Hood: the resident is nearer its home; it moves on instead.
        longest = Math.max(longest, probe);
        const residentKey = keys[at];
        keys[at] = key;
        values[at] = entry;
        key = residentKey;
        entry = resident;
        probe = theirs;
      }
    }
  }

  private resize(slots: number): void {
    const keys = this.keys;
    const values = this.values;
    this.keys = new Float64Array(slots);
    this.values = new Array<V | undefined>(slots).fill(undefined);
    this.mask = slots - 1;
    let longest = 0;
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value !== undefined) longest = Math.max(longest, this.insert(keys[i], value));
    }
    if (longest > MAX_ORDERED_PROBE && !this.scrambled) {
      this.scrambled = true;
      this.keys = keys;
      this.values = values;
      this.resize(slots);
    }
  }
}
