/**
 * A replica of Zeek's TCP connection analysis for one connection, enough to produce the same
 * `conn_state` and `history` as Zeek's conn.log: endpoint states (TCP_Endpoint.h), the state machine
 * (packet_analysis/protocol/tcp/TCPSessionAdapter.cc), history letters (update_history,
 * TCP_Endpoint::DidRxmit/ZeroWindow/Gap), content gaps (TCP_Reassembler.cc, Reassem.cc), the roles
 * heuristic (TCP.cc WantConnection) and the timers after which Zeek forgets a connection (so that a
 * later packet would start a new conn.log row). Sequence numbers relative to an endpoint's start are
 * plain numbers (Zeek's uint64); negative ones stand for Zeek's underflowed values.
 */
import { TCP_FLAG } from '../../decode/packet.js';
import type { ConnState } from '../../model/tcp.js';
import { connState, type ZeekEndpointState } from './conn-state.js';
import { HISTORY_MASK, addHistory, checkHistory, newHistory, scaledHistoryEntry, type HistoryState } from './history.js';
import { seqDiff } from './seq.js';
import { removeFront } from './number-list.js';
import { LIKELY_SERVER_PORTS } from './zeek-ports.js';

/** Zeek's defaults (scripts/base/init-bare.zeek). */
const ZEEK = {
  /** TOO_LARGE_SEQ_DELTA in TCPSessionAdapter.cc. */
  tooLargeSeqDelta: 1_048_576,
  tcpCloseDelay: 5,
  tcpPartialCloseDelay: 3,
  tcpAttemptDelay: 5,
  tcpSynTimeout: 5,
  tcpSessionTimer: 6,
  tcpConnectionLinger: 5,
  tcpInactivityTimeout: 300,
  /** TCPAnalyzer::MakeSessionAdapter starts every connection with udp_inactivity_timeout. */
  initialInactivityTimeout: 60,
  tcpMaxInitialWindow: 16_384,
  tcpMaxAboveHoleWithoutAnyAcks: 16_384,
  /** Blocks kept per direction by this replica (Zeek keeps them in memory without a count limit). */
  maxBlocks: 4_096,
} as const;

const TWO_32 = 0x1_0000_0000;

/**
 * Data a direction sent that its peer has not acknowledged yet: Reassem.cc's block list, seq ranges
 * only. Its endpoint holds these fields itself: one object fewer to reach for every segment and ACK.
 */
interface ZeekReassembler {
  lastReassemSeq: number;
  trimSeq: number;
  skipDeliveries: boolean;
  /** Sorted, non-overlapping [seq, upper) pairs, flattened; NO_BLOCKS until one is kept. */
  blocks: number[];
}

/**
 * Shared by every endpoint that keeps no block (blocks delivered at once are not kept, see
 * newBlock): replaced by the endpoint's own list before anything is stored.
 */
const NO_BLOCKS: number[] = Object.freeze([]) as unknown as number[];

class ZeekEndpoint implements ZeekReassembler {
  state: ZeekEndpointState = 'INACTIVE';
  prevState: ZeekEndpointState = 'INACTIVE';
  startSeq = 0;
  lastSeq = 0;
  ackSeq = 0;
  seqWraps = 0;
  ackWraps = 0;
  histLastSyn = 0;
  histLastFin = 0;
  histLastRst = 0;
  finCount = 0;
  rstCount = 0;
  finSeq = 0;
  didClose = false;
  lastTime = 0;
  /** Counts behind the logarithmic letters T, W and G. */
  retransmits = 0;
  zeroWindows = 0;
  gaps = 0;
  // Its reassembler (ZeekReassembler).
  lastReassemSeq = 1;
  trimSeq = 1;
  skipDeliveries = false;
  blocks: number[] = NO_BLOCKS;

  constructor(public isOrig: boolean) {}

  setState(next: ZeekEndpointState): void {
    if (next !== this.state) {
      this.prevState = this.state;
      this.state = next;
    }
  }

  /** `seq32`: the unsigned number as int32 (x | 0), passed without boxing (see relativeSeq). */
  updateLastSeq(seq32: number): void {
    const seq = seq32 >>> 0;
    if (seq < this.lastSeq) this.seqWraps++;
    this.lastSeq = seq;
  }

