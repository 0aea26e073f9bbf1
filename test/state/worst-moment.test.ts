/**
 * The worst moment (restart-breaks.ts WorstMoment) keeps keys and flow ids, not entry objects, so
 * that ended entries' objects are reused for later entries, its own row's included. What it lists
 * must be what a snapshot of the live entries at the peak lists: --restart-at at the peak's packet
 * takes that snapshot (breaksNow), so both runs of the same events must agree.
 */
import { describe, expect, it } from 'vitest';
import type { StateKind } from '../../src/state/events.js';
import { StateLedger } from '../../src/state/ledger.js';
import { client, endpointNamed, feed, hold, quic, release, server, tcp, type ScriptEvent, type ScriptPacket } from './script.js';

/** xorshift32: the same sequence every run. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

const S = server('10.0.0.5', 80);
const C = client('10.0.0.9');

/**
 * Ramps, churns and ramps again: many short-lived flows between two peaks (so that noted entries
 * are swept), flows of the first peak re-held after they ended (a key with two lives), changes to
 * a kind that breaks nothing (TIME-WAIT), expiries, QUIC parts, and a client that ends and makes
 * entries too (their objects go to the server's later entries).
 */
function script(seed: number): ScriptPacket[] {
  const next = random(seed);
  const live = new Map<number, StateKind>();
  const packets: ScriptPacket[] = [];
  let id = 0;
  let time = 1;
  const packet = (...events: ScriptEvent[]): void => {
    time += next() < 0.2 ? 0.5 : 0.001;
    packets.push([packets.length + 1, time, ...events]);
  };
  const open = (flow: number): ScriptEvent[] => {
    live.set(flow, 'tcpConnections');
    return [hold(S, tcp(flow), 'tcpConnections'), hold(C, tcp(flow), 'tcpConnections')];
  };
  const anyLive = (): number | undefined => {
    if (live.size === 0) return undefined;
    const ids = [...live.keys()];
    return ids[Math.floor(next() * ids.length)];
  };
  /** `steps` packets: a new flow at `openShare` of them, else a change of kind, a QUIC part or an end. */
  const phase = (steps: number, openShare: number, timeWaitShare: number, partShare: number): void => {
    for (let i = 0; i < steps; i++) {
      const r = next();
      const flow = anyLive();
      if (r < openShare || flow === undefined) {
        // A new flow, or now and then one that ended before (its key lives again).
        const again = next() < 0.1 ? Math.floor(next() * id) : -1;
        packet(...open(again >= 0 && !live.has(again) ? again : id++));
      } else if (r < openShare + timeWaitShare) {
        live.set(flow, 'tcpTimeWait');
        packet(hold(S, tcp(flow), 'tcpTimeWait', { until: time + 0.3 + next() }), release(C, tcp(flow)));
      } else if (r < openShare + timeWaitShare + partShare) {
        packet(hold(S, quic(flow, Math.floor(next() * 3)), 'quicCids', { entries: 1 + Math.floor(next() * 3) }));
      } else {
        live.delete(flow);
        packet(release(S, tcp(flow)), release(C, tcp(flow)));
      }
    }
  };
  phase(600, 0.9, 0.05, 0.03); // the first peak
  phase(500, 0.1, 0.1, 0); // drains it
  phase(8000, 0.4, 0.1, 0.05); // churns below it: the noted entries are swept
  phase(2000, 0.9, 0.04, 0.03); // a higher peak
  phase(3000, 0.3, 0.1, 0.05);
  return packets;
}

describe('WorstMoment', () => {
  for (const seed of [1, 7, 2024, 99991]) {
    it(`lists what a snapshot at the peak lists (seed ${seed})`, () => {
      const packets = script(seed);
      const worst = new StateLedger();
      feed(worst, packets);
      const last = packets[packets.length - 1];
      const atWorst = endpointNamed(worst.finish(last[1] + 10, last[0]), '10.0.0.5:80').restart;
      expect(atWorst?.basis).toBe('worst');
      const peakPacket = atWorst?.at.packet ?? 0;
      expect(peakPacket).toBeGreaterThan(0);

      const snapshot = new StateLedger({ restartAt: { packet: peakPacket } });
      feed(snapshot, packets);
      const atSnapshot = endpointNamed(snapshot.finish(last[1] + 10, last[0]), '10.0.0.5:80').restart;
      expect(atSnapshot?.basis).toBe('requested');
      expect(atWorst?.breaks).toEqual(atSnapshot?.breaks);
      expect(atWorst?.breaks.tcp.length).toBeGreaterThan(100);
    });
  }
});
