/**
 * In-order reassembly of one direction's payload: what the receiver holds above a hole (for the
 * state ledger) and, for flows a stream listener wants, the bytes themselves delivered once and in
 * order (retransmitted bytes are trimmed). Memory is bounded: at most MAX_HELD_BYTES of
 * out-of-order data and MAX_RANGES ranges per direction; past that the hole is declared a gap.
 * After a gap, delivery goes on with the bytes past the hole, one segment per `data` call, so a
 * listener can find its framing again (DNS over TCP resynchronises at a segment boundary).
 */
import { removeFront } from './number-list.js';
import { NO_SEQ, seqDiff } from './seq.js';

export const MAX_HELD_BYTES = 1 << 20;
const MAX_RANGES = 256;
/** Shared empty list: replaced by a flow's own list when it first holds something. */
const EMPTY: number[] = [];

/** Where in-order bytes go; `gap` is called for each hole that will never be filled, with its size when known. */
export interface DeliverySink {
  /** Whether the bytes are still wanted: a declined stream's payload is not even viewed. */
  wanted(): boolean;
  data(bytes: Uint8Array, packet: number, time: number): void;
  gap(packet: number, lostBytes: number): void;
}

/** The packet a segment or acknowledgment came in (a DecodedPacket): read only when something is delivered or held. */
export interface PacketStamp {
  readonly number: number;
  readonly time: number;
}

/** A segment's payload: its length as captured, and a view of it made on demand. */
export interface SegmentPayload {
  readonly payload: Uint8Array;
  readonly captured: number;
}

interface HeldSegment {
  seq: number;
  /** The captured bytes; fewer than `length` when a snaplen cut the segment. */
  bytes: Uint8Array;
  length: number;
  /** The packet that carried it, named when it is delivered past a gap (nothing completes it later). */
  packet: number;
  time: number;
}

export class DirectionReassembly {
  /** Next sequence number expected in order; NO_SEQ until the first SYN or payload. */
  next = NO_SEQ;
  /** Out-of-order ranges above `next`: [start, end) absolute sequence numbers, flattened, ascending. */
  private ranges: number[] = EMPTY;
  /** Bytes in `ranges`. */
  held = 0;
  /** Copies of out-of-order payload, only when a sink wants the bytes (created when first needed). */
  private segments: HeldSegment[] | null = null;
  /** Holes declared so far. */
  gaps = 0;

  constructor(private readonly sink: DeliverySink | null) {}

  /** The SYN fixes where payload starts. */
  start(seq: number): void {
    if (this.next === NO_SEQ) this.next = seq;
  }

  /**
   * A segment of `length` payload bytes (from the IP header) at `seq`; `segment.payload` holds the
   * captured ones, read only when a sink wants the bytes (the view is made on demand). `at` is the
   * packet that carried it: passed whole, so that its time is not boxed for every call. Returns
   * whether the bytes held out of order changed.
   */
  accept(seq: number, length: number, segment: SegmentPayload, at: PacketStamp): boolean {
    if (length <= 0) return false;
    if (this.next === NO_SEQ) this.next = seq;
    const end = (seq + length) >>> 0;
    if (seqDiff(this.next, end) <= 0) return false; // all of it seen before
    const heldBefore = this.held;
    if (seqDiff(this.next, seq) <= 0) {
      const skip = seqDiff(seq, this.next);
      if (this.sink) this.deliver(segment, skip, length, at.number, at.time);
      this.next = end;
      // In order with nothing held above it (the common segment): nothing to absorb.
      if (this.ranges.length > 0 || (this.segments !== null && this.segments.length > 0)) this.absorb(at.number, at.time, false);
    } else {
      this.hold(seq, end, segment, length, at.number, at.time);
    }
    return this.held !== heldBefore;
  }

  /**
   * The peer acknowledged up to `ack` (a FIN's own sequence number excluded by the caller): bytes
   * below it that were never captured make a hole that will not be filled. Returns whether the held
   * bytes changed.
   */
  acknowledged(ack: number, at: PacketStamp): boolean {
    if (this.next === NO_SEQ || seqDiff(this.next, ack) <= 0) return false;
    if (seqDiff(this.next, ack) > MAX_HELD_BYTES * 64) return false; // not a plausible ACK for this stream
    const packet = at.number;
    const time = at.time;
    const heldBefore = this.held;
    // Each hole below the ACK is a gap; the held segments between the holes are delivered on
    // their own (ranges[0] is always above `next`: absorb() took the ones at or below it).
    let next = this.next;
    while (seqDiff(next, ack) > 0) {
      const held = this.ranges.length > 0 && seqDiff(this.ranges[0], ack) > 0 ? this.ranges[0] : ack;
      this.declareGap(packet, seqDiff(next, held));
      this.next = held;
      this.absorb(packet, time, true);
      next = this.next;
    }
    return this.held !== heldBefore;
  }