  /** `seq32` as in updateLastSeq. */
  updateAckSeq(seq32: number): void {
    const seq = seq32 >>> 0;
    if (seq < this.ackSeq) this.ackWraps++;
    this.ackSeq = seq;
  }

  initSeqs(start: number, last: number): void {
    this.startSeq = start;
    this.ackSeq = start;
    this.lastSeq = last;
  }

  toRelative(seq: number, wraps: number): number {
    return wraps * TWO_32 + seq - this.startSeq;
  }

  /** TCP_Endpoint::NoDataAcked: at most the SYN acknowledged. */
  noDataAcked(): boolean {
    const ack = this.ackWraps * TWO_32 + this.ackSeq;
    return ack === this.startSeq || ack === this.startSeq + 1;
  }
}

/** Set by relativeSeq: whether the last result fell before the endpoint's start (no allocation per call). */
let relativeUnderflow = false;

/**
 * Zeek's get_relative_seq: the 64-bit offset of `seq` from the endpoint's start. `seq32` and
 * `last32` are the unsigned numbers as int32 (x | 0): a small integer is passed as it is, an
 * unsigned value above 2^31 would be boxed for the call.
 */
function relativeSeq(e: ZeekEndpoint, seq32: number, last32: number, wraps: number): number {
  const seq = seq32 >>> 0;
  const last = last32 >>> 0;
  const delta = seqDiff(last, seq);
  let w = wraps;
  if (delta < 0) {
    if (w > 0 && seq > last) w--; // part of the previous 32-bit space
  } else if (delta > 0) {
    if (seq < last) w++; // the sequence space wrapped
  }
  if (w === 0) {
    const d = seqDiff(e.startSeq >>> 0, seq);
    relativeUnderflow = d < 0;
    return d;
  }
  relativeUnderflow = false;
  return e.toRelative(seq, w);
}

/** What one TCP packet tells the replica. */
export interface ZeekSegment {
  fromClient: boolean;
  flags: number;
  seq: number;
  ack: number;
  /** Payload length from the IP header. */
  length: number;
  /** Payload bytes actually captured. */
  captured: number;
  window: number;
  time: number;
}

export class ZeekSession {
  /** Which side Zeek calls the originator. */
  origIsClient: boolean;
  orig: ZeekEndpoint;
  resp: ZeekEndpoint;
  readonly history: HistoryState = newHistory();
  private isPartial = false;
  private firstPacketSeen = 0;
  /**
   * Initialised as numbers: a field declared without a value starts as undefined, V8 then keeps it
   * as a tagged field, and every time stored in it is a new heap number (one per packet).
   */
  private startTime = 0;
  private lastTime = 0;
  private inactivityTimeout: number = ZEEK.initialInactivityTimeout;
  private attemptAt: number | null = null;
  private deleteAt: number | null = null;
  private partialCloseAt: number | null = null;
  /** The earliest of attemptAt, deleteAt and partialCloseAt (Infinity when none is set): see retime(). */
  private timersAt = Number.POSITIVE_INFINITY;
  private lingerCheckFrom: number | null = null;
  private expireTimerCancelled = false;
  private seenPackets = 0;
  /** Zeek would have forgotten this connection: later packets would start a new conn.log row. */
  ended = false;

  /**
   * Starts a connection at its first packet. Zeek makes the sender the originator, then flips the
   * roles when the packet is not a pure SYN and its source port looks like a server's (TCP.cc
   * WantConnection), writing '^' into the history.
   */
  constructor(first: ZeekSegment, srcPort: number, dstPort: number) {
    const syn = (first.flags & TCP_FLAG.SYN) !== 0;
    const ack = (first.flags & TCP_FLAG.ACK) !== 0;
    let flip = false;
    if ((!syn || ack) && LIKELY_SERVER_PORTS.has(srcPort)) {
      flip = LIKELY_SERVER_PORTS.has(dstPort) ? !syn && srcPort < dstPort : true;
    }
    this.origIsClient = first.fromClient !== flip;
    this.orig = new ZeekEndpoint(true);
    this.resp = new ZeekEndpoint(false);
    if (flip) addHistory(this.history, '^', true);
    this.startTime = first.time;
    this.lastTime = first.time;
  }

