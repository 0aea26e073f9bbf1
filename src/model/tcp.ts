/** TCP rows of the report (statecap/report-v1 `tcp`): what the TCP tracker produces. */
import type { BySide } from './by-side.js';
import type { FlowClassification } from './classification.js';

export type TcpStateName =
  | 'CLOSED' | 'LISTEN' | 'SYN-SENT' | 'SYN-RECEIVED' | 'ESTABLISHED' | 'FIN-WAIT-1' | 'FIN-WAIT-2'
  | 'CLOSE-WAIT' | 'CLOSING' | 'LAST-ACK' | 'TIME-WAIT';

export type ConnState =
  | 'S0' | 'S1' | 'SF' | 'REJ' | 'S2' | 'S3' | 'RSTO' | 'RSTR' | 'RSTOS0' | 'RSTRH' | 'SH' | 'SHR' | 'OTH';

/**
 * One endpoint's state change. A change on receipt is placed at the arriving segment (`packet`,
 * `time`): for a retransmitted SYN or FIN, at the first copy the endpoint could have taken.
 */
export interface TcpTransition {
  packet: number;
  time: number;
  endpoint: 'client' | 'server';
  from: TcpStateName;
  to: TcpStateName;
  /** Present (true) when the segment that caused it came in several copies (a retransmitted SYN or
   *  FIN), or the endpoint's own segments showed it had not taken the first: the time is an estimate. */
  uncertain?: true;
}

export interface TcpAnalysis {
  retransmissions: number;
  outOfOrder: number;
  duplicateAcks: number;
  zeroWindows: number;
  keepAlives: number;
  windowFull: number;
  lostSegments: number;
}

export interface TcpDirectionReport {
  isn: number | null;
  mss: number | null;
  windowScale: number | null;
  sackPermitted: boolean;
  timestamps: boolean;
  /** Highest relative sequence number sent + 1 (bytes of sequence space used, SYN/FIN included). */
  nextSeq: number | null;
  lastAck: number | null;
  packets: number;
  payloadBytes: number;
}

export interface TcpFlowReport {
  id: number;
  client: string;
  server: string;
  firstPacket: number;
  lastPacket: number;
  packets: number;
  payloadBytes: BySide;
  start: number;
  end: number;
  handshake: 'complete' | 'partial' | 'missing';
  finalState: { client: TcpStateName; server: TcpStateName };
  transitions: TcpTransition[];
  closedBy: 'client' | 'server' | null;
  connState: ConnState;
  history: string;
  /**
   * The conn.log rows Zeek would write for this flow: one, or more where Zeek starts a new
   * connection inside the stream (SYN retries after 5 s, data after a RST, one-sided captures).
   * `connState` and `history` above are the first row's.
   */
  zeek: ZeekConnectionReport[];
  analysis: TcpAnalysis;
  maxBytesInFlight: BySide;
  handshakeRtt: number | null;
  /**
   * Request/response exchanges: client payload after server payload (or first) opens one. `packets`
   * opened the first five; a restart right after `between` (the last packet before the second) breaks the flow.
   */
  exchanges: { count: number; packets: readonly number[]; between: number | null;
    /** The longest silence (>= 1 s) a client request ended while the connection was held; null if none. */
    idle: { fromPacket: number; toPacket: number; seconds: number } | null };
  directions: { client: TcpDirectionReport; server: TcpDirectionReport };
  /** Encapsulations that carried the flow, outermost first; empty when none. */
  tunnel: string[];
  vlan: number[];
  /**
   * Present when the flow's states rest on packets missing from the capture (segments lost before
   * the capture point, one direction only): why, in plain words. Its final states and transitions
   * are then inferred, not seen.
   */
  inferred?: string[];
  classification?: FlowClassification;
  /** The first and last packets of the flow, for ladder diagrams; only when asked for (--format html, explain). */
  packetLog?: TcpPacketLog;
}

/** One packet of a flow as a ladder diagram draws it (Wireshark's relative sequence numbers). */
export interface TcpPacketRecord {
  packet: number;
  time: number;
  from: 'client' | 'server';
  /** Flag names in Wireshark's order, comma-separated: "SYN,ACK", "FIN,ACK", "<none>". */
  flags: string;
  /** Relative to the sender's ISN; ack relative to the receiver's, null without the ACK flag. */
  seq: number;
  ack: number | null;
  /** Payload bytes per the IP header. */
  length: number;
  /** Raw window field (unscaled). */
  window: number;
  /** Wireshark's tcp.analysis findings: "retransmission", "dup ACK", "zero window", ... */
  analysis: string[];
}

/** `first` and `last` never overlap; `folded` packets lie between them. */
export interface TcpPacketLog {
  first: TcpPacketRecord[];
  last: TcpPacketRecord[];
  folded: number;
}

export interface TcpReport {
  flows: TcpFlowReport[];
  summary: {
    flows: number;
    packets: number;
    connStates: Partial<Record<ConnState, number>>;
    handshakes: { complete: number; partial: number; missing: number };
    retransmissions: number;
  };
}

/** One conn.log row Zeek would write (scripts/base/protocols/conn/main.zeek). */
export interface ZeekConnectionReport {
  /** Deterministic stand-in for Zeek's uid: "C<flow id>.<n>". */
  uid: string;
  /** The packet that starts this Zeek connection. */
  firstPacket: number;
  /** Which side of the flow Zeek takes as originator (id.orig_h/p). */
  orig: 'client' | 'server';
  connState: ConnState;
  history: string;
}
