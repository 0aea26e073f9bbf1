/**
 * The ledger's table of live entries (open addressing, backward-shift deletion) against a Map:
 * after every operation both hold the same keys and values, whatever the key pattern.
 */
import { describe, expect, it } from 'vitest';
import { EntryTable } from '../../src/state/entry-table.js';
import { entryKey, type EntryKey, type LiveEntry } from '../../src/state/entry.js';

/** A stand-in entry: the table only stores and returns it. */
function entry(key: EntryKey): LiveEntry {
  return { key } as unknown as LiveEntry;
}

/** xorshift32: the same sequence every run. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

function same(table: EntryTable, model: Map<EntryKey, LiveEntry>): void {
  expect(table.size).toBe(model.size);
  for (const [key, value] of model) expect(table.get(key)).toBe(value);
  expect(new Set(table.entries())).toEqual(new Set(model.values()));
}

describe('EntryTable', () => {
  it('matches a Map through a sliding window of consecutive flows (the flood pattern), growing and shrinking', () => {
    const table = new EntryTable();
    const model = new Map<EntryKey, LiveEntry>();
    // Holds of flows 0..2999 of one protocol; from flow 1000 on, each hold releases flow id-1000.
    for (let id = 0; id < 3000; id++) {
      const key = entryKey({ proto: 'tcp', id });
      const e = entry(key);
      table.add(key, e);
      model.set(key, e);
      if (id >= 1000) {
        const old = entryKey({ proto: 'tcp', id: id - 1000 });
        table.delete(old);
        model.delete(old);
      }
    }
    same(table, model);
    // Release all: the table ends empty (and shrank on the way: nothing left to find).
    for (const key of [...model.keys()]) {
      table.delete(key);
      model.delete(key);
      expect(table.get(key)).toBeUndefined();
    }
    same(table, model);
  });

  it('matches a Map under random adds, replacements and deletes of mixed keys: protocols, parts, huge ids, strings', () => {
    const next = random(12345);
    const table = new EntryTable();
    const model = new Map<EntryKey, LiveEntry>();
    const protos = ['tcp', 'dns', 'quic', 'udp'];
    const pick = (): EntryKey => {
      const r = next();
      const proto = protos[Math.floor(next() * protos.length)];
      // Small ids collide in slots often; huge ids (past 2^31 as keys) and fractions (string keys) are rare paths.
      const id = r < 0.8 ? Math.floor(next() * 300) : r < 0.9 ? 2 ** 40 + Math.floor(next() * 50) : Math.floor(next() * 50) + 0.5;
      const part = next() < 0.3 ? Math.floor(next() * 70) : undefined; // 64 and above: string keys
      return entryKey(part === undefined ? { proto, id } : { proto, id, part });
    };
    for (let step = 0; step < 6000; step++) {
      const key = pick();
      if (model.has(key) && next() < 0.5) {
        table.delete(key);
        model.delete(key);
      } else if (model.has(key)) {
        // set replaces the entry under a present key (the worst moment's list does).
        const e = entry(key);
        table.set(key, e);
        model.set(key, e);
      } else {
        const e = entry(key);
        table.add(key, e);
        model.set(key, e);
      }
      if (table.get(key) !== model.get(key)) expect.fail(`step ${step}: key ${key}`);
      if (step % 1000 === 0) same(table, model);
    }
    same(table, model);
    // Deleting a key that is not there changes nothing.
    table.delete(entryKey({ proto: 'tcp', id: 999_999 }));
    same(table, model);
  });
});

describe('EntryTable against ids that crowd few slots', () => {
  it('keeps consecutive flows ordered, and scrambles ids spaced by 1024 (which would share a few slots) with the same contents', () => {
    const consecutive = new EntryTable();
    for (let id = 0; id < 5000; id++) consecutive.add(entryKey({ proto: 'tcp', id }), entry(id));
    expect(consecutive.isScrambled).toBe(false);

    // Flows 0, 1024, 2048, ...: in order, each would land 1024 slots after the last, wrapping onto
    // the same few slots of a 16 384-slot table; past 64 probes the table hashes uniformly.
    const spaced = new EntryTable();
    const model = new Map<EntryKey, LiveEntry>();
    for (let i = 0; i < 5000; i++) {
      const key = entryKey({ proto: 'dns', id: i * 1024 });
      const e = entry(key);
      spaced.add(key, e);
      model.set(key, e);
      if (i % 3 === 2) {
        const old = entryKey({ proto: 'dns', id: (i - 2) * 1024 });
        spaced.delete(old);
        model.delete(old);
      }
    }
    expect(spaced.isScrambled).toBe(true);
    same(spaced, model);
  });
});
