/**
 * One direction of a TCP connection as its sender drives it (STYLE practice 9: a connection is two
 * of these). Sequence numbers are absolute 32-bit values; reports make them relative.
 */
import type { TcpDirectionReport, TcpStateName, TcpTransition } from '../../model/tcp.js';
import type { EntryHandle, StateKind } from '../../state/events.js';
import { NO_SEQ, seqDiff, seqRelative } from './seq.js';

/**
 * The transition a peer's FIN caused at this endpoint (RFC 9293 §3.10.7.4, eighth check);
 * `confirmed` once this endpoint's acknowledgment covers the FIN.
 */
export interface FinReceipt {
  transition: TcpTransition;
  confirmed: boolean;
}

export class TcpHalf {
  /** RFC 9293 state of the endpoint that sends this direction. */
  state: TcpStateName = 'CLOSED';
  /** Ledger entry kind this endpoint holds for the connection (null: none). */
  heldKind: StateKind | null = null;
  /** The ledger's handle to that entry, when the sink gives one (bytes in flight go through it). */
  ledgerEntry: EntryHandle | null = null;
  /** Bytes last reported to the ledger as buffered by this endpoint. */
  bufferedReported = 0;
  /** This endpoint's latest transition (a provisional one is undone only while it is the latest). */
  lastTransition: TcpTransition | null = null;
  /** Where this endpoint took the peer's FIN, once it did (see TcpTracker.receiveFin). */
  finReceipt: FinReceipt | null = null;
  /** Its own segment showed it had not taken the peer's FIN yet: the next copy, or its ACK, will. */
  finPending = false;
  /** First arrival of the peer's SYN while this endpoint held no connection, and copies after it. */
  synArrival: { packet: number; time: number } | null = null;
  synCopies = 0;
  /** The kind of the peer's SYN this endpoint took last: its copies change nothing. */
  peerSynKind: 'syn' | 'synack' | null = null;
  /** The transition the peer's SYN or SYN-ACK caused here: its later copies make it uncertain. */
  synReceipt: TcpTransition | null = null;

  // Sequence numbers below are unsigned 32-bit values, NO_SEQ until known. Plain numbers, not
  // `number | null`: V8 keeps a field that only ever holds numbers as an unboxed double written in
  // place, where a nullable field boxes every store of a value above 2^30 (a heap number per packet).
  /** Initial sequence number, from this side's SYN. */
  isn = NO_SEQ;
  /** First sequence number seen from this side (the ISN - 1 stands in when the SYN was missed). */
  firstSeq = NO_SEQ;
  /** Highest sequence number sent + 1, SYN and FIN included. */
  nextSeq = NO_SEQ;
  /** Highest acknowledgment number this side sent. */
  lastAck = NO_SEQ;
  /** Sequence number of this side's FIN. */
  finSeq = NO_SEQ;
  /** End of the highest payload byte sent + 1, and where payload started (both set by the first payload). */
  dataEnd = NO_SEQ;
  dataStart = NO_SEQ;
  /** Highest acknowledgment the peer sent for this side's data. */
  ackedByPeer = NO_SEQ;

  /** Raw window of the last segment, and the SYN options. */
  window = 0;
  windowScaleOffered: number | null = null;
  mss: number | null = null;
  sackPermitted = false;
  timestamps = false;

  packets = 0;
  payloadBytes = 0;
  maxBytesInFlight = 0;

  /** Base for relative numbers: the ISN, else the first sequence number - 1 (as Wireshark). */
  base(): number | null {
    if (this.isn !== NO_SEQ) return this.isn;
    return this.firstSeq === NO_SEQ ? null : (this.firstSeq - 1) >>> 0;
  }

  /** Records a segment this side sent; `ack` is NO_SEQ when the segment carries none. */
  sent(seq: number, payloadLength: number, syn: boolean, fin: boolean, ack: number): void {
    this.packets++;
    this.payloadBytes += payloadLength;
    if (this.firstSeq === NO_SEQ) this.firstSeq = seq;
    if (syn && this.isn === NO_SEQ) this.isn = seq;
    const end = (seq + payloadLength + (syn ? 1 : 0) + (fin ? 1 : 0)) >>> 0;
    if (this.nextSeq === NO_SEQ || seqDiff(this.nextSeq, end) > 0) this.nextSeq = end;
    if (fin && this.finSeq === NO_SEQ) this.finSeq = (seq + payloadLength + (syn ? 1 : 0)) >>> 0;
    if (ack !== NO_SEQ && (this.lastAck === NO_SEQ || seqDiff(this.lastAck, ack) > 0)) this.lastAck = ack;
    if (payloadLength > 0) {
      const start = syn ? (seq + 1) >>> 0 : seq;
      const dataEnd = (start + payloadLength) >>> 0;
      if (this.dataStart === NO_SEQ || seqDiff(this.dataStart, start) < 0) this.dataStart = start;
      if (this.dataEnd === NO_SEQ || seqDiff(this.dataEnd, dataEnd) > 0) this.dataEnd = dataEnd;
      const inFlight = this.bytesInFlight();
      if (inFlight > this.maxBytesInFlight) this.maxBytesInFlight = inFlight;
    }
  }

  /** The peer acknowledged up to `ack` (absolute). */
  acknowledged(ack: number): void {
    if (this.ackedByPeer === NO_SEQ || seqDiff(this.ackedByPeer, ack) > 0) this.ackedByPeer = ack;
  }

  /** Payload bytes sent and not yet acknowledged (what the sender must keep for retransmission). */
  bytesInFlight(): number {
    // dataStart and dataEnd are set together, by the first payload.
    if (this.dataEnd === NO_SEQ) return 0;
    let from = this.dataStart;
    if (this.ackedByPeer !== NO_SEQ && seqDiff(from, this.ackedByPeer) > 0) from = this.ackedByPeer;
    const n = seqDiff(from, this.dataEnd);
    return n > 0 ? n : 0;
  }

  /**
   * The JSON view; `peer` supplies the base for the relative acknowledgment number.
   * The row starts with numbers and gets its values after: written as one literal, the first rows'
   * nulls made V8 type `isn`, `nextSeq`, `lastAck` as object-only fields, and every later number
   * deoptimised report and TcpTracker.complete (~60 times a run of 30 k flows, ~2 us per row).
   */
  report(peer: TcpHalf, windowScaleInUse: boolean): TcpDirectionReport {
    const base = this.base();
    const peerBase = peer.base();
    const r: TcpDirectionReport = {
      isn: 0, mss: 0, windowScale: 0, sackPermitted: false, timestamps: false, nextSeq: 0, lastAck: 0, packets: 0, payloadBytes: 0,
    };
    r.isn = this.isn === NO_SEQ ? null : this.isn;
    r.mss = this.mss;
    r.windowScale = windowScaleInUse ? this.windowScaleOffered : null;
    r.sackPermitted = this.sackPermitted;
    r.timestamps = this.timestamps;
    r.nextSeq = base === null || this.nextSeq === NO_SEQ ? null : seqRelative(this.nextSeq, base);
    r.lastAck = peerBase === null || this.lastAck === NO_SEQ ? null : seqRelative(this.lastAck, peerBase);
    r.packets = this.packets;
    r.payloadBytes = this.payloadBytes;
    return r;
  }
}
