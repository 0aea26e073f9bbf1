/**
 * A map from int32 keys to object values, by open addressing: keys in an Int32Array, values in a
 * parallel array, linear probing from a Fibonacci hash, deleted slots left as tombstones until the
 * next rebuild. Keys must be int32 (an Int32Array holds them). No iteration order (the matcher's
 * indexes never iterate).
 *
 * Why not a Map: under a query flood the matcher's indexes add and delete one key per query at a
 * steady size, and a Map entry costs a builtin call per get/set/delete and a hash-table rebuild
 * (allocated) whenever its deleted entries fill it; here a lookup is a few typed-array reads in
 * the caller's compiled code.
 */

/** A slot whose entry was deleted: probing goes on past it, an insert may reuse it. */
const GONE: object = Object.freeze({});

const MIN_CAPACITY = 16;

export class IntMap<V extends object> {
  private keys: Int32Array;
  private values: (V | undefined)[];
  private mask: number;
  /** 32 - log2(capacity): the hash's top bits pick the slot. */
  private shift: number;
  /** Live entries, and live plus tombstones (slots a probe must pass). */
  private live = 0;
  private used = 0;
  /** The last key find() answered and its slot (-1: none); see find. */
  private hintKey = 0;
  private hintSlot = -1;

  constructor() {
    this.keys = new Int32Array(MIN_CAPACITY);
    this.values = emptySlots<V>(MIN_CAPACITY);
    this.mask = MIN_CAPACITY - 1;
    this.shift = 32 - Math.log2(MIN_CAPACITY);
  }

  get size(): number {
    return this.live;
  }

  get(key: number): V | undefined {
    const value = this.values[this.find(key)];
    return value === GONE ? undefined : value;
  }

  set(key: number, value: V): void {
    const i = this.find(key);
    const old = this.values[i];
    if (old !== undefined && old !== GONE) {
      this.values[i] = value;
      return;
    }
    if (old === undefined) this.used += 1;
    this.keys[i] = key;
    this.values[i] = value;
    this.live += 1;
    // At most half the slots in use (live or tombstone) keeps probes short.
    if (this.used * 2 > this.values.length) this.rebuild();
  }

  delete(key: number): boolean {
    const i = this.find(key);
    const value = this.values[i];
    if (value === undefined || value === GONE) return false;
    this.values[i] = GONE as V;
    this.live -= 1;
    return true;
  }

  /**
   * The slot holding `key`, else the slot an insert of it takes (the first tombstone on its probe
   * path, or the empty slot ending it). Remembered for the next call with the same key: callers
   * look a key up and then set or delete it (matcher.ts push, remove), and a set or delete of that
   * key leaves the answer right, while any other key's call replaces it and a rebuild clears it.
   */
  private find(key: number): number {
    if (this.hintSlot >= 0 && key === this.hintKey) return this.hintSlot;
    const keys = this.keys;
    const values = this.values;
    let grave = -1;
    let i = this.slot(key);
    for (; ; i = (i + 1) & this.mask) {
      const value = values[i];
      if (value === undefined) {
        if (grave >= 0) i = grave;
        break;
      }
      if (value === GONE) {
        if (grave < 0) grave = i;
      } else if (keys[i] === key) {
        break;
      }
    }
    this.hintKey = key;
    this.hintSlot = i;
    return i;
  }

  private slot(key: number): number {
    return Math.imul(key, 0x9e3779b1) >>> this.shift;
  }

  /** Re-inserts the live entries into a table four times their number (growing or shrinking), without tombstones. */
  private rebuild(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    let capacity = MIN_CAPACITY;
    while (capacity < this.live * 4) capacity *= 2;
    this.keys = new Int32Array(capacity);
    this.values = emptySlots<V>(capacity);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
    this.used = this.live;
    this.hintSlot = -1;
    for (let j = 0; j < oldValues.length; j++) {
      const value = oldValues[j];
      if (value === undefined || value === GONE) continue;
      const key = oldKeys[j];
      let i = this.slot(key);
      while (this.values[i] !== undefined) i = (i + 1) & this.mask;
      this.keys[i] = key;
      this.values[i] = value;
    }
  }
}

/** An array of `n` undefined slots, built packed (not holey) so reads stay on the fast path. */
function emptySlots<V>(n: number): (V | undefined)[] {
  const slots: (V | undefined)[] = [];
  for (let i = 0; i < n; i++) slots.push(undefined);
  return slots;
}