  /** End of the capture: data still waiting above a hole will never be delivered. */
  finish(packet: number): void {
    if (this.held > 0) this.declareGap(packet, 0);
  }

  private deliver(segment: SegmentPayload, skip: number, length: number, packet: number, time: number): void {
    const sink = this.sink;
    if (!sink) return;
    const captured = segment.captured;
    if (skip < captured && sink.wanted()) {
      // Most segments are delivered whole: their view as it is, not a second one.
      const payload = segment.payload;
      sink.data(skip === 0 ? payload : payload.subarray(skip), packet, time);
    }
    // A snaplen-cut segment: the missing tail was on the wire but is not in the capture.
    if (captured < length) this.declareGap(packet, length - Math.max(skip, captured));
  }

  private hold(seq: number, end: number, segment: SegmentPayload, length: number, packet: number, time: number): void {
    if (this.ranges === EMPTY) this.ranges = [];
    insertSeqRange(this.ranges, this.next, seq, end);
    this.held = sumRanges(this.ranges);
    if (this.sink) (this.segments ??= []).push({ seq, bytes: segment.payload.slice(), length, packet, time });
    if (this.held > MAX_HELD_BYTES || this.ranges.length > MAX_RANGES * 2) {
      // Too much waiting on one hole: give up on it and continue from the highest byte seen.
      this.declareGap(packet, 0);
      this.segments = null;
      this.next = this.ranges[this.ranges.length - 1];
      this.ranges = EMPTY;
      this.held = 0;
    }
  }

  /**
   * Moves `next` over held ranges that now start at or below it, delivering their bytes: as of
   * `packet` when it filled the hole, or each as of its own packet when `pastGap` (the hole was
   * given up, so the held segments stand alone).
   */
  private absorb(packet: number, time: number, pastGap: boolean): void {
    const next0 = this.next;
    let next = next0;
    let drop = 0;
    while (drop < this.ranges.length && seqDiff(next, this.ranges[drop]) <= 0) {
      if (seqDiff(next, this.ranges[drop + 1]) > 0) next = this.ranges[drop + 1];
      drop += 2;
    }
    if (drop > 0) {
      if (drop === this.ranges.length) this.ranges = EMPTY;
      else removeFront(this.ranges, drop);
      this.held = sumRanges(this.ranges);
    }
    if (this.segments && this.segments.length > 0) this.deliverHeld(next0, next, packet, time, pastGap);
    this.next = next;
  }

  /** Delivers the copies that cover [from, to) in order, each byte once. */
  private deliverHeld(from: number, to: number, packet: number, time: number, ownPacket: boolean): void {
    const segs = this.segments as HeldSegment[];
    segs.sort((a, b) => seqDiff(b.seq, a.seq));
    let at = from;
    const keep: HeldSegment[] = [];
    for (const s of segs) {
      const end = (s.seq + s.length) >>> 0;
      if (seqDiff(at, end) <= 0) continue; // already delivered
      if (seqDiff(to, s.seq) >= 0 || seqDiff(at, s.seq) > 0) {
        keep.push(s);
        continue;
      }
      const skip = seqDiff(s.seq, at);
      const p = ownPacket ? s.packet : packet;
      if (this.sink && skip < s.bytes.length) this.sink.data(s.bytes.subarray(skip), p, ownPacket ? s.time : time);
      // A snaplen-cut segment: its tail was on the wire but is not in the capture.
      if (s.bytes.length < s.length) this.declareGap(p, s.length - Math.max(skip, s.bytes.length));
      at = end;
    }
    this.segments = keep;
  }

  private declareGap(packet: number, lostBytes: number): void {
    this.gaps += 1;
    this.sink?.gap(packet, lostBytes);
  }
}

/** Inserts [lo, hi) into ascending disjoint ranges ordered relative to `origin`, merging overlaps. */
function insertSeqRange(ranges: number[], origin: number, lo: number, hi: number): void {
  const rel = (x: number): number => seqDiff(origin, x);
  let i = 0;
  while (i < ranges.length && rel(ranges[i + 1]) < rel(lo)) i += 2;
  let j = i;
  let newLo = lo;
  let newHi = hi;
  while (j < ranges.length && rel(ranges[j]) <= rel(hi)) {
    if (rel(ranges[j]) < rel(newLo)) newLo = ranges[j];
    if (rel(ranges[j + 1]) > rel(newHi)) newHi = ranges[j + 1];
    j += 2;
  }
  ranges.splice(i, j - i, newLo, newHi);
}

function sumRanges(ranges: number[]): number {
  let n = 0;
  for (let i = 0; i < ranges.length; i += 2) n += seqDiff(ranges[i], ranges[i + 1]);
  return n;
}
