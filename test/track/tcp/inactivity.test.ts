/**
 * Flows end on capture time when they fall silent (issue 11): a flow its destination never answered
 * after tcpAttemptTimeout (Zeek's tcp_attempt_delay, 5 s), any other open flow after
 * tcpInactivityTimeout (Zeek's tcp_inactivity_timeout, 300 s). The flow's row is written and its
 * table slot freed, so it is no eviction when the table is full; a compact record lets a late packet
 * on the same 4-tuple continue it with the same id, as tshark continues its tcp.stream. Its ends
 * keep holding it in the ledger until the record is forgotten (nothing closed the connection).
 */
import { describe, expect, it } from 'vitest';
import type { HoldEvent, ReleaseEvent } from '../../../src/state/events.js';
import { Conversation } from './builder.js';
import { TcpTracker } from '../../../src/track/tcp/tracker.js';
import { RecordingSink, track } from './run.js';

/** The ledger events of flow `id`, as "hold client tcpHalfOpen @1" / "release server @4". */
function eventsOf(sink: RecordingSink, id: number): string[] {
  const lines: { packet: number; order: number; text: string }[] = [];
  let order = 0;
  const all: (HoldEvent | ReleaseEvent)[] = [...sink.holds, ...sink.releases];
  for (const e of all) {
    if (e.ref.id !== id) continue;
    const text = 'kind' in e ? `hold ${e.endpoint.role} ${e.kind} @${e.packet}` : `release ${e.endpoint.role} @${e.packet}`;
    lines.push({ packet: e.packet, order: order++, text });
  }
  // Holds were listed before releases: sort back into packet order (a release before a hold at one packet).
  return lines.sort((a, b) => a.packet - b.packet || Number(a.text.startsWith('hold')) - Number(b.text.startsWith('hold')) || a.order - b.order)
    .map((l) => l.text);
}

describe('an attempt nobody answers ends after tcpAttemptTimeout', () => {
  // Flow 0: a client SYN (packet 1, t=0.001) and its retries at t=1.001 and t=3.001, same ISN.
  // Flow 1, another client port, opens at t=9.001 and closes (packets 4-9): flow 0 has been silent
  // 6 s >= 5 s at packet 4, so it ends there. The retry of packet 10 (t=15.001) continues it.
  function capture(): ReturnType<Conversation['c']>[] {
    const a = new Conversation({ clientPort: 40000 });
    a.c('S'); // 1
    a.c('S', { seq: 1000, dt: 1 }); // 2
    a.c('S', { seq: 1000, dt: 2 }); // 3
    const b = new Conversation({ clientPort: 40001, start: a.time + 6, firstNumber: 4 }).handshake(); // 4-6
    b.c('FA'); // 7
    b.s('FA'); // 8
    b.c('A'); // 9: flow 1 closed (client TIME-WAIT, server CLOSED)
    a.number = 9;
    a.time = b.time;
    a.c('S', { seq: 1000, dt: 6 - 0.006 }); // 10, t = 15.001
    return [...a.packets.slice(0, 3), ...b.packets, a.packets[3]];
  }

  it('one flow for the 4-tuple, as tshark\'s tcp.stream: the retry continues it with its id and sequence analysis', () => {
    const { report, sink, tracker } = track(capture());
    expect(report.flows.map((f) => [f.id, f.firstPacket, f.lastPacket, f.packets])).toEqual([[0, 1, 10, 4], [1, 4, 9, 6]]);
    expect(report.summary.flows).toBe(2);
    expect(report.summary.packets).toBe(10);
    // The three retries are Wireshark retransmissions (same sequence number), the late one included.
    expect(report.flows[0].analysis.retransmissions).toBe(3);
    // The client held SYN-SENT throughout: nothing in the capture ended its attempt.
    expect(eventsOf(sink, 0)).toEqual(['hold client tcpHalfOpen @1']);
    expect(tracker.evictedFlows).toBe(0);
  });

  it('with --max-flows 1 the silent attempt gives up the slot without an eviction; with a 13 s timeout it is evicted', () => {
    // Default: at packet 4 flow 0 is dormant, flow 1 takes the slot, closes, and gives it back to the
    // retry at packet 10 (a closed flow is finalized, not evicted). Nothing was lost.
    const dormant = track(capture(), { maxFlows: 1 });
    expect(dormant.report.flows.map((f) => [f.id, f.firstPacket, f.packets])).toEqual([[0, 1, 4], [1, 4, 6]]);
    expect(dormant.tracker.evictedFlows).toBe(0);
    // The longest silence of flow 0 is 6 s before packet 4, 12 s before packet 10: with 13 s it is
    // still live at packet 4, so flow 1 must evict it (open: partial), and the retry is a new flow.
    const live = track(capture(), { maxFlows: 1, attemptTimeout: 13 });
    expect(live.report.flows.map((f) => [f.id, f.firstPacket, f.packets])).toEqual([[0, 1, 3], [1, 4, 6], [2, 10, 1]]);
    expect([live.tracker.evictedFlows, live.tracker.evictedOpenFlows]).toEqual([1, 1]);
  });
});

