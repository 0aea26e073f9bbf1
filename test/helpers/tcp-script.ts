/**
 * A scripted TCP conversation written as capture frames: each side's sequence and acknowledgment
 * numbers follow what it sent, and a segment marked `missing` advances them without being written,
 * as a packet lost before the capture point would.
 */
import type { WrittenPacket } from './capture-file.js';
import { tcpFrame } from './packets.js';

export interface ScriptSegment {
  len?: number;
  /** Seconds after the previous segment (default 0.01). */
  dt?: number;
  win?: number;
  /** Sent, but not in the capture. */
  missing?: boolean;
  /** Acknowledge this instead of everything the peer sent (relative to the peer's ISN). */
  ack?: number;
  /** Resend from this relative sequence number (a retransmission). */
  seq?: number;
}

export class TcpScript {
  readonly packets: WrittenPacket[] = [];
  private next = { c: 1000, s: 5000 };
  private readonly isn = { c: 1000, s: 5000 };
  private time: number;

  constructor(
    readonly client = '10.0.0.1', readonly server = '10.0.0.2', readonly clientPort = 40000, readonly serverPort = 80,
    start = 1_700_000_000,
  ) {
    this.time = start;
  }

  c(flags: string, seg: ScriptSegment = {}): this {
    return this.segment('c', flags, seg);
  }

  s(flags: string, seg: ScriptSegment = {}): this {
    return this.segment('s', flags, seg);
  }

  handshake(): this {
    return this.c('S').s('SA').c('A');
  }

  private segment(side: 'c' | 's', flags: string, seg: ScriptSegment): this {
    const peer = side === 'c' ? 's' : 'c';
    const len = seg.len ?? 0;
    const seq = seg.seq !== undefined ? this.isn[side] + seg.seq : this.next[side];
    const used = len + (flags.includes('S') ? 1 : 0) + (flags.includes('F') ? 1 : 0);
    if (!flags.includes('R') && ((seq + used - this.next[side]) | 0) > 0) this.next[side] = seq + used;
    const ack = seg.ack !== undefined ? this.isn[peer] + seg.ack : this.next[peer];
    this.time += seg.dt ?? 0.01;
    if (seg.missing) return this;
    const [src, dst, srcPort, dstPort] = side === 'c'
      ? [this.client, this.server, this.clientPort, this.serverPort]
      : [this.server, this.client, this.serverPort, this.clientPort];
    this.packets.push({
      time: this.time,
      data: tcpFrame({ src, dst, srcPort, dstPort, seq: seq >>> 0, ack: flags.includes('A') ? ack >>> 0 : 0, flags, window: seg.win ?? 65535, payload: new Uint8Array(len) }),
    });
    return this;
  }
}
