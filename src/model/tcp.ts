/** TCP rows of the report (statecap/report-v1 `tcp`): what the TCP tracker produces. */
import type { FlowClassification } from './classification.js';

export type TcpStateName =
  | 'CLOSED' | 'LISTEN' | 'SYN-SENT' | 'SYN-RECEIVED' | 'ESTABLISHED' | 'FIN-WAIT-1' | 'FIN-WAIT-2'
  | 'CLOSE-WAIT' | 'CLOSING' | 'LAST-ACK' | 'TIME-WAIT';

export type ConnState =
  | 'S0' | 'S1' | 'SF' | 'REJ' | 'S2' | 'S3' | 'RSTO' | 'RSTR' | 'RSTOS0' | 'RSTRH' | 'SH' | 'SHR' | 'OTH';

export interface TcpTransition {
  packet: number;
  time: number;
  endpoint: 'client' | 'server';
  from: TcpStateName;
  to: TcpStateName;
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
  payloadBytes: { client: number; server: number };
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
  maxBytesInFlight: { client: number; server: number };
  handshakeRtt: number | null;
  directions: { client: TcpDirectionReport; server: TcpDirectionReport };
  /** Encapsulations that carried the flow, outermost first; empty when none. */
  tunnel: string[];
  vlan: number[];
  classification?: FlowClassification;
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
