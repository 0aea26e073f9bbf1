/**
 * Random and damaged input never throws and leaves the tracker usable (STYLE practice 15):
 * seeded, so a failure names the case that broke.
 */
import { describe, expect, it } from 'vitest';
import { QuicTracker } from '../../../src/track/quic/tracker.js';
import { parseLongHeader, parseShortHeader } from '../../../src/track/quic/header.js';
import { parseInitialFrames } from '../../../src/track/quic/frames.js';
import { parseClientHello, parseServerHello, parseTransportParameters } from '../../../src/track/quic/client-hello.js';
import { clientHello, cryptoFrame, hex, initialPacket, udpPacket, Wire } from '../../helpers/quic.js';
import * as vec from './rfc-vectors.js';

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const C = { address: '10.0.0.1', port: 50000 };
const S = { address: '10.0.0.2', port: 443 };

describe('fuzz', () => {
  it('random datagrams (long- and short-header looking) never throw', () => {
    const rand = prng(1);
    const tracker = new QuicTracker();
    tracker.observeUdp(new Wire().send(C, S, initialPacket({ side: 'client', dcid: hex('8394c8f03e515708'), scid: hex('c1c1'), frames: cryptoFrame(0, clientHello({ serverName: 'x' })), padTo: 1200 })));
    for (let i = 0; i < 3000; i++) {
      const b = new Uint8Array(Math.floor(rand() * 80));
      for (let j = 0; j < b.length; j++) b[j] = Math.floor(rand() * 256);
      // Half the time, make it look like a v1 long header.
      if (b.length > 6 && rand() < 0.5) b.set([0xc0 | (b[0] & 0x3f), 0, 0, 0, 1], 0);
      expect(() => tracker.observeUdp(udpPacket(i + 2, i, rand() < 0.5 ? C : S, rand() < 0.5 ? S : C, b)), `case ${i}`).not.toThrow();
    }
    expect(() => tracker.finish()).not.toThrow();
  });

  it('every single-byte corruption of the RFC client Initial never throws', () => {
    const base = hex(vec.V1_CLIENT.packet);
    const rand = prng(2);
    const tracker = new QuicTracker();
    for (let i = 0; i < 400; i++) {
      const b = Uint8Array.from(base);
      b[Math.floor(rand() * 60)] ^= 1 << Math.floor(rand() * 8);
      expect(() => tracker.observeUdp(udpPacket(i + 1, i, C, S, b.subarray(0, Math.floor(rand() * b.length) + 1))), `case ${i}`).not.toThrow();
    }
  });

  it('the pure parsers take any bytes', () => {
    const rand = prng(3);
    for (let i = 0; i < 2000; i++) {
      const b = new Uint8Array(Math.floor(rand() * 64));
      for (let j = 0; j < b.length; j++) b[j] = Math.floor(rand() * 256);
      expect(() => {
        parseLongHeader(b);
        parseShortHeader(b, Math.floor(rand() * 21));
        parseInitialFrames(b);
        parseTransportParameters(b);
        parseClientHello(b);
        parseServerHello(b);
      }, `case ${i}`).not.toThrow();
    }
  });
});
