/**
 * The tracker reuses the objects of forgotten unlisted transactions for new queries (tracker.ts
 * forgotten). Listed transactions are never reused, so the same messages with every transaction
 * listed are the reference: the summaries, the first listed rows and the ledger must be the same.
 */
import { describe, expect, it } from 'vitest';
import { StateLedger } from '../../../src/state/ledger.js';
import { DnsTracker } from '../../../src/track/dns/tracker.js';
import { query, response, udpPacket } from './dns-helpers.js';

const SERVER: [string, number] = ['10.0.0.53', 53];

/** xorshift32: the same sequence every run. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/**
 * A flood that overflows maxPending, with retransmissions and answers to recent queries (objects
 * reused by then), answers to evicted ones (unsolicited), duplicates, and a few clients.
 */
function run(maxRecords: number, seed: number): { report: ReturnType<DnsTracker['finish']>; ledger: ReturnType<StateLedger['finish']> } {
  const next = random(seed);
  const ledger = new StateLedger();
  const dns = new DnsTracker({ maxPending: 16, maxRecords, state: ledger });
  const sent: { client: [string, number]; id: number; name: string }[] = [];
  let packet = 0;
  let time = 0;
  const send = (from: [string, number], to: [string, number], bytes: Uint8Array): void => {
    packet++;
    time += next() * 0.05;
    const pkt = udpPacket(packet, time, from, to, bytes);
    ledger.tick(packet, pkt.time);
    dns.observeUdp(pkt);
  };
  for (let i = 0; i < 3000; i++) {
    const r = next();
    if (r < 0.6 || sent.length === 0) {
      const q = { client: [`10.1.0.${1 + Math.floor(next() * 3)}`, 1024 + Math.floor(next() * 4000)] as [string, number], id: Math.floor(next() * 65536), name: `n${i}.example` };
      sent.push(q);
      send(q.client, SERVER, query(q.id, q.name));
    } else {
      // Mostly one of the last few queries (still pending, or answered: a duplicate), now and then an old one.
      const back = r < 0.9 ? Math.floor(next() * 20) : Math.floor(next() * sent.length);
      const q = sent[Math.max(0, sent.length - 1 - back)];
      if (r < 0.7) send(q.client, SERVER, query(q.id, q.name));
      else send(SERVER, q.client, response(q.id, q.name));
    }
  }
  const report = dns.finish();
  return { report, ledger: ledger.finish(time + 100, packet) };
}

describe('reused transaction objects', () => {
  for (const seed of [3, 41, 2026]) {
    it(`give the report and ledger of a run that lists every transaction (seed ${seed})`, () => {
      const few = run(5, seed);
      const all = run(1_000_000, seed);
      expect(all.report.transactions.length).toBeGreaterThan(1000);
      expect(few.report.summary).toEqual(all.report.summary);
      expect(few.report.transactions).toEqual(all.report.transactions.slice(0, 5));
      expect(few.report.unsolicited).toEqual(all.report.unsolicited.slice(0, 5));
      expect(few.report.collisions).toEqual(all.report.collisions.slice(0, 5));
      expect(few.ledger).toEqual(all.ledger);
      // The flood's shape: retransmissions and answers of reused objects, evictions, unsolicited answers.
      expect(all.report.summary.answered).toBeGreaterThan(100);
      expect(all.report.summary.unsolicited).toBeGreaterThan(10);
      expect(all.report.transactions.some((t) => t.index > 100 && t.retransmissions > 0)).toBe(true);
    });
  }
});
