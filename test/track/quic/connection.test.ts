/**
 * QuicConnection's compact parts (src/track/quic/connection.ts): a side's facts as bits and its
 * CIDs in a field then an array, versions in shared lists, and the exchange counter made at the
 * second datagram. Each must read back exactly what the plain form held.
 */
import { describe, expect, it } from 'vitest';
import { QuicConnection, QuicSide, SIDE_FACT } from '../../../src/track/quic/connection.js';
import { ExchangeCounter } from '../../../src/state/evidence.js';

function connection(start = 100, firstPacket = 1): QuicConnection {
  return new QuicConnection(0, { address: '10.0.0.1', port: 5000 }, { address: '10.0.0.2', port: 443 }, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), firstPacket, start, { key: 'k', firstPacket });
}

describe('QuicSide', () => {
  it('keeps each of its seven facts apart from the others, noted in random order', () => {
    const side = new QuicSide();
    const facts = Object.values(SIDE_FACT);
    const reference = new Set<number>();
    let seed = 7;
    for (let op = 0; op < 20; op++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const fact = facts[(seed >>> 8) % facts.length];
      side.note(fact);
      reference.add(fact);
      expect(facts.map((f) => side.has(f))).toEqual(facts.map((f) => reference.has(f)));
    }
    expect(facts.length).toBe(7);
  });

  it('lists its CIDs in order of addition, the first in its own field', () => {
    const side = new QuicSide();
    expect([side.cidCount, side.cidList()]).toEqual([0, []]);
    side.addCid('a');
    expect([side.cidCount, side.cidAt(0), side.cidList()]).toEqual([1, 'a', ['a']]);
    side.addCid('b');
    side.addCid('c');
    expect([side.cidCount, side.cidAt(1), side.cidAt(2), side.cidList()]).toEqual([3, 'b', 'c', ['a', 'b', 'c']]);
  });
});

describe('QuicConnection', () => {
  it('sums up its datagrams as an ExchangeCounter fed every one of them does', () => {
    let seed = 3;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    for (let trial = 0; trial < 500; trial++) {
      const start = 1_700_000_000 + random(1000) / 8;
      const conn = connection(start, 5);
      const reference = new ExchangeCounter();
      const datagrams = random(6);
      let time = start;
      for (let i = 0; i < datagrams; i++) {
        // The first is usually the opening client datagram at `start`; sometimes not (an absorbed attempt).
        const fromClient = i === 0 ? random(8) !== 0 : random(2) === 0;
        if (i > 0 || random(8) === 0) time += random(3) * 7.5;
        conn.observeDatagram(fromClient, 5 + i, time);
        reference.observe(fromClient, true, 5 + i, time);
      }
      expect(conn.exchangeSummary(), `trial ${trial}`).toEqual(reference.summary());
    }
  });

  it('shares a lone known version list between connections without one writing into the other', () => {
    const a = connection();
    const b = connection();
    a.addVersion(1);
    b.addVersion(1);
    expect(a.versions).toBe(b.versions);
    b.addVersion(0x6b3343cf);
    a.addVersion(1);
    expect([a.versions, b.versions]).toEqual([[1], [1, 0x6b3343cf]]);
    const c = connection();
    c.addVersion(0x1a2a3a4a);
    c.addVersion(1);
    expect(c.versions).toEqual([0x1a2a3a4a, 1]);
    expect(connection().versions).toEqual([]);
  });

  it('keeps derived keys per version and side until dropped', () => {
    const conn = connection();
    const v1 = conn.keysFor(1, 'client');
    expect(v1).not.toBeNull();
    expect(conn.keysFor(1, 'client')).toBe(v1);
    const v2 = conn.keysFor(0x6b3343cf, 'client');
    expect(v2).not.toBe(v1);
    expect(conn.keysFor(1, 'client')).toBe(v1);
    expect(conn.keysFor(0x6b3343cf, 'client')).toBe(v2);
    expect(conn.keysFor(0x12345678, 'server')).toBeNull();
    const server = conn.keysFor(1, 'server');
    expect(server?.key.equals(v1!.key)).toBe(false);
    conn.dropKeys();
    expect(conn.keysFor(1, 'client')).not.toBe(v1);
  });

  it('knows the server end of each path, the first being its own', () => {
    const conn = connection();
    conn.addPath({ key: 'm', client: { address: '10.0.0.9', port: 6000 }, server: { address: '10.0.0.3', port: 443 }, firstPacket: 9 });
    expect([conn.pathCount, conn.pathKeys(), conn.pathServer('k'), conn.pathServer('m'), conn.pathServer('x')])
      .toEqual([2, ['k', 'm'], { address: '10.0.0.2', port: 443 }, { address: '10.0.0.3', port: 443 }, undefined]);
    expect([conn.isServerEndpoint('10.0.0.3', 443), conn.isServerEndpoint('10.0.0.2', 443), conn.isServerEndpoint('10.0.0.1', 5000)]).toEqual([true, true, false]);
    expect(conn.toReport().paths).toEqual([
      { client: '10.0.0.1:5000', server: '10.0.0.2:443', firstPacket: 1 },
      { client: '10.0.0.9:6000', server: '10.0.0.3:443', firstPacket: 9 },
    ]);
  });
});
