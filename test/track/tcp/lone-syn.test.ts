/**
 * A lone SYN's flow waits without its halves and transitions (TcpTracker.waitFirst) and makes them
 * later by replaying the SYN (settle). A tracker with a packet recorder never waits (the recorder
 * logs the first packet as it comes), so the same packets through both must give the same report
 * and the same ledger events: the recorder here records no flow (`only: -1`), so its report has no
 * packet logs to tell the two apart.
 */
import { describe, expect, it } from 'vitest';
import type { DecodedPacket } from '../../../src/decode/packet.js';
import { PacketRecorder } from '../../../src/track/tcp/packet-recorder.js';
import type { TcpTrackerOptions } from '../../../src/track/tcp/tracker.js';
import { Conversation } from './builder.js';
import { track } from './run.js';

const OPTIONS = { mss: 1460, windowScale: 7, sackPermitted: true, timestamp: { value: 9, echo: 0 } };

function bothWays(packets: DecodedPacket[], options: TcpTrackerOptions = {}): void {
  const waiting = track(packets, options);
  const direct = track(packets, { ...options, recorder: new PacketRecorder({ first: 1, last: 1, only: -1 }) });
  expect(waiting.report).toEqual(direct.report);
  expect(waiting.sink.lines).toEqual(direct.sink.lines);
  expect(waiting.tracker.evictedFlows).toBe(direct.tracker.evictedFlows);
  expect(waiting.tracker.evictedOpenFlows).toBe(direct.tracker.evictedOpenFlows);
}

describe('a lone SYN waits, and settles exactly as if it had not', () => {
  it('a SYN with options, alone to the end of the capture: its row and its hold', () => {
    const c = new Conversation();
    c.c('S', { options: OPTIONS, win: 0 });
    bothWays(c.packets);
    const { report, sink } = track(c.packets);
    // The SYN's options come back from the flow's own fields: MSS, SACK-permitted and timestamps
    // are the client's; no window scale in use, as the server sent no SYN.
    expect(report.flows[0].directions.client).toMatchObject({ isn: 1000, mss: 1460, windowScale: null, sackPermitted: true, timestamps: true, packets: 1 });
    expect(report.flows[0].transitions.map((t) => `${t.endpoint} ${t.from}>${t.to}@${t.packet}`))
      .toEqual(['client CLOSED>SYN-SENT@1', 'server CLOSED>LISTEN@1']);
    expect(sink.lines).toEqual(['hold client tcpHalfOpen @1']);
  });

  it('answered (SYN-ACK, handshake, data, close), refused (RST) and retried SYNs', () => {
    const a = new Conversation({ clientPort: 1001, firstNumber: 1 });
    a.c('S', { options: OPTIONS });
    a.s('SA', { options: { mss: 1400, windowScale: 2, sackPermitted: false } });
    a.c('A');
    a.c('PA', { len: 10 });
    a.s('A');
    a.c('FA');
    a.s('FA');
    a.c('A');
    const b = new Conversation({ clientPort: 1002, firstNumber: 9, start: a.time + 1 });
    b.c('S');
    b.s('RA', { ack: 1001 });
    const d = new Conversation({ clientPort: 1003, firstNumber: 11, start: b.time + 1 });
    d.c('S');
    d.c('S', { seq: 1000, dt: 1 });
    d.s('SA', { ack: 1001 });
    bothWays([...a.packets, ...b.packets, ...d.packets]);
  });

  it('port reuse: a SYN with a new sequence number after a lone SYN starts a second flow', () => {
    const c = new Conversation();
    c.c('S');
    c.c('S', { seq: 777_777, dt: 2 });
    bothWays(c.packets);
    expect(track(c.packets).report.flows).toHaveLength(2);
  });

  it('evicted at the flow cap, finalized at its attempt timeout, woken by a late packet', () => {
    const packets: DecodedPacket[] = [];
    let t = 1_700_000_000;
    for (let i = 0; i < 6; i++) {
      const c = new Conversation({ clientPort: 2000 + i, firstNumber: packets.length + 1, start: t });
      c.c('S');
      packets.push(...c.packets);
      t = c.time;
    }
    // The first flow again, after its 5 s attempt timeout: a SYN-ACK wakes its dormant record.
    const late = new Conversation({ clientPort: 2000, firstNumber: packets.length + 1, start: t + 10 });
    late.s('SA', { ack: 1001 });
    packets.push(...late.packets);
    bothWays(packets, { maxFlows: 3 });
    bothWays(packets, { maxFlows: 3, maxRecords: 2 });
    bothWays(packets);
  });
});

