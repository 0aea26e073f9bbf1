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

/** Bits of TcpHalf.known: which sequence fields hold a value. */
const ISN = 1;
const FIRST_SEQ = 2;
const NEXT_SEQ = 4;
const LAST_ACK = 8;
const FIN_SEQ = 16;
const DATA_END = 32;
const DATA_START = 64;
const ACKED_BY_PEER = 128;
/** And the half's yes/no facts (a boolean field takes 8 bytes). */
const FIN_PENDING = 256;
const SACK_PERMITTED = 512;
const TIMESTAMPS = 1024;

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
  get finPending(): boolean { return (this.known & FIN_PENDING) !== 0; }
  set finPending(v: boolean) { this.known = v ? this.known | FIN_PENDING : this.known & ~FIN_PENDING; }
  /** First arrival of the peer's SYN while this endpoint held no connection, and copies after it. */
  synArrival: { packet: number; time: number } | null = null;
  synCopies = 0;
  /** The kind of the peer's SYN this endpoint took last: its copies change nothing. */
  peerSynKind: 'syn' | 'synack' | null = null;
  /** The transition the peer's SYN or SYN-ACK caused here: its later copies make it uncertain. */
  synReceipt: TcpTransition | null = null;

  // Sequence numbers below are unsigned 32-bit values, NO_SEQ until known. They are stored as
  // int32 (x | 0, read back with >>> 0) with a bit in `known` per field (which holds the booleans too): a field that held a value
  // above 2^31 would be a double, and V8 boxes every double field of every instance in a heap number
  // of its own (16 bytes each, 8 per half, allocated with the half even while unset); a small
  // integer is stored in place.
  private known = 0;
  private isn32 = 0;
  private firstSeq32 = 0;
  private nextSeq32 = 0;
  private lastAck32 = 0;
  private finSeq32 = 0;
  private dataEnd32 = 0;
  private dataStart32 = 0;
  private ackedByPeer32 = 0;

  /** Initial sequence number, from this side's SYN. */
  get isn(): number { return this.known & ISN ? this.isn32 >>> 0 : NO_SEQ; }
  set isn(v: number) { this.isn32 = this.mark(ISN, v); }
  /** First sequence number seen from this side (the ISN - 1 stands in when the SYN was missed). */
  get firstSeq(): number { return this.known & FIRST_SEQ ? this.firstSeq32 >>> 0 : NO_SEQ; }
  set firstSeq(v: number) { this.firstSeq32 = this.mark(FIRST_SEQ, v); }
  /** Highest sequence number sent + 1, SYN and FIN included. */
  get nextSeq(): number { return this.known & NEXT_SEQ ? this.nextSeq32 >>> 0 : NO_SEQ; }
  set nextSeq(v: number) { this.nextSeq32 = this.mark(NEXT_SEQ, v); }
  /** Highest acknowledgment number this side sent. */
  get lastAck(): number { return this.known & LAST_ACK ? this.lastAck32 >>> 0 : NO_SEQ; }
  set lastAck(v: number) { this.lastAck32 = this.mark(LAST_ACK, v); }
  /** Sequence number of this side's FIN. */
  get finSeq(): number { return this.known & FIN_SEQ ? this.finSeq32 >>> 0 : NO_SEQ; }
  set finSeq(v: number) { this.finSeq32 = this.mark(FIN_SEQ, v); }
  /** End of the highest payload byte sent + 1, and where payload started (both set by the first payload). */
  get dataEnd(): number { return this.known & DATA_END ? this.dataEnd32 >>> 0 : NO_SEQ; }
  set dataEnd(v: number) { this.dataEnd32 = this.mark(DATA_END, v); }
  get dataStart(): number { return this.known & DATA_START ? this.dataStart32 >>> 0 : NO_SEQ; }
  set dataStart(v: number) { this.dataStart32 = this.mark(DATA_START, v); }
  /** Highest acknowledgment the peer sent for this side's data. */
  get ackedByPeer(): number { return this.known & ACKED_BY_PEER ? this.ackedByPeer32 >>> 0 : NO_SEQ; }
  set ackedByPeer(v: number) { this.ackedByPeer32 = this.mark(ACKED_BY_PEER, v); }

  /** Records that the sequence field of `bit` holds `v` (or nothing, for NO_SEQ); returns what to store. */
  private mark(bit: number, v: number): number {
    this.known = v === NO_SEQ ? this.known & ~bit : this.known | bit;
    return v | 0;
  }

  /** Raw window of the last segment, and the SYN options. */
  window = 0;
  windowScaleOffered: number | null = null;
  mss: number | null = null;
  get sackPermitted(): boolean { return (this.known & SACK_PERMITTED) !== 0; }
  set sackPermitted(v: boolean) { this.known = v ? this.known | SACK_PERMITTED : this.known & ~SACK_PERMITTED; }
  get timestamps(): boolean { return (this.known & TIMESTAMPS) !== 0; }
  set timestamps(v: boolean) { this.known = v ? this.known | TIMESTAMPS : this.known & ~TIMESTAMPS; }

  packets = 0;
  payloadBytes = 0;
  maxBytesInFlight = 0;

  /** Base for relative numbers: the ISN, else the first sequence number - 1 (as Wireshark). */
  base(): number | null {
    if (this.isn !== NO_SEQ) return this.isn;
    return this.firstSeq === NO_SEQ ? null : (this.firstSeq - 1) >>> 0;
  }

  // The per-segment methods below work on the int32 fields directly: serial arithmetic
  // (seqDiff: (b - a) | 0) gives the same result for x and x | 0, and their arguments may be
  // either (the tracker passes x | 0: an unsigned value above 2^31 passed to a call is boxed).

  /** Records a segment this side sent (its acknowledgment number goes to sentAck). */
  sent(seq: number, payloadLength: number, syn: boolean, fin: boolean): void {
    this.packets++;
    this.payloadBytes += payloadLength;
    const seq32 = seq | 0;
    let known = this.known;
    if ((known & FIRST_SEQ) === 0) {
      this.firstSeq32 = seq32;
      known |= FIRST_SEQ;
    }
    if (syn && (known & ISN) === 0) {
      this.isn32 = seq32;
      known |= ISN;
    }
    const end32 = (seq32 + payloadLength + (syn ? 1 : 0) + (fin ? 1 : 0)) | 0;
    if ((known & NEXT_SEQ) === 0 || seqDiff(this.nextSeq32, end32) > 0) {
      this.nextSeq32 = end32;
      known |= NEXT_SEQ;
    }
    if (fin && (known & FIN_SEQ) === 0) {
      this.finSeq32 = (seq32 + payloadLength + (syn ? 1 : 0)) | 0;
      known |= FIN_SEQ;
    }
    if (payloadLength > 0) {
      const start32 = syn ? (seq32 + 1) | 0 : seq32;
      const dataEnd32 = (start32 + payloadLength) | 0;
      if ((known & DATA_START) === 0 || seqDiff(this.dataStart32, start32) < 0) {
        this.dataStart32 = start32;
        known |= DATA_START;
      }
      if ((known & DATA_END) === 0 || seqDiff(this.dataEnd32, dataEnd32) > 0) {
        this.dataEnd32 = dataEnd32;
        known |= DATA_END;
      }
      this.known = known;
      const inFlight = this.bytesInFlight();
      if (inFlight > this.maxBytesInFlight) this.maxBytesInFlight = inFlight;
    } else {
      this.known = known;
    }
  }

  /** This side sent a segment acknowledging up to `ack`: the highest one is its lastAck. */
  sentAck(ack: number): void {
    if ((this.known & LAST_ACK) === 0 || seqDiff(this.lastAck32, ack) > 0) {
      this.lastAck32 = ack | 0;
      this.known |= LAST_ACK;
    }
  }

  /** The peer acknowledged up to `ack`. */
  acknowledged(ack: number): void {
    if ((this.known & ACKED_BY_PEER) === 0 || seqDiff(this.ackedByPeer32, ack) > 0) {
      this.ackedByPeer32 = ack | 0;
      this.known |= ACKED_BY_PEER;
    }
  }

  /** Payload bytes sent and not yet acknowledged (what the sender must keep for retransmission). */
  bytesInFlight(): number {
    const known = this.known;
    // dataStart and dataEnd are set together, by the first payload.
    if ((known & DATA_END) === 0) return 0;
    let from = this.dataStart32;
    if ((known & ACKED_BY_PEER) !== 0 && seqDiff(from, this.ackedByPeer32) > 0) from = this.ackedByPeer32;
    const n = seqDiff(from, this.dataEnd32);
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
