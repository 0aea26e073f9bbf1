/** The least-recently-active list of live QUIC connections (src/track/quic/lru.ts). */
import { describe, expect, it } from 'vitest';
import { LruList, type LruLinks } from '../../src/track/lru-list.js';

class Node implements LruLinks<Node> {
  lruPrev: Node | null = null;
  lruNext: Node | null = null;
  constructor(readonly id: number) {}
}

function order(list: LruList<Node>): number[] {
  const out: number[] = [];
  for (let n = list.oldest; n; n = n.lruNext) out.push(n.id);
  return out;
}

describe('LruList', () => {
  it('keeps insertion order, moves a touched entry to the back and takes entries out anywhere', () => {
    const list = new LruList<Node>();
    const nodes = [0, 1, 2, 3].map((i) => new Node(i));
    for (const n of nodes) list.push(n);
    expect(order(list)).toEqual([0, 1, 2, 3]);
    list.moveToBack(nodes[1]);
    list.moveToBack(nodes[1]);
    expect(order(list)).toEqual([0, 2, 3, 1]);
    list.remove(nodes[2]);
    list.remove(nodes[0]);
    expect([order(list), list.size, list.oldest?.id]).toEqual([[3, 1], 2, 3]);
    expect([list.has(nodes[0]), list.has(nodes[3]), list.has(nodes[1])]).toEqual([false, true, true]);
    list.remove(nodes[3]);
    list.remove(nodes[1]);
    expect([order(list), list.size, list.oldest]).toEqual([[], 0, null]);
    list.push(nodes[2]);
    expect(order(list)).toEqual([2]);
  });

  it('evicting the oldest while adding stays cheap however many entries went through (no Map holes to skip)', () => {
    const list = new LruList<Node>();
    const cap = 1000;
    const start = process.hrtime.bigint();
    for (let i = 0; i < 300_000; i++) {
      const n = new Node(i);
      list.push(n);
      list.moveToBack(n);
      if (list.size > cap) list.remove(list.oldest!);
    }
    expect(list.size).toBe(cap);
    expect(list.oldest?.id).toBe(300_000 - cap);
    // Linear work: far below a second even on a slow machine.
    expect(Number(process.hrtime.bigint() - start) / 1e9).toBeLessThan(2);
  });
});