/** A deterministic generator (xorshift32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe('lone SYNs finalized past --max-records are counted without being built', () => {
  // Any sequence number (the ends of the space too), window, extra flags and options, and times
  // that go back: none of it may change how a lone SYN is counted.
  const SEQS = [0, 1, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
  const FLAGS = ['S', 'SP', 'SU', 'SPU'];
  function flood(n: number, seed: number): { packets: DecodedPacket[]; lone: number } {
    const rnd = random(seed);
    const packets: DecodedPacket[] = [];
    let t = 1_700_000_000;
    let lone = 0;
    for (let i = 0; i < n; i++) {
      const c = new Conversation({
        client: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, clientPort: 1024 + (i % 60_000),
        clientIsn: i < SEQS.length ? SEQS[i] : Math.floor(rnd() * 2 ** 32), firstNumber: packets.length + 1,
        start: t + (rnd() < 0.1 ? -rnd() * 10 : rnd() * 0.5),
      });
      const options = rnd() < 0.5 ? undefined : {
        mss: rnd() < 0.5 ? 1460 : undefined, windowScale: rnd() < 0.5 ? Math.floor(rnd() * 16) : undefined,
        sackPermitted: rnd() < 0.5, timestamp: rnd() < 0.5 ? { value: 1, echo: 0 } : undefined,
      };
      c.c(FLAGS[Math.floor(rnd() * FLAGS.length)], { win: rnd() < 0.2 ? 0 : Math.floor(rnd() * 65536), options });
      // Every seventh one is answered and closed: a flow that is not a lone SYN, between them.
      if (i % 7 === 3) {
        c.s('SA');
        c.c('A');
        c.c('FA');
        c.s('FA');
        c.c('A');
      } else {
        lone++;
      }
      packets.push(...c.packets);
      t = c.time;
    }
    return { packets, lone };
  }

  it('the same summary, ledger events and stream ends with 5 records listed as with all of them', () => {
    const n = 2_000;
    const { packets, lone } = flood(n, 13);
    const ended: number[][] = [[], []];
    const run = (maxRecords: number, k: number) => track(packets, {
      maxRecords, maxFlows: 50,
      stream: { wants: (f) => f.id % 3 === 0, data: () => true, gap: () => {}, end: (f) => { ended[k].push(f.id); } },
    });
    const few = run(5, 0);
    const all = run(n, 1);
    expect(few.report.flows).toHaveLength(5);
    expect(all.report.flows).toHaveLength(n);
    expect(few.tracker.omittedFlows).toBe(n - 5);
    expect(few.report.summary).toEqual(all.report.summary);
    expect(few.sink.lines).toEqual(all.sink.lines);
    expect(ended[0]).toEqual(ended[1]);
    expect(few.tracker.evictedFlows).toBe(all.tracker.evictedFlows);
    expect(few.tracker.evictedOpenFlows).toBe(all.tracker.evictedOpenFlows);
    // Exact counts from the input: a lone SYN is Zeek's S0, a partial handshake, one packet, no
    // retransmission; an answered and closed flow is SF, complete, six packets.
    const closed = n - lone;
    expect(few.report.summary).toEqual({
      flows: n, packets: lone + 6 * closed, retransmissions: 0,
      connStates: { S0: lone, SF: closed }, handshakes: { complete: closed, partial: lone, missing: 0 },
    });
  });
});
