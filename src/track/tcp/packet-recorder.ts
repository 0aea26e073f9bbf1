/**
 * A bounded per-flow log of packets for ladder diagrams (`--format html`, `statecap explain`):
 * the first N and the last N packets of each recorded flow, and how many were folded between.
 *
 * Off by default: the tracker calls it only when a recorder is given, so a plain analysis pays
 * nothing. Memory: O(recorded flows × (first + last)), never O(packets); the tail is a ring.
 * Sequence numbers are kept absolute while the flow is live and made relative at the end, against
 * each side's base (its ISN, as Wireshark's relative numbers), which is only certain by then.
 */
import { TCP_FLAG } from '../../decode/packet.js';
import type { TcpPacketLog, TcpPacketRecord } from '../../report/schema.js';
import { ANALYSIS } from './analysis.js';
import { seqRelative } from './seq.js';

export interface PacketRecorderOptions {
  /** Packets kept from the start of each flow. */
  first: number;
  /** Packets kept from the end of each flow. */
  last: number;
  /** Record only the flows whose id is below this (the first flows of the capture); default all. */
  flows?: number;
  /** Record only this flow id (`statecap explain --flow`). */
  only?: number;
}

/** One packet as seen on the wire, absolute numbers (internal until the flow ends). */
interface RawPacket {
  packet: number;
  time: number;
  fromClient: boolean;
  flags: number;
  seq: number;
  ack: number;
  length: number;
  window: number;
  analysis: number;
}

/** The log of one flow while it is live. */
export class FlowPacketLog {
  private readonly head: RawPacket[] = [];
  private readonly ring: RawPacket[] = [];
  /** Next slot of the ring to overwrite once it is full. */
  private ringNext = 0;
  private total = 0;

  constructor(private readonly first: number, private readonly last: number) {}

  add(packet: number, time: number, fromClient: boolean, flags: number, seq: number, ack: number, length: number, window: number): void {
    this.total++;
    const p: RawPacket = { packet, time, fromClient, flags, seq, ack, length, window, analysis: 0 };
    if (this.head.length < this.first) {
      this.head.push(p);
    } else if (this.last > 0) {
      if (this.ring.length < this.last) this.ring.push(p);
      else {
        this.ring[this.ringNext] = p;
        this.ringNext = (this.ringNext + 1) % this.last;
      }
    }
  }

  /**
   * Wireshark's analysis bits of a logged packet. The tracker learns a flow's first packet's bits
   * only when its second packet arrives (the replicas replay it), hence by packet number.
   */
  setAnalysis(packet: number, bits: number): void {
    if (bits === 0) return;
    const hit = this.head.find((p) => p.packet === packet) ?? this.ring.find((p) => p.packet === packet);
    if (hit !== undefined) hit.analysis = bits;
  }

  /** The report's log; `clientBase`/`serverBase` are each side's base for relative numbers. */
  finish(clientBase: number | null, serverBase: number | null): TcpPacketLog {
    const tail = this.ring.length < this.last ? this.ring : [...this.ring.slice(this.ringNext), ...this.ring.slice(0, this.ringNext)];
    const record = (p: RawPacket): TcpPacketRecord => {
      const own = p.fromClient ? clientBase : serverBase;
      const peer = p.fromClient ? serverBase : clientBase;
      const hasAck = (p.flags & TCP_FLAG.ACK) !== 0;
      return {
        packet: p.packet,
        time: p.time,
        from: p.fromClient ? 'client' : 'server',
        flags: flagNames(p.flags),
        seq: own === null ? p.seq : seqRelative(p.seq, own),
        ack: !hasAck ? null : peer === null ? p.ack : seqRelative(p.ack, peer),
        length: p.length,
        window: p.window,
        analysis: analysisNames(p.analysis),
      };
    };
    return { first: this.head.map(record), last: tail.map(record), folded: this.total - this.head.length - tail.length };
  }
}

/** Decides which flows get a log and hands out their logs. */
export class PacketRecorder {
  constructor(private readonly options: PacketRecorderOptions) {}

  /** A new log for flow `id`, or null when that flow is not recorded. */
  logFor(id: number): FlowPacketLog | null {
    const o = this.options;
    if (o.only !== undefined && id !== o.only) return null;
    if (o.flows !== undefined && id >= o.flows) return null;
    return new FlowPacketLog(Math.max(0, o.first), Math.max(0, o.last));
  }
}

/** Flag names in Wireshark's Info-column order: "SYN, ACK" is written "SYN,ACK". */
const FLAG_ORDER: [number, string][] = [
  [TCP_FLAG.FIN, 'FIN'], [TCP_FLAG.SYN, 'SYN'], [TCP_FLAG.RST, 'RST'], [TCP_FLAG.PSH, 'PSH'],
  [TCP_FLAG.ACK, 'ACK'], [TCP_FLAG.URG, 'URG'], [TCP_FLAG.ECE, 'ECE'], [TCP_FLAG.CWR, 'CWR'],
];

export function flagNames(flags: number): string {
  const names = FLAG_ORDER.filter(([bit]) => (flags & bit) !== 0).map(([, name]) => name);
  return names.length === 0 ? '<none>' : names.join(',');
}

/** Wireshark's tcp.analysis expert messages, by bit (packet-tcp.c wording, lower case). */
const ANALYSIS_NAMES: [number, string][] = [
  [ANALYSIS.RETRANSMISSION, 'retransmission'],
  [ANALYSIS.FAST_RETRANSMISSION, 'fast retransmission'],
  [ANALYSIS.SPURIOUS_RETRANSMISSION, 'spurious retransmission'],
  [ANALYSIS.OUT_OF_ORDER, 'out-of-order'],
  [ANALYSIS.LOST_SEGMENT, 'previous segment not captured'],
  [ANALYSIS.ACK_LOST_SEGMENT, 'ACKed unseen segment'],
  [ANALYSIS.DUPLICATE_ACK, 'dup ACK'],
  [ANALYSIS.ZERO_WINDOW, 'zero window'],
  [ANALYSIS.ZERO_WINDOW_PROBE, 'zero window probe'],
  [ANALYSIS.ZERO_WINDOW_PROBE_ACK, 'zero window probe ACK'],
  [ANALYSIS.KEEP_ALIVE, 'keep-alive'],
  [ANALYSIS.KEEP_ALIVE_ACK, 'keep-alive ACK'],
  [ANALYSIS.WINDOW_UPDATE, 'window update'],
  [ANALYSIS.WINDOW_FULL, 'window full'],
  [ANALYSIS.REUSED_PORTS, 'port numbers reused'],
];

export function analysisNames(bits: number): string[] {
  if (bits === 0) return [];
  return ANALYSIS_NAMES.filter(([bit]) => (bits & bit) !== 0).map(([, name]) => name);
}
