/**
 * Wireshark's TCP sequence analysis (the `tcp.analysis.*` flags), replicated so that statecap's
 * per-flow counts equal the frames tshark flags. The order of the checks and their conditions follow
 * epan/dissectors/packet-tcp.c tcp_analyze_sequence_number() (Wireshark 4.0): zero window probe,
 * zero window, lost segment, keep-alive, window update, window full, keep-alive ACK, zero window
 * probe ACK, duplicate ACK, ACKed unseen segment, then spurious / fast retransmission,
 * out-of-order and retransmission. Wireshark's quirks are kept on purpose (a next sequence number of
 * 0 means "unknown"; unsigned time differences; the 10000 unacknowledged segments limit).
 */
import { TCP_FLAG } from '../../decode/packet.js';
import { removeFront } from './number-list.js';
import { seqDiff } from './seq.js';

/** Analysis flags of one segment (packet-tcp.c TCP_A_*). */
export const ANALYSIS = {
  RETRANSMISSION: 0x0001,
  LOST_SEGMENT: 0x0002,
  ACK_LOST_SEGMENT: 0x0004,
  KEEP_ALIVE: 0x0008,
  DUPLICATE_ACK: 0x0010,
  ZERO_WINDOW: 0x0020,
  ZERO_WINDOW_PROBE: 0x0040,
  ZERO_WINDOW_PROBE_ACK: 0x0080,
  KEEP_ALIVE_ACK: 0x0100,
  OUT_OF_ORDER: 0x0200,
  FAST_RETRANSMISSION: 0x0400,
  WINDOW_UPDATE: 0x0800,
  WINDOW_FULL: 0x1000,
  REUSED_PORTS: 0x2000,
  SPURIOUS_RETRANSMISSION: 0x4000,
} as const;

/** Any of the three retransmission kinds (what tshark's `tcp.analysis.retransmission` filter family counts). */
export const ANY_RETRANSMISSION =
  ANALYSIS.RETRANSMISSION | ANALYSIS.FAST_RETRANSMISSION | ANALYSIS.SPURIOUS_RETRANSMISSION;

/** packet-tcp.c TCP_MAX_UNACKED_SEGMENTS: segments remembered per direction while unacknowledged. */
const MAX_UNACKED_SEGMENTS = 10_000;
/** A retransmission within this long of the duplicate ACKs is a fast retransmission (packet-tcp.c: 20 ms). */
const FAST_RETRANSMISSION_WINDOW = 0.020;
/** Out-of-order threshold when the handshake RTT is unknown (packet-tcp.c: 3 ms). */
const DEFAULT_OUT_OF_ORDER_THRESHOLD = 0.003;

const SYN_FIN_RST = TCP_FLAG.SYN | TCP_FLAG.FIN | TCP_FLAG.RST;

/** Wireshark's per-direction analysis state (tcp_flow_t with its tcp_analyze_seq_flow_info_t). */
export class SeqAnalysisFlow {
  /** TCP_S_BASE_SEQ_SET and the base (ISN, or first seq - 1) used for relative numbers. */
  baseSet = false;
  baseSeq = 0;
  /** Highest sequence number sent + 1; 0 means "none yet" as in Wireshark. */
  nextSeq = 0;
  nextSeqTime = 0;
  /** Last ACK number this direction sent, and when. */
  lastAck = 0;
  lastAckTime = 0;
  /** Highest contiguous sequence number to be acknowledged (for "ACKed unseen segment"). */
  maxSeqToBeAcked = 0;
  /** Duplicate ACKs in a row; -1 neutralizes after an "ACKed unseen segment". */
  dupAckCount = 0;
  /** Last raw window this direction advertised; 0xFFFFFFFF until one is seen. */
  window = 0xffffffff;
  /** Window scale shift: -1 unknown, -2 not used, else 0..14. */
  winScale = -1;
  /** Set by a SYN and cleared by the first pure ACK (Wireshark issue 14690). */
  isFirstAck = false;
  /** Analysis flags of the last segment this direction sent. */
  lastSegmentFlags = 0;
  /** End sequence numbers of unacknowledged segments, oldest first (only their count matters); null while none. */
  unacked: number[] | null = null;
}

/** Conversation-wide values: handshake RTT and the time of the most recent SYN (0 = not seen). */
export class SeqAnalysisConversation {
  firstRtt = 0;
  lastSynTime = 0;
}

