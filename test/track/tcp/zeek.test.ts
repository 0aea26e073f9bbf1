/**
 * Zeek's conn_state and history, computed by the replica of Zeek's TCP analysis: one test per
 * conn_state code and the history letter rules (once per direction, repeats on a new sequence
 * number, logarithmic T/W/G, '^' when Zeek's heuristic flips the roles).
 */
import { describe, expect, it } from 'vitest';
import { Conversation } from './builder.js';
import { only, track } from './run.js';

function zeek(c: Conversation): [string, string] {
  const f = only(track(c.packets).report);
  return [f.connState, f.history];
}

describe('conn_state: every code', () => {
  it('S0: a SYN, no reply', () => {
    const c = new Conversation();
    c.c('S');
    expect(zeek(c)).toEqual(['S0', 'S']);
  });
  it('S1: established, not terminated', () => {
    const c = new Conversation().handshake();
    c.c('PA', { len: 10 });
    c.s('A');
    expect(zeek(c)).toEqual(['S1', 'ShADa']);
  });
  it('SF: normal establishment and termination', () => {
    const c = new Conversation().handshake();
    c.c('FA');
    c.s('A');
    c.s('FA');
    c.c('A');
    expect(zeek(c)).toEqual(['SF', 'ShAFaf']);
  });
  it('REJ: the SYN answered by a reset', () => {
    const c = new Conversation();
    c.c('S');
    c.s('RA', { seq: 0 });
    expect(zeek(c)).toEqual(['REJ', 'Sr']);
  });
  it('S2: established, the originator closed, no reply', () => {
    const c = new Conversation().handshake();
    c.c('FA');
    expect(zeek(c)).toEqual(['S2', 'ShAF']);
  });
  it('S3: established, the responder closed, no reply', () => {
    const c = new Conversation().handshake();
    c.s('FA');
    expect(zeek(c)).toEqual(['S3', 'ShAf']);
  });
  it('RSTO: established, the originator aborted', () => {
    const c = new Conversation().handshake();
    c.c('RA');
    expect(zeek(c)).toEqual(['RSTO', 'ShAR']);
  });
  it('RSTR: established, the responder aborted', () => {
    const c = new Conversation().handshake();
    c.s('RA');
    expect(zeek(c)).toEqual(['RSTR', 'ShAr']);
  });
  it('RSTOS0: the originator sent a SYN then a RST, no SYN-ACK', () => {
    const c = new Conversation();
    c.c('S');
    c.c('R', { dt: 1 });
    expect(zeek(c)).toEqual(['RSTOS0', 'SR']);
  });
  it('RSTRH: the responder sent a SYN-ACK then a RST, no SYN seen ("^": roles flipped from port 80)', () => {
    const c = new Conversation();
    c.s('SA', { ack: 1001 });
    c.s('R', { dt: 1 });
    expect(zeek(c)).toEqual(['RSTRH', '^hr']);
  });
  it('SH: the originator sent a SYN then a FIN, no SYN-ACK', () => {
    const c = new Conversation();
    c.c('S');
    c.c('F', { dt: 1 });
    expect(zeek(c)).toEqual(['SH', 'SF']);
  });
  it('SHR: the responder sent a SYN-ACK then a FIN, no SYN', () => {
    const c = new Conversation();
    c.s('SA', { ack: 1001 });
    c.s('FA', { dt: 1 });
    expect(zeek(c)).toEqual(['SHR', '^hf']);
  });
  it('OTH: midstream traffic, no SYN', () => {
    const c = new Conversation();
    c.c('PA', { len: 10 });
    c.s('PA', { len: 20 });
    expect(zeek(c)).toEqual(['OTH', 'Dd']);
  });
});

describe('history letters', () => {
  it('A, D, F once per direction; a retransmitted SYN with the same sequence number adds nothing', () => {
    const c = new Conversation();
    c.c('S');
    c.c('S', { seq: 1000, dt: 1 });
    c.s('SA');
    c.c('A');
    c.c('PA', { len: 10 });
    c.c('PA', { len: 10 });
    c.s('A');
    c.s('A');
    expect(zeek(c)).toEqual(['S1', 'ShADa']);
  });
  it('a FIN repeated at a new sequence number is recorded again', () => {
    const c = new Conversation().handshake();
    c.c('FA'); // FIN at relative 1
    c.c('FA', { seq: 1001, len: 5 }); // FIN after 5 more bytes: a new FIN sequence number
    expect(zeek(c)[1]).toBe('ShAFF');
  });
  it('T: retransmitted payload, recorded at the 1st, 10th and 100th time', () => {
    const c = new Conversation().handshake();
    c.c('PA', { len: 10 });
    for (let i = 0; i < 100; i++) c.c('PA', { len: 10, seq: 1001, dt: 0.2 });
    expect(zeek(c)[1]).toBe('ShADTTT');
  });
  it('W: zero window, logarithmically; none from a RST', () => {
    const c = new Conversation().handshake();
    for (let i = 0; i < 10; i++) c.s('A', { win: 0 });
    c.s('RA', { win: 0 });
    expect(zeek(c)).toEqual(['RSTR', 'ShAawwr']); // the responder's windows: lower case
  });
  it('G: acknowledged data that was never captured is a content gap', () => {
    const c = new Conversation().handshake();
    c.c('PA', { len: 100 }); // 1001-1100
    c.c('PA', { len: 100, seq: 1201 }); // 1101-1200 missing
    c.s('A', { ack: 1301 });
    expect(zeek(c)[1]).toBe('ShADaG');
  });
  it('G: a retransmission over delivered and held data fills the hole (in-order blocks are not kept, same letters)', () => {
    const c = new Conversation().handshake();
    c.c('PA', { len: 100 }); // 1001-1100, delivered at once
    c.c('PA', { len: 100, seq: 1201 }); // held above the hole 1101-1200
    c.c('PA', { len: 200, seq: 1051 }); // 1051-1250: overlaps both and fills the hole; not past 1300: a T
    c.s('A', { ack: 1301 }); // everything was delivered: no gap
    c.c('PA', { len: 100, seq: 1401 }); // a new hole 1301-1400
    c.s('A', { ack: 1501 }); // acknowledged without being captured: G
    expect(zeek(c)[1]).toBe('ShADTaG');
  });
  it('^: the first packet comes from a likely server port, so Zeek flips the roles', () => {
    const c = new Conversation();
    c.s('PA', { len: 10 }); // from port 80
    c.c('A');
    const f = only(track(c.packets).report);
    expect(f.client).toBe('10.0.0.1:40000');
    expect([f.connState, f.history]).toEqual(['OTH', '^dA']);
  });
  it('I and Q: FIN+RST and SYN+FIN packets', () => {
    const c = new Conversation().handshake();
    c.c('SF', { seq: 1000 }); // the client's ISN again: neither tshark nor Zeek sees a new connection
    c.c('FRA');
    expect(zeek(c)[1]).toBe('ShAQI');
  });
  it('after a close, a new SYN starts a new Zeek connection: this flow keeps the first one', () => {
    const c = new Conversation().handshake();
    c.c('RA');
    c.c('S', { seq: 1000, dt: 1 });
    c.s('SA', { seq: 5000 });
    expect(zeek(c)).toEqual(['RSTO', 'ShAR']);
  });
});
