/**
 * Per-frame Wireshark analysis flags, straight from analyseSegment, for exchanges whose flags were
 * read from tshark 4.0.17 on the same packets.
 */
import { describe, expect, it } from 'vitest';
import type { DecodedPacket } from '../../../src/decode/packet.js';
import {
  ANALYSIS, SeqAnalysisConversation, SeqAnalysisFlow, afterSegment, analyseSegment,
} from '../../../src/track/tcp/analysis.js';
import { Conversation } from './builder.js';

/** Flags of every packet, named as Wireshark's expert info. */
function flags(c: Conversation): string[][] {
  const client = new SeqAnalysisFlow();
  const server = new SeqAnalysisFlow();
  const conv = new SeqAnalysisConversation();
  return c.packets.map((p: DecodedPacket) => {
    const t = p.tcp!;
    const fromClient = t.srcPort === c.clientPort;
    const [fwd, rev] = fromClient ? [client, server] : [server, client];
    const seg = { seq: t.seq, ack: t.ack, length: t.payloadLength, flags: t.flags, window: t.window, time: p.time };
    const ta = analyseSegment(fwd, rev, conv, seg);
    afterSegment(fwd, rev, conv, seg, t.options?.windowScale);
    return Object.entries(ANALYSIS).filter(([, bit]) => ta & bit).map(([name]) => name);
  });
}

describe('analysis flags per frame', () => {
  it('fast retransmission after an ACKed unseen segment (the duplicate-ACK count is unsigned)', () => {
    const c = new Conversation().handshake();
    c.s('FA', { dt: 0.001 });
    c.c('PA', { len: 100, ack: 5001, dt: 0.05 });
    c.s('FA', { seq: 5001, ack: 1109, dt: 0.001 });
    c.c('PA', { len: 100, seq: 1109, ack: 5001, dt: 0.05 });
    expect(flags(c)).toEqual([
      [], [], [], [], [],
      ['ACK_LOST_SEGMENT', 'FAST_RETRANSMISSION'],
      ['LOST_SEGMENT'],
    ]);
  });
  it('zero window, probe, probe ACK, ACKed unseen byte; keep-alive, window update', () => {
    const c = new Conversation().handshake();
    c.c('PA', { len: 100 });
    c.s('A', { win: 0 });
    c.c('PA', { len: 1, dt: 0.2 });
    c.s('A', { win: 0, ack: 1101 });
    c.s('A', { win: 1000, dt: 0.5 });
    c.c('A', { seq: 1100, dt: 10 });
    c.s('A', { dt: 0.01 });
    expect(flags(c).slice(3)).toEqual([
      [], ['ZERO_WINDOW'], ['ZERO_WINDOW_PROBE'], ['ZERO_WINDOW', 'ZERO_WINDOW_PROBE_ACK'], ['ACK_LOST_SEGMENT'],
      ['KEEP_ALIVE'], ['WINDOW_UPDATE'], // the ACK after the keep-alive changes the window: an update
    ]);
  });
});