  /** Zeek's conn_state for the connection as it stands. */
  connState(): ConnState {
    return connState({
      orig: this.orig.state,
      resp: this.resp.state,
      origSize: this.size(this.orig),
      respSize: this.size(this.resp),
      history: this.history.text,
    });
  }

  /**
   * Processes one packet (TCPAnalyzer::DeliverPacket + TCPSessionAdapter::Process). Sequence numbers
   * and times are passed to the steps inside the segment, not as arguments: an unsigned 32-bit value
   * above 2^31 or a time passed to a call that is not inlined is boxed in a heap number each time.
   */
  observe(s: ZeekSegment): void {
    if (this.ended) return;
    // IsReuse is asked only of a connection that already exists. No timer is due while the
    // packet is within tcp_partial_close_delay of the last activity and before every timer set
    // (see expiredBy): the common packet makes no call.
    if (this.seenPackets > 0) {
      const t = s.time;
      if (((t - this.lastTime >= ZEEK.tcpPartialCloseDelay || this.timersAt <= t) && this.expiredBy(s)) ||
          ((s.flags & TCP_FLAG.SYN) !== 0 && this.isReuse(s))) {
        this.ended = true;
        return;
      }
    }
    this.seenPackets++;
    const isOrig = s.fromClient === this.origIsClient;
    const endpoint = isOrig ? this.orig : this.resp;
    const peer = isOrig ? this.resp : this.orig;
    const { flags, seq, ack, length: len, time } = s;
    const syn = (flags & TCP_FLAG.SYN) !== 0;
    const fin = (flags & TCP_FLAG.FIN) !== 0;
    const rst = (flags & TCP_FLAG.RST) !== 0;
    const hasAck = (flags & TCP_FLAG.ACK) !== 0;

    this.setPartialStatus(syn, hasAck, isOrig);
    let segLen = len + (syn ? 1 : 0) + (fin ? 1 : 0);
    if (rst) segLen -= len;
    // init_endpoint changes nothing but for a side's first packet or a SYN.
    if (syn || endpoint.state === 'INACTIVE') this.initEndpoint(endpoint, syn, seq, (seq + segLen) >>> 0);
    const relSeq = relativeSeq(endpoint, seq | 0, endpoint.lastSeq | 0, endpoint.seqWraps);
    const seqUnderflow = relativeUnderflow;

    this.updateHistory(endpoint, flags, relSeq, len);
    // update_window: zero windows are boring with or after a RST, or after the peer's FIN.
    if (s.window === 0 && !rst && peer.state !== 'CLOSED' && endpoint.state !== 'RESET') {
      endpoint.zeroWindows = scaledHistoryEntry(this.history, endpoint.zeroWindows, 'W', endpoint.isOrig);
    }
    if (!this.orig.didClose || !this.resp.didClose) this.lastTime = time;
    if (fin) {
      endpoint.finCount++;
      endpoint.finSeq = relSeq + segLen;
    }
    if (rst) endpoint.rstCount++;

    let relAck = 0;
    if (hasAck) {
      if (peer.state === 'INACTIVE') {
        relAck = 1;
        // init_peer: number the peer as if its SYN had been seen.
        const start = (ack - 1) >>> 0;
        peer.initSeqs(start, start);
      } else {
        const rel = relativeSeq(peer, ack | 0, peer.ackSeq | 0, peer.ackWraps);
        if (relativeUnderflow) relAck = 0;
        else {
          relAck = rel;
          // update_ack_seq: a zero ACK far behind is more likely a broken one.
          if (!rst) {
            const delta = seqDiff(peer.ackSeq, ack);
            if (delta > 0 && !(ack === 0 && delta > ZEEK.tooLargeSeqDelta)) peer.updateAckSeq(ack | 0);
          }
        }
      }
    }

    this.updateLastSeq(endpoint, s, segLen);
    endpoint.lastTime = time;
    const close = this.updateStateMachine(endpoint, peer, s, isOrig);
    if (hasAck) this.ackReceived(peer, relAck);
    if (len > 0 && !rst && !seqUnderflow) {
      this.dataSent(endpoint, syn ? relSeq + 1 : relSeq, len, s.captured >= len);
    }
    if (close) this.connectionClosed(endpoint, peer);
    if (isOrig) this.firstPacketSeen |= 1;
    else this.firstPacketSeen |= 2;
  }