/** Fields of one segment the analysis needs; seq/ack are absolute 32-bit numbers. */
export interface AnalysedSegment {
  seq: number;
  ack: number;
  /** Payload length from the IP header (Wireshark's tcp.len). */
  length: number;
  flags: number;
  /** Raw (unscaled) window field. */
  window: number;
  time: number;
}

/**
 * Sets the base sequence numbers as packet-tcp.c does for the first segment of each direction
 * (called before the port-reuse check so that it sees a direction's base).
 */
function initBases(fwd: SeqAnalysisFlow, rev: SeqAnalysisFlow, s: AnalysedSegment): void {
  if (!fwd.baseSet) {
    fwd.baseSeq = s.flags & TCP_FLAG.SYN ? s.seq : (s.seq - 1) >>> 0;
    fwd.baseSet = true;
  }
  // No ISN for the reverse direction from a SYN's ACK field; the first ACK gives ack - 1.
  if (!rev.baseSet && s.flags & TCP_FLAG.ACK) {
    rev.baseSeq = (s.ack - 1) >>> 0;
    rev.baseSet = true;
  }
}

/** Time since `then` as packet-tcp.c computes it: unsigned, so a negative difference is huge. */
function elapsed(now: number, then: number): number {
  const d = now - then;
  return d < 0 ? Number.POSITIVE_INFINITY : d;
}

/**
 * Analyses one segment sent in direction `fwd` (the reverse direction is `rev`) and returns its
 * ANALYSIS flags. `initial` carries flags already set on this frame (REUSED_PORTS).
 */
