/**
 * A map from int32 keys to object values, by open addressing: keys in an Int32Array, values in a
 * parallel array, linear probing from a Fibonacci hash, deleted slots left as tombstones until the
 * next rebuild. No iteration order (the matcher's indexes never iterate).
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
    const keys = this.keys;
    const values = this.values;
    for (let i = this.slot(key); ; i = (i + 1) & this.mask) {
      const value = values[i];
      if (value === undefined) return undefined;
      if (keys[i] === key && value !== GONE) return value;
    }
  }

  set(key: number, value: V): void {
    const keys = this.keys;
    const values = this.values;
    let grave = -1;
    let i = this.slot(key);
    for (; ; i = (i + 1) & this.mask) {
      const old = values[i];
      if (old === undefined) break;
      if (old === GONE) {
        if (grave < 0) grave = i;
      } else if (keys[i] === key) {
        values[i] = value;
        return;
      }
    }
    if (grave >= 0) i = grave;
    else this.used += 1;
    keys[i] = key;
    values[i] = value;
    this.live += 1;
    // At most half the slots in use (live or tombstone) keeps probes short.
    if (this.used * 2 > values.length) this.rebuild();
  }

  delete(key: number): boolean {
    const keys = this.keys;
    const values = this.values;
    for (let i = this.slot(key); ; i = (i + 1) & this.mask) {
      const value = values[i];
      if (value === undefined) return false;
      if (keys[i] === key && value !== GONE) {
        values[i] = GONE as V;
        this.live -= 1;
        return true;
      }
    }
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