  // ---------------------------------------------------------------- timers and reuse

  /**
   * True when one of Zeek's timers would have removed the connection before the segment. observe
   * calls it only past the fast check: every relative timer is at least tcp_partial_close_delay away
   * from the last activity, and timersAt > time means none of attemptAt, deleteAt, partialCloseAt is due.
   */
  private expiredBy(s: ZeekSegment): boolean {
    const time = s.time;
    const { orig, resp } = this;
    // Session::InactivityTimer.
    if (this.lastTime + this.inactivityTimeout <= time) return true;
    // TCPSessionAdapter::AttemptTimer: a SYN nobody answered.
    if (this.attemptAt !== null && this.attemptAt <= time) {
      this.attemptAt = null;
      this.retime();
      if ((orig.state === 'SYN_SENT' || orig.state === 'SYN_ACK_SENT') && resp.state === 'INACTIVE') return true;
    }
    // Deletion after a complete close (tcp_close_delay).
    if (this.deleteAt !== null && this.deleteAt <= time) return true;
    // PartialCloseTimer: one side closed on its first packet.
    if (this.partialCloseAt !== null && this.partialCloseAt <= time) {
      this.partialCloseAt = null;
      this.retime();
      if (orig.state !== 'INACTIVE' && resp.state !== 'INACTIVE' && (!orig.didClose || !resp.didClose) &&
          orig.state !== 'RESET' && resp.state !== 'RESET') return true;
    }
    // ExpireTimer: runs every tcp_session_timer from tcp_SYN_timeout after the start.
    if (!this.expireTimerCancelled && this.firstExpireTick() <= time) {
      const closedSomehow = orig.didClose || resp.didClose;
      if (closedSomehow && ((orig.didClose && resp.didClose) || orig.state === 'RESET' || resp.state === 'RESET' ||
          orig.state === 'INACTIVE' || resp.state === 'INACTIVE')) return true;
      if (resp.state === 'INACTIVE' && orig.state === 'INACTIVE') return true;
    }
    return false;
  }

  /** Call after setting attemptAt, deleteAt or partialCloseAt. */
  private retime(): void {
    const a = this.attemptAt ?? Number.POSITIVE_INFINITY;
    const d = this.deleteAt ?? Number.POSITIVE_INFINITY;
    const p = this.partialCloseAt ?? Number.POSITIVE_INFINITY;
    this.timersAt = a < d ? (a < p ? a : p) : d < p ? d : p;
  }

  /** The first expire-timer tick at which the connection has been idle for tcp_connection_linger. */
  private firstExpireTick(): number {
    const due = this.lastTime + ZEEK.tcpConnectionLinger;
    const first = this.startTime + ZEEK.tcpSynTimeout;
    let tick = first > due ? first : first + (Math.floor((due - first) / ZEEK.tcpSessionTimer) + 1) * ZEEK.tcpSessionTimer;
    // A close that is not complete adds a timer tcp_session_timer after the last activity.
    if (this.lingerCheckFrom !== null) {
      const extra = this.lingerCheckFrom + ZEEK.tcpSessionTimer;
      if (extra > due && extra < tick) tick = extra;
    }
    return tick;
  }

  /** TCPSessionAdapter::IsReuse: a SYN that starts a new connection on the same 4-tuple. */
  private isReuse(s: ZeekSegment): boolean {
    if (!(s.flags & TCP_FLAG.SYN)) return false;
    let connOrig = this.orig;
    if (s.flags & TCP_FLAG.ACK) {
      if (this.orig.state !== 'INACTIVE') return false; // not a half connection
      connOrig = this.resp;
    }
    if (!this.orig.didClose && !this.resp.didClose) {
      if (s.seq === connOrig.startSeq >>> 0) return false;
      // The SYN and SYN-ACK arrived in reverse order: not a reuse, the roles get flipped.
      if (!(s.flags & TCP_FLAG.ACK) && connOrig.state === 'SYN_ACK_SENT' && this.resp.state === 'INACTIVE' &&
          s.seq === this.resp.startSeq >>> 0) return false;
    }
    return true;
  }

  // ---------------------------------------------------------------- per-packet steps

