/**
 * Wireshark's tcp.analysis flags, counted per flow as frames (one frame once per kind). Every
 * scenario here was also written to a pcap and read with tshark 4.0.17; the expected counts are the
 * frames tshark flagged.
 */
import { describe, expect, it } from 'vitest';
import type { TcpAnalysis } from '../../../src/report/schema.js';
import { Conversation } from './builder.js';
import { only, track } from './run.js';

const NONE: TcpAnalysis = {
  retransmissions: 0, outOfOrder: 0, duplicateAcks: 0, zeroWindows: 0, keepAlives: 0, windowFull: 0, lostSegments: 0,
};

function analysis(c: Conversation): TcpAnalysis {
  return only(track(c.packets).report).analysis;
}

describe('sequence analysis (as tshark flags frames)', () => {
  it('retransmission: the same 100 bytes again 0.5 s later (frame 5)', () => {
    const c = new Conversation().handshake();
    c.c('PA', { len: 100 });
    c.c('PA', { len: 100, seq: 1001, dt: 0.5 });
    expect(analysis(c)).toEqual({ ...NONE, retransmissions: 1 });
  });

  it('three duplicate ACKs then a fast retransmission within 20 ms (frames 7-9, 10)', () => {
    const c = new Conversation().handshake();
    c.c('PA', { len: 100 });
    c.c('PA', { len: 100 });
    c.c('PA', { len: 100 });
    c.s('A', { ack: 1001 });
    c.s('A', { ack: 1001 });
    c.s('A', { ack: 1001 });
    c.c('PA', { len: 100, seq: 1001 });
    expect(analysis(c)).toEqual({ ...NONE, duplicateAcks: 3, retransmissions: 1 });
  });

  it('out-of-order: an earlier segment within the handshake RTT; the later one first is a lost segment', () => {
    const c = new Conversation().handshake();
    c.c('PA', { len: 100, seq: 1101, dt: 0.0005 });
    c.c('PA', { len: 100, seq: 1001, dt: 0.0005 });
    c.s('A');
    expect(analysis(c)).toEqual({ ...NONE, outOfOrder: 1, lostSegments: 1 });
  });

  it('spurious retransmission: data the receiver had already acknowledged', () => {
    const c = new Conversation().handshake();
    c.c('PA', { len: 100 });
    c.s('A');
    c.c('PA', { len: 100, seq: 1001, dt: 0.3 });
    expect(analysis(c)).toEqual({ ...NONE, retransmissions: 1 });
  });

  it('zero window, a zero window probe and its ACK: frames 5 and 7 advertise window 0', () => {
    const c = new Conversation().handshake();
    c.c('PA', { len: 100 });
    c.s('A', { win: 0 });
    c.c('PA', { len: 1, dt: 0.2 }); // probe
    c.s('A', { win: 0, ack: 1101 }); // ACK to the probe, still 0
    c.s('A', { win: 1000, dt: 0.5 });
    expect(analysis(c)).toEqual({ ...NONE, zeroWindows: 2 });
  });

  it('keep-alives (0 and 1 byte one before the next sequence number) and their ACKs', () => {
    const c = new Conversation().handshake();
    c.c('PA', { len: 10 });
    c.s('A');
    c.c('A', { seq: 1010, dt: 10 });
    c.s('A', { dt: 0.01 });
    c.c('A', { len: 1, seq: 1010, dt: 10 });
    c.s('A', { dt: 0.01 });
    // Two keep-alives and two keep-alive ACKs, counted together (the corpus reference counts both).
    expect(analysis(c)).toEqual({ ...NONE, keepAlives: 4 });
  });

  it('duplicate ACKs need the same window: a window update resets nothing but is not a duplicate', () => {
    const c = new Conversation().handshake();
    c.s('A');
    c.s('A');
    c.s('A', { win: 100 });
    c.s('A', { win: 100 });
    expect(analysis(c)).toEqual({ ...NONE, duplicateAcks: 3 });
  });

  it('window full: data reaching the right edge of the advertised window', () => {
    const c = new Conversation().handshake();
    c.s('A', { win: 200 });
    c.c('PA', { len: 100 });
    c.c('PA', { len: 100 });
    c.c('PA', { len: 10 });
    expect(analysis(c)).toEqual({ ...NONE, windowFull: 1 });
  });

  it('window full uses the scale only when both SYNs offered it', () => {
    const c = new Conversation();
    c.handshake({ client: { sackPermitted: false, windowScale: 2 }, server: { sackPermitted: false, windowScale: 3 } });
    c.s('A', { win: 25 }); // 25 << 3 = 200 bytes
    c.c('PA', { len: 100 });
    c.c('PA', { len: 100 });
    const f = only(track(c.packets).report);
    expect(f.analysis.windowFull).toBe(1);
    expect(f.directions.client.windowScale).toBe(2);
    expect(f.directions.server.windowScale).toBe(3);
  });

  it('previous segment not captured', () => {
    const c = new Conversation().handshake();
    c.c('PA', { len: 100 });
    c.c('PA', { len: 100, seq: 1201 });
    c.s('A', { ack: 1301 });
    expect(analysis(c)).toEqual({ ...NONE, lostSegments: 1 });
  });

  it('after an "ACKed unseen segment" the unsigned duplicate-ACK count makes the next retransmission fast', () => {
    const c = new Conversation().handshake();
    c.s('FA', { dt: 0.001 }); // 4: the server's FIN
    c.c('PA', { len: 100, ack: 5001, dt: 0.05 }); // 5: data that does not acknowledge the FIN
    c.s('FA', { seq: 5001, ack: 1109, dt: 0.001 }); // 6: FIN again, acknowledging 8 bytes never seen
    const f = only(track(c.packets).report);
    // tshark 4.0.17 flags frame 6 "ACKed segment that wasn't captured" and fast retransmission.
    expect(f.analysis).toEqual({ ...NONE, retransmissions: 1 });
  });

  it('a retransmitted SYN is a retransmission', () => {
    const c = new Conversation();
    c.c('S');
    c.c('S', { seq: 1000, dt: 1 });
    c.c('S', { seq: 1000, dt: 2 });
    expect(analysis(c)).toEqual({ ...NONE, retransmissions: 2 });
  });
});
