/**
 * Flows end on capture time when they fall silent (issue 11): a flow its destination never answered
 * after tcpAttemptTimeout (Zeek's tcp_attempt_delay, 5 s), any other open flow after
 * tcpInactivityTimeout (Zeek's tcp_inactivity_timeout, 300 s). The flow's row is written, its ends
 * release what they held, its table slot is freed; a compact record lets a late packet on the same
 * 4-tuple continue it with the same id, as tshark continues its tcp.stream.
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
  // Flow 1, another client port, opens at t=9.001 (packets 4-6): flow 0 has been silent 6 s >= 5 s,
  // so packet 4 finalizes it first. The retry of packet 7 (t=15.001) continues it: same id.
  function capture(): ReturnType<Conversation['c']>[] {
    const a = new Conversation({ clientPort: 40000 });
    a.c('S'); // 1
    a.c('S', { seq: 1000, dt: 1 }); // 2
    a.c('S', { seq: 1000, dt: 2 }); // 3
    const b = new Conversation({ clientPort: 40001, start: a.time + 6, firstNumber: 4 }).handshake(); // 4-6
    a.number = 6;
    a.time = b.time;
    a.c('S', { seq: 1000, dt: 6 - 0.002 }); // 7, t = 15.001
    return [...a.packets.slice(0, 3), ...b.packets, a.packets[3]];
  }

  it('releases the client half-open state at the packet that finds it silent, and takes it again at the retry', () => {
    const { report, sink, tracker } = track(capture());
    // The client held SYN-SENT from packet 1; statecap, like Zeek, takes the attempt as over at
    // packet 4 (silent 6 s, past 5 s) and the client holds it again from the retry at packet 7.
    expect(eventsOf(sink, 0)).toEqual(['hold client tcpHalfOpen @1', 'release client @4', 'hold client tcpHalfOpen @7']);
    // One row for the 4-tuple, as tshark's one tcp.stream: first packet 1, last 7, 4 packets; the
    // second flow keeps id 1. Nothing was evicted: the table was never full.
    expect(report.flows.map((f) => [f.id, f.firstPacket, f.lastPacket, f.packets])).toEqual([[0, 1, 7, 4], [1, 4, 6, 3]]);
    expect(report.summary.flows).toBe(2);
    expect(report.summary.packets).toBe(7);
    expect(tracker.evictedFlows).toBe(0);
    // The retries are Wireshark retransmissions (same sequence number), the late one included: the
    // record kept the direction's sequence analysis.
    expect(report.flows[0].analysis.retransmissions).toBe(3);
  });

  it('a longer tcpAttemptTimeout keeps the attempt open across the gaps: one hold, no release', () => {
    // The longest silence of flow 0 is 12 s (packet 3 at t=3.001 to packet 7 at t=15.001).
    const { sink, report } = track(capture(), { attemptTimeout: 13 });
    expect(eventsOf(sink, 0)).toEqual(['hold client tcpHalfOpen @1']);
    expect(report.flows[0].packets).toBe(4);
  });
});

describe('an open connection ends after tcpInactivityTimeout', () => {
  // Flow 0: handshake (1-3), a request (4) and its answer (5), then 400 s of silence. Flow 1 opens at
  // t=0.005+350 (packets 6-8): flow 0 is 350 s silent, past 300 s, so packet 6 finalizes it. Then
  // flow 0 carries a second request (9, t=400.005) and answer (10), and both close (11-13).
  function capture(): ReturnType<Conversation['c']>[] {
    const a = new Conversation({ clientPort: 40000 }).handshake(); // 1-3
    a.c('PA', { len: 10 }); // 4
    a.s('PA', { len: 20 }); // 5
    const b = new Conversation({ clientPort: 40001, start: a.time + 350 - 0.001, firstNumber: 6 }).handshake(); // 6-8
    a.number = 8;
    a.c('PA', { len: 10, dt: 400 }); // 9
    a.s('PA', { len: 20 }); // 10
    a.c('FA'); // 11
    a.s('FA'); // 12
    a.c('A'); // 13
    return [...a.packets.slice(0, 5), ...b.packets, ...a.packets.slice(5)];
  }

  it('both ends release the connection at packet 6 and hold it again from the late request', () => {
    const { report, sink } = track(capture());
    expect(eventsOf(sink, 0)).toEqual([
      'hold client tcpHalfOpen @1', 'hold server tcpHalfOpen @2', 'hold client tcpConnections @2', 'hold server tcpConnections @3',
      'release client @6', 'release server @6',
      // Continued from the states the record kept (both ESTABLISHED): no new handshake.
      'hold client tcpConnections @9', 'hold server tcpConnections @9',
      // The close: the client, active closer, ends in TIME-WAIT; the server in CLOSED.
      'hold client tcpTimeWait @12', 'release server @13',
    ]);
    const flow = report.flows.find((f) => f.id === 0);
    expect(flow).toBeDefined();
    if (flow === undefined) return;
    // One row for the whole conversation (tshark's tcp.stream), completed again in place.
    expect([flow.firstPacket, flow.lastPacket, flow.packets]).toEqual([1, 13, 10]);
    expect(flow.finalState).toEqual({ client: 'TIME-WAIT', server: 'CLOSED' });
    expect(flow.payloadBytes).toEqual({ client: 20, server: 40 });
    // The record kept the exchange counter: two exchanges on one connection (packets 4 and 9),
    // which is what makes its server stateful.
    expect(flow.exchanges.count).toBe(2);
    expect(flow.exchanges.packets).toEqual([4, 9]);
    // Zeek too forgets a connection silent for tcp_inactivity_timeout: its rows split at packet 9.
    expect(flow.zeek.map((z) => z.firstPacket)).toEqual([1, 9]);
    // The summary counts the flow once, with all its packets.
    expect(report.summary.flows).toBe(2);
    expect(report.summary.packets).toBe(13);
    expect(report.summary.handshakes).toEqual({ complete: 2, partial: 0, missing: 0 });
  });

  it('with tcpInactivityTimeout 600 the connection is held through the silence', () => {
    const { sink, report } = track(capture(), { inactivityTimeout: 600 });
    expect(eventsOf(sink, 0).filter((l) => l.startsWith('release'))).toEqual(['release server @13']);
    expect(report.flows.find((f) => f.id === 0)?.zeek.map((z) => z.firstPacket)).toEqual([1, 9]);
  });

  it('expire(time) finalizes without a packet of TCP (the pipeline calls it as capture time advances)', () => {
    const sink = new RecordingSink();
    const tracker = new TcpTracker({ state: sink });
    const packets = capture().slice(0, 5); // the handshake, one request, its answer (t = 0.001 to 0.005)
    for (const p of packets) tracker.observe(p);
    tracker.expire(packets[4].time + 299); // silent 299 s: still open
    expect(sink.releases).toEqual([]);
    tracker.expire(packets[4].time + 300); // silent 300 s: over, released at the latest packet seen (5)
    expect(eventsOf(sink, 0).filter((l) => l.startsWith('release'))).toEqual(['release client @5', 'release server @5']);
    const report = tracker.finish();
    expect(report.flows.map((f) => [f.id, f.firstPacket, f.lastPacket, f.packets])).toEqual([[0, 1, 5, 5]]);
  });
});

describe('the records of dormant flows are bounded', () => {
  it('beyond maxFlows records the oldest is forgotten: its late packet starts a new flow', () => {
    // maxFlows 1. Flow 0 (a SYN, t=0) is silent 6 s when flow 1's SYN comes (t=6): it sleeps, and
    // flow 1 takes the only live slot. Flow 2 (t=12) makes flow 1 sleep too: two records, one
    // allowed, so flow 0's (the oldest) is forgotten. Flow 2 then closes cleanly (packets 3-8). A
    // retry on flow 0's 4-tuple (packet 9) finds no record: a new flow, id 3; the closed flow 2 gives
    // up its slot to it (finalized, not evicted).
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
    const { report, tracker } = track([p1, p2, ...c.packets, p9], { maxFlows: 1 });
    expect(report.flows.map((f) => [f.id, f.firstPacket, f.packets])).toEqual([[0, 1, 1], [1, 2, 1], [2, 3, 6], [3, 9, 1]]);
    expect(tracker.evictedFlows).toBe(0);
  });
});