  private setPartialStatus(syn: boolean, ack: boolean, isOrig: boolean): void {
    if (isOrig) {
      if (!(this.firstPacketSeen & 1)) this.isPartial = !syn || ack;
    } else if (!(this.firstPacketSeen & 2) && !this.isPartial) {
      this.isPartial = !syn;
    }
  }

  /** init_endpoint: sequence numbers from the first packet of a side, or from a fresh SYN. */
  private initEndpoint(e: ZeekEndpoint, syn: boolean, seq: number, seqEnd: number): void {
    switch (e.state) {
      case 'INACTIVE':
        if (syn) e.initSeqs(seq, seqEnd);
        else e.initSeqs((seq - 1) >>> 0, seq); // as though a SYN had been seen
        break;
      case 'SYN_SENT':
      case 'SYN_ACK_SENT':
        if (syn && seq !== e.startSeq >>> 0) e.initSeqs(seq, seqEnd);
        break;
      case 'ESTABLISHED':
      case 'PARTIAL':
        if (syn) e.initSeqs(seq, seqEnd);
        break;
      case 'RESET':
        if (syn && e.prevState === 'INACTIVE') e.initSeqs(seq, seqEnd);
        break;
      default:
        break;
    }
  }

  /** update_history. */
  private updateHistory(e: ZeekEndpoint, flags: number, relSeq: number, len: number): void {
    const h = this.history;
    const syn = (flags & TCP_FLAG.SYN) !== 0;
    const fin = (flags & TCP_FLAG.FIN) !== 0;
    const rst = (flags & TCP_FLAG.RST) !== 0;
    const bits = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
    if (bits > 1) {
      if (fin && rst) checkHistory(h, HISTORY_MASK.FIN_RST, 'I', e.isOrig);
      else checkHistory(h, HISTORY_MASK.MULTI_FLAG, 'Q', e.isOrig);
    } else if (bits === 1) {
      if (syn) {
        const code = flags & TCP_FLAG.ACK ? 'H' : 'S';
        if (checkHistory(h, HISTORY_MASK.SYN, code, e.isOrig) && relSeq !== e.histLastSyn) addHistory(h, code, e.isOrig);
        e.histLastSyn = relSeq;
      }
      if (fin) {
        // A FIN's sequence number comes after the data it carries.
        if (checkHistory(h, HISTORY_MASK.FIN, 'F', e.isOrig) && relSeq + len !== e.histLastFin) addHistory(h, 'F', e.isOrig);
        e.histLastFin = relSeq + len;
      }
      if (rst) {
        if (checkHistory(h, HISTORY_MASK.RST, 'R', e.isOrig) && relSeq !== e.histLastRst) addHistory(h, 'R', e.isOrig);
        e.histLastRst = relSeq;
      }
    } else if (len > 0) {
      checkHistory(h, HISTORY_MASK.DATA, 'D', e.isOrig);
    } else if (flags & TCP_FLAG.ACK) {
      checkHistory(h, HISTORY_MASK.ACK, 'A', e.isOrig);
    }
  }

  /** update_last_seq, with the segment's end (its sequence space is `segLen`). */
  private updateLastSeq(e: ZeekEndpoint, s: ZeekSegment, segLen: number): void {
    const lastSeq = (s.seq + segLen) >>> 0;
    const flags = s.flags;
    const len = s.length;
    const delta = seqDiff(e.lastSeq, lastSeq);
    if (flags & (TCP_FLAG.SYN | TCP_FLAG.RST) && (delta > ZEEK.tooLargeSeqDelta || delta < -ZEEK.tooLargeSeqDelta)) {
      // untrusted jump
    } else if (flags & TCP_FLAG.FIN && e.lastSeq === ((e.startSeq + 1) >>> 0)) {
      e.updateLastSeq(lastSeq | 0);
    } else if (e.state === 'RESET') {
      // no sequence numbers are trusted after a RST
    } else if (delta > 0) {
      e.updateLastSeq(lastSeq | 0);
    } else if (len > 0) {
      e.retransmits = scaledHistoryEntry(this.history, e.retransmits, 'T', e.isOrig); // TCP_Endpoint::DidRxmit
    }
  }

