import { describe, expect, it } from 'vitest';
import { TcpHalf } from '../../../src/track/tcp/half.js';
import { NO_SEQ } from '../../../src/track/tcp/seq.js';

// TcpHalf stores its sequence numbers as int32 with a known-bit each (see half.ts): these check that
// every unsigned 32-bit value reads back as itself and that NO_SEQ (-1) stays apart from 2^32 - 1.
describe('TcpHalf sequence fields', () => {
  it('reads back values at and above 2^31, and 2^32 - 1 is not NO_SEQ', () => {
    const h = new TcpHalf();
    expect(h.isn).toBe(NO_SEQ);
    h.isn = 0xffffffff;
    expect(h.isn).toBe(4294967295);
    h.isn = 0x80000000;
    expect(h.isn).toBe(2147483648);
    h.isn = 0;
    expect(h.isn).toBe(0);
    h.isn = NO_SEQ;
    expect(h.isn).toBe(NO_SEQ);
  });

  it('keeps each field and each flag apart', () => {
    const h = new TcpHalf();
    h.sackPermitted = true;
    h.finSeq = 0xfffffff0;
    expect(h.timestamps).toBe(false);
    expect(h.finPending).toBe(false);
    expect(h.sackPermitted).toBe(true);
    expect(h.nextSeq).toBe(NO_SEQ);
    h.sackPermitted = false;
    expect(h.finSeq).toBe(0xfffffff0);
  });

  it('tracks a SYN and data across the 2^32 wrap', () => {
    const h = new TcpHalf();
    // SYN at 2^32 - 2 takes one number: the next is 2^32 - 1.
    h.sent(0xfffffffe, 0, true, false);
    expect(h.isn).toBe(0xfffffffe);
    expect(h.nextSeq).toBe(0xffffffff);
    // 10 bytes from 2^32 - 1 end at 9 (wrapped); none acknowledged yet: 10 in flight.
    h.sent(0xffffffff, 10, false, false);
    h.sentAck(1);
    expect(h.nextSeq).toBe(9);
    expect(h.lastAck).toBe(1);
    expect(h.bytesInFlight()).toBe(10);
    // The peer acknowledges up to 4 (wrapped): 5 of the 10 bytes are left.
    h.acknowledged(4);
    expect(h.bytesInFlight()).toBe(5);
    expect(h.maxBytesInFlight).toBe(10);
    // The same numbers as int32 (x | 0, as the tracker passes them) give the same answers.
    const g = new TcpHalf();
    g.sent(0xfffffffe | 0, 0, true, false);
    g.sent(0xffffffff | 0, 10, false, false);
    g.sentAck(0xfffffff0 | 0);
    g.sentAck(2);
    g.sentAck(0xfffffff0 | 0); // behind 2 (wrapped): lastAck stays 2
    expect(g.isn).toBe(0xfffffffe);
    expect(g.nextSeq).toBe(9);
    expect(g.lastAck).toBe(2);
    g.acknowledged(4);
    g.acknowledged(0xfffffffa | 0); // behind 4: ignored
    expect(g.bytesInFlight()).toBe(5);
  });
});