export function analyseSegment(
  fwd: SeqAnalysisFlow,
  rev: SeqAnalysisFlow,
  conv: SeqAnalysisConversation,
  s: AnalysedSegment,
  initial = 0,
): number {
  const { seq, ack, length: seglen, flags, window, time } = s;
  initBases(fwd, rev, s);
  let ta = initial;
  const noSynFinRst = (flags & SYN_FIN_RST) === 0;

  fwdChecks: {
    // ZERO WINDOW PROBE: the next expected byte, exactly one, while the peer's window is 0.
    if (seglen === 1 && seq === fwd.nextSeq && rev.window === 0) {
      ta |= ANALYSIS.ZERO_WINDOW_PROBE;
      break fwdChecks;
    }
    // ZERO WINDOW: window 0 without SYN/FIN/RST.
    if (window === 0 && noSynFinRst) ta |= ANALYSIS.ZERO_WINDOW;
    // LOST SEGMENT: beyond the highest byte seen so far (RST segments are not checked).
    if (fwd.nextSeq !== 0 && seqDiff(fwd.nextSeq, seq) > 0 && (flags & TCP_FLAG.RST) === 0) {
      ta |= ANALYSIS.LOST_SEGMENT;
    }
    // KEEP-ALIVE: 0 or 1 byte starting one byte before the next expected one.
    if ((seglen === 0 || seglen === 1) && seq === ((fwd.nextSeq - 1) >>> 0) && noSynFinRst) {
      ta |= ANALYSIS.KEEP_ALIVE;
    }
    // WINDOW UPDATE: empty, same seq/ack as before, new non-zero window.
    if (seglen === 0 && window !== 0 && window !== fwd.window && seq === fwd.nextSeq && ack === fwd.lastAck && noSynFinRst) {
      ta |= ANALYSIS.WINDOW_UPDATE;
    }
    // WINDOW FULL: data reaching exactly the right edge of the peer's advertised window.
    if (seglen > 0 && rev.winScale !== -1 && noSynFinRst) {
      const shift = rev.isFirstAck ? 0 : rev.winScale === -2 ? 0 : rev.winScale;
      const edge = (rev.lastAck + ((rev.window << shift) >>> 0)) >>> 0;
      if (((seq + seglen) >>> 0) === edge) ta |= ANALYSIS.WINDOW_FULL;
    }
    const repeatsAck = seglen === 0 && seq === fwd.nextSeq && ack === fwd.lastAck && noSynFinRst;
    // KEEP-ALIVE ACK: repeats the previous ACK right after the peer's keep-alive.
    if (repeatsAck && window !== 0 && window === fwd.window && rev.lastSegmentFlags & ANALYSIS.KEEP_ALIVE) {
      ta |= ANALYSIS.KEEP_ALIVE_ACK;
      break fwdChecks;
    }
    // ZERO WINDOW PROBE ACK: repeats the zero window right after the peer's probe.
    if (repeatsAck && window === 0 && window === fwd.window && rev.lastSegmentFlags & ANALYSIS.ZERO_WINDOW_PROBE) {
      ta |= ANALYSIS.ZERO_WINDOW_PROBE_ACK;
      break fwdChecks;
    }
    // DUPLICATE ACK: empty, same window/seq/ack as the previous segment.
    if (repeatsAck && window !== 0 && window === fwd.window) {
      fwd.dupAckCount = fwd.dupAckCount === -1 ? 1 : fwd.dupAckCount + 1;
      ta |= ANALYSIS.DUPLICATE_ACK;
    }
  }

  // A new ACK number resets the duplicate ACK count.
  if (ack !== fwd.lastAck) fwd.dupAckCount = 0;

  // ACKED UNSEEN SEGMENT: acknowledges beyond what we saw the other side send.
  if (rev.maxSeqToBeAcked !== 0 && seqDiff(rev.maxSeqToBeAcked, ack) > 0 && flags & TCP_FLAG.ACK) {
    // Plain unsigned comparison, as in packet-tcp.c.
    if (rev.maxSeqToBeAcked > rev.nextSeq) {
      rev.maxSeqToBeAcked = rev.nextSeq;
      ta |= ANALYSIS.ACK_LOST_SEGMENT;
    } else {
      if (rev.dupAckCount === 0) ta |= ANALYSIS.ACK_LOST_SEGMENT;
      rev.dupAckCount = -1;
    }
  }

  // RETRANSMISSION / FAST RETRANSMISSION / OUT-OF-ORDER / SPURIOUS: data (or SYN/FIN) that does
  // not advance the sequence number.
  if (seglen > 0 || flags & (TCP_FLAG.SYN | TCP_FLAG.FIN)) {
    retransmissionType: {
      let seqNotAdvanced = fwd.nextSeq !== 0 && seqDiff(seq, fwd.nextSeq) > 0;
      if (ta & ANALYSIS.KEEP_ALIVE) break retransmissionType;
      // More than one byte starting one before the next expected byte adds new data.
      if (seglen > 1 && ((fwd.nextSeq - 1) >>> 0) === seq) seqNotAdvanced = false;
      // SPURIOUS: all of it was already acknowledged.
      if (seglen > 0 && rev.lastAck !== 0 && seqDiff((seq + seglen) >>> 0, rev.lastAck) >= 0) {
        ta |= ANALYSIS.SPURIOUS_RETRANSMISSION;
        break retransmissionType;
      }
      // FAST: >= 2 duplicate ACKs for exactly this seq, within 20 ms of the last of them.
      // The count is unsigned in packet-tcp.c: the -1 left by an "ACKed unseen segment" counts as many.
      const dupAcks = rev.dupAckCount === -1 ? Number.MAX_SAFE_INTEGER : rev.dupAckCount;
      if (seqNotAdvanced && dupAcks >= 2 && rev.lastAck === seq && elapsed(time, rev.lastAckTime) < FAST_RETRANSMISSION_WINDOW) {
        ta |= ANALYSIS.FAST_RETRANSMISSION;
        break retransmissionType;
      }
      // Data that advances the sequence (most segments) is none of the kinds below: the
      // conversation's RTT is not even read for it.
      if (!seqNotAdvanced) break retransmissionType;
      // OUT-OF-ORDER: close in time to the highest segment and not ending where it ended.
      const threshold = conv.firstRtt !== 0 ? conv.firstRtt : DEFAULT_OUT_OF_ORDER_THRESHOLD;
      const controlByte = flags & (TCP_FLAG.SYN | TCP_FLAG.FIN) ? 1 : 0;
      if (elapsed(time, fwd.nextSeqTime) < threshold && fwd.nextSeq !== ((seq + seglen + controlByte) >>> 0)) {
        ta |= ANALYSIS.OUT_OF_ORDER;
        break retransmissionType;
      }
      ta |= ANALYSIS.RETRANSMISSION;
    }
  }

  // Remember the segment while unacknowledged; SYN/FIN count one byte only when it is remembered.
  let nextSeq = (seq + seglen) >>> 0;
  if ((seglen > 0 || flags & (TCP_FLAG.SYN | TCP_FLAG.FIN)) && (fwd.unacked === null || fwd.unacked.length < MAX_UNACKED_SEGMENTS)) {
    if (flags & (TCP_FLAG.SYN | TCP_FLAG.FIN)) nextSeq = (nextSeq + 1) >>> 0;
    if (fwd.unacked === null) fwd.unacked = [nextSeq];
    else fwd.unacked.push(nextSeq);
  }
  // Highest sequence number seen so far (zero window probes do not advance it).
  const probe = (ta & ANALYSIS.ZERO_WINDOW_PROBE) !== 0;
  if (seqDiff(fwd.nextSeq, nextSeq) > 0 || fwd.nextSeq === 0) {
    if (!probe) {
      fwd.nextSeq = nextSeq;
      fwd.nextSeqTime = time;
    }
  }
  // Highest contiguous sequence number to be acknowledged.
  if (seq === fwd.maxSeqToBeAcked || fwd.maxSeqToBeAcked === 0) {
    if (!probe) fwd.maxSeqToBeAcked = fwd.nextSeq;
  }
  fwd.window = window;
  fwd.lastAck = ack;
  fwd.lastAckTime = time;
  fwd.lastSegmentFlags = ta;
  if (rev.unacked !== null && rev.unacked.length > 0) forgetAcked(rev, ack | 0);
  return ta;
}