  /** UpdateStateMachine; returns whether the connection is reported closed (do_close). */
  private updateStateMachine(endpoint: ZeekEndpoint, peer: ZeekEndpoint, s: ZeekSegment, isOrig: boolean): boolean {
    const flags = s.flags;
    // Established with no SYN, FIN or RST (most segments): no state changes.
    if ((flags & (TCP_FLAG.SYN | TCP_FLAG.FIN | TCP_FLAG.RST)) === 0 && endpoint.state === 'ESTABLISHED') return false;
    const seq = s.seq;
    const len = s.length;
    const time = s.time;
    const syn = (flags & TCP_FLAG.SYN) !== 0;
    const fin = (flags & TCP_FLAG.FIN) !== 0;
    const rst = (flags & TCP_FLAG.RST) !== 0;
    const hasAck = (flags & TCP_FLAG.ACK) !== 0;
    let close = false;
    switch (endpoint.state) {
      case 'INACTIVE': {
        if (syn) {
          if (isOrig) {
            endpoint.setState(hasAck ? 'SYN_ACK_SENT' : 'SYN_SENT');
            if (this.attemptAt === null) {
              this.attemptAt = time + ZEEK.tcpAttemptDelay;
              this.retime();
            }
          } else {
            if (!hasAck && peer.state === 'SYN_ACK_SENT' && seq === endpoint.startSeq >>> 0) {
              // SYN and SYN-ACK reversed: flip the roles and establish.
              this.isPartial = false;
              this.flipRoles();
              this.setEndpointState(peer, 'ESTABLISHED');
              this.firstPacketSeen |= 1;
            }
            if (peer.state === 'SYN_SENT') this.setEndpointState(peer, 'ESTABLISHED');
            this.setEndpointState(endpoint, 'ESTABLISHED');
          }
        }
        if (fin) {
          this.setEndpointState(endpoint, 'CLOSED');
          close = true;
        }
        if (rst) {
          this.setEndpointState(endpoint, 'RESET');
          close = true;
        }
        if (endpoint.state === 'INACTIVE') {
          if (!isOrig && len === 0 && this.orig.state === 'SYN_SENT') {
            // an ACK of the SYN before the SYN-ACK: not a partial connection
          } else if (hasAck && peer.state === 'ESTABLISHED') {
            this.setEndpointState(endpoint, 'ESTABLISHED');
            this.isPartial = false;
            this.firstPacketSeen |= isOrig ? 1 : 2;
          } else {
            this.setEndpointState(endpoint, 'PARTIAL');
          }
        }
        break;
      }
      case 'SYN_SENT':
      case 'SYN_ACK_SENT':
        if (fin) {
          this.setEndpointState(endpoint, 'CLOSED');
          close = true;
        }
        if (rst) {
          this.setEndpointState(endpoint, 'RESET');
          close = true;
        }
        break;
      case 'ESTABLISHED':
      case 'PARTIAL':
        if (syn && endpoint.state === 'PARTIAL' && peer.state === 'INACTIVE' && !hasAck) {
          this.setEndpointState(endpoint, 'SYN_SENT');
        }
        if (fin && !rst) {
          this.setEndpointState(endpoint, 'CLOSED');
          // A FIN followed by a RST from the peer was a normal termination after all.
          if (peer.state === 'RESET' && peer.prevState === 'CLOSED') this.setEndpointState(peer, 'CLOSED');
          close = true;
        }
        if (rst) {
          this.setEndpointState(endpoint, 'RESET');
          close = true;
        }
        break;
      case 'CLOSED':
        // After its FIN, a RST changes the state unless the peer has closed too.
        if (rst && peer.state !== 'CLOSED') {
          this.setEndpointState(endpoint, 'RESET');
          if (!endpoint.didClose) close = true;
        }
        break;
      case 'RESET':
        break;
    }
    return close;
  }

  /** TCP_Endpoint::SetState plus the inactivity timeout switch when a handshake completes. */
  private setEndpointState(e: ZeekEndpoint, next: ZeekEndpointState): void {
    const peer = e === this.orig ? this.resp : this.orig;
    if (next !== e.state && !isHandshake(next) && isHandshake(e.state) && isHandshake(peer.state)) {
      this.inactivityTimeout = ZEEK.tcpInactivityTimeout;
    }
    e.setState(next);
  }