describe('a lone SYN', () => {
  it('goes dormant with its one packet, and a retry 8 s later continues it, analysed as tshark would', () => {
    // Packet 1: a SYN. Packet 2, another flow at t=6: the SYN has been unanswered 6 s, past 5 s.
    // Packet 3, t=8: the same SYN again (same ISN): flow 0 again, its second packet, which
    // Wireshark flags as a retransmission (the record replays the first packet to rebuild it).
    const a = new Conversation({ clientPort: 40000 });
    const p1 = a.c('S');
    const p2 = new Conversation({ clientPort: 40001, firstNumber: 2, start: a.time + 6 }).c('S');
    a.number = 2;
    a.time = p2.time;
    const p3 = a.c('S', { seq: 1000, dt: 2 });
    const { report, tracker } = track([p1, p2, p3], { maxFlows: 1 });
    expect(report.flows.map((f) => [f.id, f.firstPacket, f.lastPacket, f.packets, f.analysis.retransmissions])).toEqual([[0, 1, 3, 2, 1], [1, 2, 2, 1, 0]]);
    // Packet 3 woke flow 0 into a full table: flow 1, open, was evicted (real table pressure).
    expect(tracker.evictedFlows).toBe(1);
  });
});

describe('an open connection ends after tcpInactivityTimeout', () => {
  // Flow 0: handshake (1-3), a request (4) and its answer (5), then 400 s of silence. Flow 1 opens at
  // t=0.005+350 and closes (packets 6-11): flow 0 is 350 s silent at packet 6, past 300 s. Then
  // flow 0 carries a second request (12, t=400.005) and answer (13), and both close (14-16).
  function capture(): ReturnType<Conversation['c']>[] {
    const a = new Conversation({ clientPort: 40000 }).handshake(); // 1-3
    a.c('PA', { len: 10 }); // 4
    a.s('PA', { len: 20 }); // 5
    const b = new Conversation({ clientPort: 40001, start: a.time + 350 - 0.001, firstNumber: 6 }).handshake(); // 6-8
    b.c('FA'); // 9
    b.s('FA'); // 10
    b.c('A'); // 11
    a.number = 11;
    a.c('PA', { len: 10, dt: 400 }); // 12
    a.s('PA', { len: 20 }); // 13
    a.c('FA'); // 14
    a.s('FA'); // 15
    a.c('A'); // 16
    return [...a.packets.slice(0, 5), ...b.packets, ...a.packets.slice(5)];
  }

  it('is one row, completed again in place when the late request continues it', () => {
    const { report, sink, tracker } = track(capture(), { maxFlows: 1 });
    const flow = report.flows.find((f) => f.id === 0);
    expect(flow).toBeDefined();
    if (flow === undefined) return;
    expect([flow.firstPacket, flow.lastPacket, flow.packets]).toEqual([1, 16, 10]);
    expect(flow.finalState).toEqual({ client: 'TIME-WAIT', server: 'CLOSED' });
    expect(flow.payloadBytes).toEqual({ client: 20, server: 40 });
    // The record kept the exchange counter: two exchanges on one connection (packets 4 and 12),
    // which is what makes its server stateful.
    expect(flow.exchanges.count).toBe(2);
    expect(flow.exchanges.packets).toEqual([4, 12]);
    // Zeek too forgets a connection silent for tcp_inactivity_timeout: its rows split at packet 12.
    expect(flow.zeek.map((z) => z.firstPacket)).toEqual([1, 12]);
    // The summary counts the flow once, with all its packets.
    expect([report.summary.flows, report.summary.packets]).toEqual([2, 16]);
    expect(report.summary.handshakes).toEqual({ complete: 2, partial: 0, missing: 0 });
    // Both ends held the connection through the silence (no release before its close), and the
    // table, full with one flow, took flow 1 without an eviction.
    expect(eventsOf(sink, 0)).toEqual([
      'hold client tcpHalfOpen @1', 'hold server tcpHalfOpen @2', 'hold client tcpConnections @2', 'hold server tcpConnections @3',
      'hold client tcpTimeWait @15', 'release server @16',
    ]);
    expect(tracker.evictedFlows).toBe(0);
  });

  it('with tcpInactivityTimeout 600 the silent connection is still live: flow 1 evicts it, and the late request is a new flow', () => {
    const { report, tracker } = track(capture(), { maxFlows: 1, inactivityTimeout: 600 });
    expect(report.flows.map((f) => [f.id, f.firstPacket, f.packets])).toEqual([[0, 1, 5], [1, 6, 6], [2, 12, 5]]);
    expect([tracker.evictedFlows, tracker.evictedOpenFlows]).toEqual([1, 1]);
  });

  it('expire(time) ends it without a packet of TCP (the pipeline calls it as capture time advances)', () => {
    const tracker = new TcpTracker();
    const packets = capture().slice(0, 5); // the handshake, one request, its answer (t = 0.001 to 0.005)
    for (const p of packets) tracker.observe(p);
    tracker.expire(packets[4].time + 299); // silent 299 s: still live
    expect(tracker.dormantFlows).toBe(0);
    tracker.expire(packets[4].time + 300); // silent 300 s: over
    expect(tracker.dormantFlows).toBe(1);
    expect(tracker.finish().flows.map((f) => [f.id, f.firstPacket, f.lastPacket, f.packets])).toEqual([[0, 1, 5, 5]]);
  });
});