/**
 * Drops the reverse direction's segments this ACK number covers (the raw field, as packet-tcp.c).
 * `ack32` is the unsigned number as int32 (x | 0): an unsigned value above 2^31 passed to a call
 * that is not inlined would be boxed in a heap number.
 */
function forgetAcked(rev: SeqAnalysisFlow, ack32: number): void {
  const ack = ack32 >>> 0;
  const list = rev.unacked;
  if (list === null || list.length === 0) return;
  let drop = 0;
  // Oldest first: cumulative ACKs remove a prefix (a bounded loop: at most list.length steps).
  while (drop < list.length && seqDiff(ack, list[drop]) <= 0) drop++;
  if (drop > 0) removeFront(list, drop);
  else if (list.length >= MAX_UNACKED_SEGMENTS) {
    // A full list may hold acknowledged segments behind an unacknowledged one: sweep it all.
    rev.unacked = list.filter((end) => seqDiff(ack, end) > 0);
  }
}

/**
 * Updates that packet-tcp.c makes after the analysis of a segment: the time of the last SYN, the
 * handshake RTT at the first pure ACK after a SYN (tcp.analysis.initial_rtt), the first-ACK flag,
 * and window scaling from the SYN options (applied only when both SYNs carried it).
 */
export function afterSegment(
  fwd: SeqAnalysisFlow,
  rev: SeqAnalysisFlow,
  conv: SeqAnalysisConversation,
  s: AnalysedSegment,
  windowScaleOption: number | undefined,
): void {
  const flags = s.flags;
  const time = s.time;
  const synAck = flags & (TCP_FLAG.SYN | TCP_FLAG.ACK);
  if (flags & TCP_FLAG.SYN) {
    if (!(flags & TCP_FLAG.ACK)) conv.lastSynTime = time;
    fwd.isFirstAck = true;
  }
  if (synAck === TCP_FLAG.ACK && conv.lastSynTime !== 0 && conv.firstRtt === 0) {
    conv.firstRtt = time - conv.lastSynTime;
  }
  if (synAck === TCP_FLAG.ACK) fwd.isFirstAck = false;
  // RFC 7323 §2.3: a shift above 14 is treated as 14.
  if (windowScaleOption !== undefined) fwd.winScale = Math.min(windowScaleOption, 14);
  if (flags & TCP_FLAG.SYN) verifyWindowScaling((flags & TCP_FLAG.ACK) !== 0, fwd, rev);
}

/** packet-tcp.c verify_tcp_window_scaling: scaling is used only when both SYNs offered it. */
function verifyWindowScaling(isSynAck: boolean, fwd: SeqAnalysisFlow, rev: SeqAnalysisFlow): void {
  if (fwd.winScale === -1) {
    fwd.winScale = -2;
    rev.winScale = -2;
  } else if (isSynAck && rev.winScale === -2) {
    fwd.winScale = -2;
  }
}
