/**
 * Live UDP flows are kept least recently seen first (datagram-flows.ts links them): a datagram moves
 * its flow to the end, the cap evicts from the front, expiry and the end of the capture walk from the
 * front. The order used to be a Set's, whose first entry costs O(deleted entries) to reach in V8.
 */
import { describe, expect, it } from 'vitest';
import { DatagramFlows } from '../../../src/track/datagram-flows.js';
import type { KeyedEnds } from '../../../src/track/tuple-index.js';
import type { StateSink } from '../../../src/state/events.js';

const noState: StateSink = { hold: () => undefined, release: () => undefined, buffer: () => undefined };
const flows = (maxFlows: number): DatagramFlows =>
  new DatagramFlows({ proto: 'udp', state: noState, timeout: 60, maxFlows, maxRecords: 10_000, kinds: null });
// 10.0.0.1 -> 10.0.0.2 (keys as the decoder makes them: the addresses' 32-bit values).
const ENDS: KeyedEnds = { src: '10.0.0.1', dst: '10.0.0.2', srcKey: 0x0a000001, dstKey: 0x0a000002 };

describe('UDP live order', () => {
  it('evicts the least recently seen flow, and times out and ends the rest oldest first', () => {
    const f = flows(3);
    // Flows from ports 1, 2, 3 at t = 0, 1, 2; port 1 again at t = 3 (now the most recent).
    for (const [port, t] of [[1, 0], [2, 1], [3, 2], [1, 3]]) f.observeTuple(ENDS, port, 9, 10, t + 1, t);
    // Ports 4 and 5 at the cap evict 2, then 3 (the least recently seen), not 1.
    f.observeTuple(ENDS, 4, 9, 10, 5, 4);
    f.observeTuple(ENDS, 5, 9, 10, 6, 5);
    expect(f.evicted).toBe(2);
    // At t = 63.5 only port 1 (last seen at 3) is silent for more than 60 s (port 4: 59.5 s).
    f.expire(63.5);
    const { flows: rows } = f.finish();
    expect(rows.map((r) => [r.client, r.ended])).toEqual([
      ['10.0.0.1:1', 'timeout'], ['10.0.0.1:2', 'evicted'], ['10.0.0.1:3', 'evicted'],
      ['10.0.0.1:4', 'capture-end'], ['10.0.0.1:5', 'capture-end'],
    ]);
  });

  it('under churn, evicts exactly what a least-recently-seen list would', () => {
    // 5,000 datagrams over 200 ports with a cap of 20, ports drawn by a fixed LCG; the model is a
    // plain array: a datagram moves its port to the end, a new port at the cap evicts the first.
    const f = flows(20);
    const model: number[] = [];
    const evictedPorts = new Set<number>();
    let x = 12345;
    for (let i = 0; i < 5000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const port = 1 + ((x >>> 8) % 200);
      const at = model.indexOf(port);
      if (at >= 0) model.splice(at, 1);
      else if (model.length >= 20) evictedPorts.add(model.shift() as number);
      model.push(port);
      f.observeTuple(ENDS, port, 9, 10, i + 1, i * 0.001);
    }
    const { flows: rows } = f.finish();
    const evictedRows = rows.filter((r) => r.ended === 'evicted');
    expect(evictedRows.length).toBe(f.evicted);
    expect(new Set(evictedRows.map((r) => Number(r.client.split(':')[1])))).toEqual(evictedPorts);
    // The 20 flows left at the end are the model's, ended at capture end.
    expect(rows.filter((r) => r.ended === 'capture-end').map((r) => Number(r.client.split(':')[1])).sort((a, b) => a - b))
      .toEqual([...model].sort((a, b) => a - b));
  });
});