  /** Connection::FlipRoles: swap originator and responder, note '^'. */
  private flipRoles(): void {
    const was = this.orig;
    this.orig = this.resp;
    this.resp = was;
    this.orig.isOrig = true;
    this.resp.isOrig = false;
    this.origIsClient = !this.origIsClient;
    this.firstPacketSeen = ((this.firstPacketSeen & 1) ? 2 : 0) | ((this.firstPacketSeen & 2) ? 1 : 0);
    this.isPartial = false;
    addHistory(this.history, '^', true);
  }

  /** TCPSessionAdapter::ConnectionClosed (without deferral for pending data). */
  private connectionClosed(endpoint: ZeekEndpoint, peer: ZeekEndpoint): void {
    if (endpoint.didClose) return;
    endpoint.didClose = true;
    const complete = endpoint.state === 'RESET' || peer.didClose || peer.state === 'INACTIVE';
    if (complete) {
      // CancelTimers(), then a DeleteTimer tcp_close_delay after the last activity.
      this.attemptAt = null;
      this.partialCloseAt = null;
      this.lingerCheckFrom = null;
      this.inactivityTimeout = Number.POSITIVE_INFINITY;
      this.expireTimerCancelled = true;
      this.deleteAt = this.lastTime + ZEEK.tcpCloseDelay;
      this.retime();
    } else if (endpoint.prevState === 'INACTIVE') {
      this.partialCloseAt = this.lastTime + ZEEK.tcpPartialCloseDelay;
      this.retime();
    } else {
      this.lingerCheckFrom = this.lastTime;
    }
  }

  // ---------------------------------------------------------------- content gaps

  /** TCP_Reassembler::DataSent for `e`'s data at relative sequence number `seq`. */
  private dataSent(e: ZeekEndpoint, seq: number, len: number, complete: boolean): void {
    if (!complete) return; // truncated payload: Zeek does not reassemble it (a gap if it is acked)
    const r: ZeekReassembler = e;
    if (r.skipDeliveries) return;
    const ack = e.toRelative(e.ackSeq, e.ackWraps);
    let lo = seq;
    const upper = seq + len;
    if (lo < ack) {
      if (upper <= ack) return; // delivered and acknowledged already
      lo = ack;
    }
    this.newBlock(e, lo, upper);
    if (e.noDataAcked() && r.blocks.length > 0 && r.blocks[r.blocks.length - 1] - r.lastReassemSeq > ZEEK.tcpMaxAboveHoleWithoutAnyAcks) {
      r.blocks = NO_BLOCKS;
      r.skipDeliveries = true;
    }
  }

  /**
   * Reassembler::NewBlock + BlockInserted. A block that is delivered at once (in order, nothing
   * waiting above a hole: most segments) is not stored. A delivered block ends at or below
   * lastReassemSeq, so no later step reads it: it is never a gap (undelivered skips it), never the
   * block at lastReassemSeq (trimToSeq), never past the hole (dataSent), merging with it changes no
   * end, and the cap drops delivered blocks (the lowest) first, then the same undelivered ones.
   */
  private newBlock(e: ZeekEndpoint, seq: number, upper: number): void {
    const r: ZeekReassembler = e;
    if (upper <= r.trimSeq) return;
    const lo = seq < r.trimSeq ? r.trimSeq : seq;
    const before = r.lastReassemSeq;
    if (r.blocks.length === 0 && lo <= before) {
      if (upper > before) r.lastReassemSeq = upper;
    } else {
      if (r.blocks === NO_BLOCKS) r.blocks = [];
      insertRange(r.blocks, lo, upper);
      if (r.blocks.length > ZEEK.maxBlocks * 2) removeFront(r.blocks, r.blocks.length - ZEEK.maxBlocks * 2);
      this.deliverContiguous(r);
    }
    // BlockInserted: data sent with nothing acknowledged beyond the initial window is not held.
    if (r.lastReassemSeq !== before && e.noDataAcked() && this.size(e) > ZEEK.tcpMaxInitialWindow) {
      this.trimToSeq(e, r.lastReassemSeq);
    }
  }

  private deliverContiguous(r: ZeekReassembler): void {
    const b = r.blocks;
    for (let i = 0; i < b.length; i += 2) {
      if (b[i] > r.lastReassemSeq) break;
      if (b[i + 1] > r.lastReassemSeq) r.lastReassemSeq = b[i + 1];
    }
  }

