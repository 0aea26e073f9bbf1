/**
 * One direction of a TCP connection as its sender drives it (STYLE practice 9: a connection is two
 * of these). Sequence numbers are absolute 32-bit values; reports make them relative.
 */
import type { TcpDirectionReport, TcpStateName, TcpTransition } from '../../model/tcp.js';
import type { EntryHandle, StateKind } from '../../state/events.js';
import { seqDiff, seqRelative } from './seq.js';

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

  /** Initial sequence number, from this side's SYN. */
  isn: number | null = null;
  /** First sequence number seen from this side (the ISN - 1 stands in when the SYN was missed). */
  firstSeq: number | null = null;
  /** Highest sequence number sent + 1, SYN and FIN included. */
  nextSeq: number | null = null;
  /** Highest acknowledgment number this side sent. */
  lastAck: number | null = null;
  /** Sequence number of this side's FIN. */
  finSeq: number | null = null;
  /** End of the highest payload byte sent + 1, and where payload started. */
  dataEnd: number | null = null;
  dataStart: number | null = null;
  /** Highest acknowledgment the peer sent for this side's data. */
  ackedByPeer: number | null = null;

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
    if (this.isn !== null) return this.isn;
    return this.firstSeq === null ? null : (this.firstSeq - 1) >>> 0;
  }

  /** Records a segment this side sent. */
  sent(seq: number, payloadLength: number, syn: boolean, fin: boolean, ack: number | null): void {
    this.packets++;
    this.payloadBytes += payloadLength;
    if (this.firstSeq === null) this.firstSeq = seq;
    if (syn && this.isn === null) this.isn = seq;
    const end = (seq + payloadLength + (syn ? 1 : 0) + (fin ? 1 : 0)) >>> 0;
    if (this.nextSeq === null || seqDiff(this.nextSeq, end) > 0) this.nextSeq = end;
    if (fin && this.finSeq === null) this.finSeq = (seq + payloadLength + (syn ? 1 : 0)) >>> 0;
    if (ack !== null && (this.lastAck === null || seqDiff(this.lastAck, ack) > 0)) this.lastAck = ack;
    if (payloadLength > 0) {
      const start = syn ? (seq + 1) >>> 0 : seq;
      const dataEnd = (start + payloadLength) >>> 0;
      if (this.dataStart === null || seqDiff(this.dataStart, start) < 0) this.dataStart = start;
      if (this.dataEnd === null || seqDiff(this.dataEnd, dataEnd) > 0) this.dataEnd = dataEnd;
      const inFlight = this.bytesInFlight();
      if (inFlight > this.maxBytesInFlight) this.maxBytesInFlight = inFlight;
    }
  }

  /** The peer acknowledged up to `ack` (absolute). */
  acknowledged(ack: number): void {
    if (this.ackedByPeer === null || seqDiff(this.ackedByPeer, ack) > 0) this.ackedByPeer = ack;
  }

  /** Payload bytes sent and not yet acknowledged (what the sender must keep for retransmission). */
  bytesInFlight(): number {
    if (this.dataEnd === null || this.dataStart === null) return 0;
    let from = this.dataStart;
    if (this.ackedByPeer !== null && seqDiff(from, this.ackedByPeer) > 0) from = this.ackedByPeer;
    const n = seqDiff(from, this.dataEnd);
    return n > 0 ? n : 0;
  }

  /** The JSON view; `peer` supplies the base for the relative acknowledgment number. */
  report(peer: TcpHalf, windowScaleInUse: boolean): TcpDirectionReport {
    const base = this.base();
    const peerBase = peer.base();
    return {
      isn: this.isn,
      mss: this.mss,
      windowScale: windowScaleInUse ? this.windowScaleOffered : null,
      sackPermitted: this.sackPermitted,
      timestamps: this.timestamps,
      nextSeq: base === null || this.nextSeq === null ? null : seqRelative(this.nextSeq, base),
      lastAck: peerBase === null || this.lastAck === null ? null : seqRelative(this.lastAck, peerBase),
      packets: this.packets,
      payloadBytes: this.payloadBytes,
    };
  }
}