describe('the records of dormant flows are bounded', () => {
  it('beyond maxFlows records the oldest is forgotten, its state released: its late packet starts a new flow', () => {
    // maxFlows 1. Flow 0 (a SYN, t=0) is silent 6 s when flow 1's SYN comes (t=6): it sleeps, and
    // flow 1 takes the only live slot. Flow 2 (t=12) makes flow 1 sleep too: two records, one
    // allowed, so flow 0's (the oldest) is forgotten, and its client releases its SYN-SENT then
    // (packet 3). Flow 2 closes cleanly (3-8). A retry on flow 0's 4-tuple (packet 9) finds no
    // record: a new flow, id 3; the closed flow 2 gives up its slot to it (finalized, not evicted).
    const a = new Conversation({ clientPort: 40000 });
    const b = new Conversation({ clientPort: 40001, firstNumber: 2, start: a.time + 6 });
    const c = new Conversation({ clientPort: 40002, firstNumber: 3, start: a.time + 12 });
    const p1 = a.c('S');
    const p2 = b.c('S');
    c.handshake(); // 3-5
    c.c('FA'); // 6
    c.s('FA'); // 7
    c.c('A'); // 8
    a.number = 8;
    a.time = c.time;
    const p9 = a.c('S', { seq: 1000, dt: 0.5 });
    const { report, tracker, sink } = track([p1, p2, ...c.packets, p9], { maxFlows: 1 });
    expect(report.flows.map((f) => [f.id, f.firstPacket, f.packets])).toEqual([[0, 1, 1], [1, 2, 1], [2, 3, 6], [3, 9, 1]]);
    expect(eventsOf(sink, 0)).toEqual(['hold client tcpHalfOpen @1', 'release client @3']);
    expect(tracker.evictedFlows).toBe(0);
  });
});