  /** TCP_Reassembler::AckReceived for `e`'s data. */
  private ackReceived(e: ZeekEndpoint, relAck: number): void {
    let seq = relAck;
    if (e.finCount > 0 && seq >= e.finSeq) seq = e.finSeq - 1;
    if (seq <= e.trimSeq) return;
    this.trimToSeq(e, seq);
  }

  /** DataBlockList::Trim: data acknowledged up to `seq`; holes below it are content gaps. */
  private trimToSeq(e: ZeekEndpoint, seq: number): void {
    const r: ZeekReassembler = e;
    if (seq > r.lastReassemSeq) this.undelivered(e, seq);
    const b = r.blocks;
    let drop = 0;
    while (drop < b.length && b[drop + 1] <= seq) drop += 2;
    if (drop > 0) removeFront(b, drop);
    if (b.length > 0 && b[0] === r.lastReassemSeq) this.deliverContiguous(r);
    if (seq > r.trimSeq) r.trimSeq = seq;
  }

  /** TCP_Reassembler::Undelivered: report the holes below `upTo`. */
  private undelivered(e: ZeekEndpoint, upTo: number): void {
    const r: ZeekReassembler = e;
    // A partial connection's faked initial numbers: the first ACK may complain about byte 1 or 2.
    if (upTo <= 2 && this.isPartial) return;
    if (!r.skipDeliveries) {
      const b = r.blocks;
      for (let i = 0; i < b.length; i += 2) {
        if (b[i] < r.lastReassemSeq) continue;
        if (b[i] >= upTo) break;
        this.gap(e);
        r.lastReassemSeq = b[i];
        this.deliverContiguous(r);
      }
      if (upTo > r.lastReassemSeq) this.gap(e);
    }
    if (upTo > r.lastReassemSeq) r.lastReassemSeq = upTo;
  }

  /** TCP_Reassembler::Gap: a 'G' only while both sides are established or cleanly closing. */
  private gap(e: ZeekEndpoint): void {
    const peer = e === this.orig ? this.resp : this.orig;
    if (isClean(e) && isClean(peer)) e.gaps = scaledHistoryEntry(this.history, e.gaps, 'G', e.isOrig);
  }

  /** TCP_Endpoint::Size: payload bytes by sequence numbers. */
  private size(e: ZeekEndpoint): number {
    const peer = e === this.orig ? this.resp : this.orig;
    if (e.prevState === 'SYN_SENT' && e.state === 'RESET' && peer.state === 'INACTIVE' && !e.noDataAcked()) return 0;
    const last = e.seqWraps * TWO_32 + e.lastSeq;
    const ack = e.ackWraps * TWO_32 + e.ackSeq;
    let size = (last > ack ? last : ack) - e.startSeq;
    if (size < 0) size = Number.MAX_SAFE_INTEGER; // Zeek's unsigned underflow
    if (size !== 0) size--;
    if (e.finCount > 0 && size !== 0) size--;
    return size;
  }
}

function isHandshake(s: ZeekEndpointState): boolean {
  return s === 'INACTIVE' || s === 'SYN_SENT' || s === 'SYN_ACK_SENT';
}

/** TCP_Reassembler.cc is_clean. */
function isClean(e: ZeekEndpoint): boolean {
  return e.state === 'ESTABLISHED' || (e.state === 'CLOSED' && e.prevState === 'ESTABLISHED');
}

/** Adds [lo, hi) to a sorted flattened list of disjoint ranges, merging overlaps. */
export function insertRange(ranges: number[], lo: number, hi: number): void {
  const n = ranges.length;
  // The common case: data appended at (or after) the end of the last range.
  if (n === 0 || ranges[n - 1] < lo) {
    ranges.push(lo, hi);
    return;
  }
  if (ranges[n - 2] <= lo) {
    if (hi > ranges[n - 1]) ranges[n - 1] = hi;
    return;
  }
  let i = 0;
  while (i < n && ranges[i + 1] < lo) i += 2;
  let j = i;
  let newLo = lo;
  let newHi = hi;
  while (j < n && ranges[j] <= hi) {
    if (ranges[j] < newLo) newLo = ranges[j];
    if (ranges[j + 1] > newHi) newHi = ranges[j + 1];
    j += 2;
  }
  ranges.splice(i, j - i, newLo, newHi);
}
