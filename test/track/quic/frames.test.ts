/** Initial-packet frames (RFC 9000 §19, Table 3 of §12.4). */
import { describe, expect, it } from 'vitest';
import { parseInitialFrames } from '../../../src/track/quic/frames.js';
import { ackFrame, concat, connectionCloseFrame, cryptoFrame, hex, padding, PING } from '../../helpers/quic.js';
import * as vec from './rfc-vectors.js';

describe('parseInitialFrames', () => {
  it('RFC 9001 §A.2 payload: one CRYPTO frame of 241 bytes at offset 0, then PADDING', () => {
    const payload = concat(hex(vec.CLIENT_CRYPTO_FRAME), padding(917));
    const f = parseInitialFrames(payload);
    expect(f.crypto.map((c) => [c.offset, c.data.length])).toEqual([[0, 241]]);
    expect(f.stop).toBeNull();
    expect(f.frames).toBe(2);
  });

  it('RFC 9001 §A.3 payload: ACK then CRYPTO(ServerHello of 90 bytes)', () => {
    const f = parseInitialFrames(hex(vec.V1_SERVER.payload));
    expect(f.crypto.map((c) => [c.offset, c.data.length])).toEqual([[0, 90]]);
    expect(f.frames).toBe(2);
  });

  it('keeps CRYPTO frames in the order sent, ACK with ranges and PING in between', () => {
    const ackWithRanges = hex('02 0a 00 01 02 01 01'); // largest 10, delay 0, 1 range, first range 2, gap 1, length 1
    const f = parseInitialFrames(concat(cryptoFrame(300, hex('bb')), PING, ackWithRanges, cryptoFrame(0, hex('aa')), ackFrame(3)));
    expect(f.crypto.map((c) => c.offset)).toEqual([300, 0]);
    expect(f.stop).toBeNull();
  });

  it('reads CONNECTION_CLOSE (0x1c): code, frame type, reason', () => {
    const f = parseInitialFrames(concat(connectionCloseFrame(0x0a, 'bad things', 0x06), padding(3)));
    expect(f.close).toEqual({ application: false, errorCode: 0x0a, frameType: 0x06, reason: 'bad things' });
  });

  it('stops at a frame type Initial packets may not carry, saying where', () => {
    const f = parseInitialFrames(concat(PING, hex('08 00 00')));
    expect(f.stop?.offset).toBe(1);
    expect(f.stop?.reason).toMatch(/0x8 is not allowed/);
  });

  it('a CRYPTO frame cut short keeps its captured bytes, marked partial', () => {
    const whole = cryptoFrame(0, new Uint8Array(100).fill(7));
    const f = parseInitialFrames(whole.subarray(0, 50));
    expect(f.crypto.length).toBe(1);
    expect(f.crypto[0].partial).toBe(true);
    // Frame header: type (1) + offset 0 (1) + length 100 as a 2-byte varint (2).
    expect(f.crypto[0].data.length).toBe(50 - 4);
    expect(f.stop?.reason).toMatch(/runs past/);
  });

  it('every prefix of a frame sequence parses without throwing', () => {
    const all = concat(ackFrame(5, 2), cryptoFrame(7, hex('0102030405')), connectionCloseFrame(1, 'x'), PING);
    for (let n = 0; n <= all.length; n++) expect(() => parseInitialFrames(all.subarray(0, n))).not.toThrow();
  });
});
