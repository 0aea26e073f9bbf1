/**
 * PathTable keeps a path's lone connection as the map value itself and an array from the second
 * on: it must answer exactly as a Map of arrays does (the order of `get` decides which connection
 * a packet goes to), over random adds and removes on a few keys.
 */
import { describe, expect, it } from 'vitest';
import { PathTable } from '../../../src/track/quic/path.js';

interface Conn { id: number }

/** The table as it was: every path an array, oldest first, at most 256 connections. */
class ReferenceTable {
  readonly paths = new Map<string, Conn[]>();
  get(key: string): readonly Conn[] {
    return this.paths.get(key) ?? [];
  }
  add(key: string, conn: Conn): void {
    const list = this.paths.get(key);
    if (!list) {
      this.paths.set(key, [conn]);
      return;
    }
    if (list.includes(conn)) return;
    if (list.length >= 256) list.shift();
    list.push(conn);
  }
  remove(key: string, conn: Conn): void {
    const list = this.paths.get(key);
    if (!list) return;
    const i = list.indexOf(conn);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.paths.delete(key);
  }
}

describe('PathTable', () => {
  it('answers get, has and size as a Map of arrays over 50,000 random operations', () => {
    const table = new PathTable<Conn>();
    const reference = new ReferenceTable();
    const conns = Array.from({ length: 400 }, (_, id) => ({ id }));
    let seed = 99;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    let mismatch: string | undefined;
    for (let op = 0; op < 50_000; op++) {
      const key = `k${random(6)}`;
      // Mostly few connections per key (lone values), sometimes many (past the 256 bound).
      const conn = conns[random(8) === 0 ? random(400) : random(3)];
      const r = random(10);
      if (r < 5) {
        table.add(key, conn);
        reference.add(key, conn);
      } else if (r < 9) {
        table.remove(key, conn);
        reference.remove(key, conn);
      }
      const got = table.get(key).map((c) => c.id).join(',');
      const want = reference.get(key).map((c) => c.id).join(',');
      if (got !== want) mismatch ??= `get(${key}) ${got} against ${want} at ${op}`;
      if (table.has(key) !== reference.paths.has(key)) mismatch ??= `has(${key}) at ${op}`;
      if (table.size !== reference.paths.size) mismatch ??= `size at ${op}`;
    }
    expect(mismatch).toBeUndefined();
  });

  it('answers a lone connection, two, and none after both are removed', () => {
    const table = new PathTable<Conn>();
    const [a, b] = [{ id: 1 }, { id: 2 }];
    table.add('p', a);
    table.add('p', a);
    expect(table.get('p')).toEqual([a]);
    table.add('p', b);
    expect(table.get('p')).toEqual([a, b]);
    table.remove('p', a);
    expect(table.get('p')).toEqual([b]);
    table.remove('p', b);
    expect([table.get('p'), table.has('p'), table.size]).toEqual([[], false, 0]);
  });
});
