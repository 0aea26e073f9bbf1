/**
 * A map from int32 keys to object values, by open addressing: keys in an Int32Array, values in a
 * parallel array, linear probing from a Fibonacci hash. A delete shifts the entries after it back
 * (Knuth, TAOCP vol. 3, 6.4, Algorithm R) instead of leaving a tombstone: under a flood's steady
 * churn tombstones filled the table and forced a rebuild (a new table) every few thousand deletes.
 * Keys must be int32 (an Int32Array holds them). No iteration order (the matcher's indexes never
 * iterate).
 *
 * Why not a Map: under a query flood the matcher's indexes add and delete one key per query at a
 * steady size, and a Map entry costs a builtin call per get/set/delete and a hash-table rebuild
 * (allocated) whenever its deleted entries fill it; here a lookup is a few typed-array reads in
 * the caller's compiled code.
 */

const MIN_CAPACITY = 16;

export class IntMap<V extends object> {
  private keys: Int32Array;
  private values: (V | undefined)[];
  private mask: number;
  /** 32 - log2(capacity): the hash's top bits pick the slot. */
  private shift: number;
  private live = 0;
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
    return this.values[this.find(key)];
  }

  set(key: number, value: V): void {
    const i = this.find(key);
    const old = this.values[i];
    this.keys[i] = key;
    this.values[i] = value;
    if (old !== undefined) return;
    this.live += 1;
    // At most half the slots in use keeps probes short.
    if (this.live * 2 > this.values.length) this.rebuild();
  }

  delete(key: number): boolean {
    let hole = this.find(key);
    const keys = this.keys;
    const values = this.values;
    if (values[hole] === undefined) return false;
    // The shift moves entries, so the remembered slot may no longer hold its key.
    this.hintSlot = -1;
    this.live -= 1;
    // Close the hole: each later entry of the run moves into it unless its home slot lies
    // cyclically in (hole, j], where a probe for it would stop at the hole.
    for (let j = (hole + 1) & this.mask; values[j] !== undefined; j = (j + 1) & this.mask) {
      const home = this.slot(keys[j]);
      const stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (stays) continue;
      keys[hole] = keys[j];
      values[hole] = values[j];
      hole = j;
    }
    values[hole] = undefined;
    // Shrink a table that a burst grew and that has mostly emptied since.
    if (this.live * 16 < values.length && values.length > MIN_CAPACITY) this.rebuild();
    return true;
  }

  /**
   * The slot holding `key`, else the empty slot ending its probe path (where an insert puts it).
   * Remembered for the next call with the same key: callers look a key up and then set or delete
   * it (matcher.ts push, remove); a set leaves the answer right, while any other key's call
   * replaces it and a delete or rebuild clears it.
   */
  private find(key: number): number {
    if (this.hintSlot >= 0 && key === this.hintKey) return this.hintSlot;
    const keys = this.keys;
    const values = this.values;
    let i = this.slot(key);
    while (values[i] !== undefined && keys[i] !== key) i = (i + 1) & this.mask;
    this.hintKey = key;
    this.hintSlot = i;
    return i;
  }

  private slot(key: number): number {
    return Math.imul(key, 0x9e3779b1) >>> this.shift;
  }

  /** Re-inserts the live entries into a table four times their number (growing or shrinking). */
  private rebuild(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    let capacity = MIN_CAPACITY;
    while (capacity < this.live * 4) capacity *= 2;
    this.keys = new Int32Array(capacity);
    this.values = emptySlots<V>(capacity);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
    this.hintSlot = -1;
    for (let j = 0; j < oldValues.length; j++) {
      const value = oldValues[j];
      if (value === undefined) continue;
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
