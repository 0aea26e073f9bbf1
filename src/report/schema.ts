/**
 * The report object: what `analyzeCapture` returns and `--format json` prints. Other tools rely on
 * these names (statecap/report-v1); add fields, never rename them.
 * Times are seconds since the epoch as numbers; packet numbers are 1-based as in Wireshark.
 */
import type { StateKind } from '../state/events.js';

export const REPORT_SCHEMA = 'statecap/report-v1';

export interface Report {
  schema: typeof REPORT_SCHEMA;
  capture: CaptureReport;
  options: AnalysisOptionsReport;
  tcp: TcpReport;
  dns: DnsReport;
  quic: QuicReport;
  endpoints: EndpointReport[];
  /** Destinations that never answered (silence, a reset to the SYN, an ICMP error): no server, no state. */
  attempts: AttemptReport[];
  /** State the capture shows was lost, in packet order. */
  stateLoss: StateLossReport[];
  costModel: CostModelReport;
  /** Evictions forced by table caps (never silent). */
  limits: LimitsReport;
  warnings: string[];
}

/** A capture that could not be read at all. */
export interface FailedReport {
  schema: typeof REPORT_SCHEMA;
  capture: { path: string };
  error: string;
}

export type AnyReport = Report | FailedReport;

export interface CaptureReport {
  path: string;
  format: 'pcap' | 'pcapng' | null;
  compressed: boolean;
  linkTypes: string[];
  packets: number;
  bytes: number;
  firstTime: number | null;
  lastTime: number | null;
  /** Packets that carried nothing analysable, by reason (e.g. "linktype-105", "arp", "tcp: too-short"). */
  undecoded: Record<string, number>;
  /** Set when reading stopped early; everything before it was analysed. */
  error?: string;
}

export interface AnalysisOptionsReport {
  dnsPorts: number[];
  dnsTimeout: number;
  timeWait: number;
  checksums: 'ignore' | 'verify';
}

export interface LimitsReport {
  maxFlows: number;
  evictedFlows: number;
  /** Evicted flows that were still open (not closed or in TIME-WAIT at either end): their results are partial. */
  evictedOpenFlows: number;
  maxFragments: number;
  evictedFragments: number;
  maxPendingDns: number;
  evictedDnsQueries: number;
  maxQuicConnections: number;
  evictedQuicConnections: number;
  /** Rows listed at most per report list; the rest still count in the summaries. */
  maxRecords: number;
  /** TCP flows, DNS transactions, other DNS rows (unsolicited, malformed, collisions) and QUIC connections left out of their lists. */
  omittedFlows: number;
  omittedDnsTransactions: number;
  omittedDnsRows: number;
  omittedQuicConnections: number;
  /** Endpoints followed one by one; beyond, later ones share the rows named here ("(other clients)", "(other servers)"). */
  maxEndpoints: number;
  sharedEndpointRows: string[];
}

// ---------------------------------------------------------------- TCP

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

export interface FlowClassification {
  transport: 'stateful' | 'stateless';
  /** Plain words: what the protocol keeps and who holds the application state. */
  description: string;
  applicationState: { client: string; server: string };
  stickyRouting: '4-tuple' | 'connection-id' | 'none';
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
  analysis: TcpAnalysis;
  maxBytesInFlight: { client: number; server: number };
  handshakeRtt: number | null;
  /**
   * Request/response exchanges: client payload after server payload (or first) opens one. `packets`
   * opened the first five; a restart right after `between` (the last packet before the second) breaks the flow.
   */
  exchanges: { count: number; packets: number[]; between: number | null;
    /** The longest silence (>= 1 s) a client request ended while the connection was held; null if none. */
    idle: { fromPacket: number; toPacket: number; seconds: number } | null };
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

// ---------------------------------------------------------------- DNS

export type DnsOutcome = 'answered' | 'unanswered' | 'late' | 'rejected';

export interface DnsTransactionReport {
  index: number;
  id: number;
  client: string;
  server: string;
  transport: 'udp' | 'tcp';
  qname: string | null;
  qtype: string | null;
  qclass: string | null;
  queryPackets: number[];
  responsePackets: number[];
  queryTime: number;
  responseTime: number | null;
  rtt: number | null;
  rcode: string | null;
  flags: { aa: boolean; tc: boolean; rd: boolean; ra: boolean } | null;
  answers: number;
  outcome: DnsOutcome;
  retransmissions: number;
  duplicateResponses: number;
  retriedOverTcp: number | null;
  /** Responses matched by ID and port but sent from another address (NAT, anycast, spoofing). */
  responseFrom: string[];
  /** The client reused this ID and port while an earlier query with it was outstanding. */
  idReused: boolean;
  classification?: FlowClassification;
}

export interface DnsReport {
  transactions: DnsTransactionReport[];
  unsolicited: { packet: number; id: number; client: string; server: string; qname: string | null; transport: 'udp' | 'tcp' }[];
  malformed: { packet: number; reason: string }[];
  collisions: { packet: number; id: number; client: string; server: string; qname: string | null; transaction: number }[];
  tcpFramingGaps: number;
  summary: {
    queries: number;
    answered: number;
    unanswered: number;
    late: number;
    rejected: number;
    unsolicited: number;
    malformed: number;
    rttMedian: number | null;
    rttP95: number | null;
    rcodes: Record<string, number>;
  };
}

// ---------------------------------------------------------------- QUIC

export interface QuicConnectionReport {
  id: number;
  client: string;
  server: string;
  version: string | null;
  versions: string[];
  clientInitialDcid: string | null;
  clientScid: string | null;
  serverScid: string | null;
  retryScid: string | null;
  cids: { client: string[]; server: string[] };
  firstPacket: number;
  lastPacket: number;
  datagrams: number;
  datagramsByDirection: { client: number; server: number };
  packets: { client: number; server: number };
  bytes: { client: number; server: number };
  start: number;
  end: number;
  handshake: 'complete' | 'partial' | 'initial-only';
  serverName: string | null;
  alpn: string[];
  cipherSuite: string | null;
  transportParameters: Record<string, string | number> | null;
  paths: { client: string; server: string; firstPacket: number }[];
  ended: string;
  classification?: FlowClassification;
}

export interface QuicReport {
  connections: QuicConnectionReport[];
  unattributed: { datagrams: number; packets: number[] };
  summary: { connections: number; handshakes: { complete: number; partial: number; initialOnly: number } };
}

// ---------------------------------------------------------------- state ledger

export interface LedgerPoint {
  entries: number;
  bytes: number;
  time: number | null;
  packet: number | null;
}

export interface IdleWindow {
  start: number;
  end: number;
  seconds: number;
  fromPacket: number | null;
  toPacket: number | null;
}

export interface EndpointReport {
  /** ip:port for a server (ip:port/udp and ip:port/tcp when one ip:port serves both), ip for a client. */
  endpoint: string;
  role: 'server' | 'client';
  /** A server's transport, when the tracker said. */
  transport?: 'tcp' | 'udp';
  verdict: 'stateful' | 'stateless';
  reasons: string[];
  stickyRouting: '4-tuple' | 'connection-id' | 'none';
  /** The first moment of most entries (bytes: what they cost then). */
  peak: LedgerPoint;
  /** The first moment of most bytes (may differ from `peak` once connections grow or buffer). */
  peakBytes: LedgerPoint;
  peakByKind: Partial<Record<StateKind, LedgerPoint>>;
  meanBytes: number;
  atEnd: { entries: number; bytes: number };
  /** Restart-safe windows: nothing breakable held (TIME-WAIT does not count); the longest, sorted by start. */
  idleWindows: IdleWindow[];
  /** How many restart-safe windows there were in all (listed or not). */
  idleWindowCount: number;
  /** Idle windows left out of `idleWindows` (only the longest are listed); absent when none. */
  idleWindowsOmitted?: number;
  idleSeconds: number;
  longestIdle: IdleWindow | null;
  restart: {
    at: { packet: number | null; time: number | null };
    /** 'requested' for --restart-at, 'worst' for the moment of most state held. */
    basis: 'requested' | 'worst';
    breaks: { tcp: number[]; dns: number[]; quic: number[] };
  } | null;
  timeline: { time: number; packet: number; entries: number; bytes: number }[];
  timelineCompressed: boolean;
}

export type AttemptReason = 'no-answer' | 'refused-rst' | 'icmp';

/** A destination that never answered: reported apart, holding no state, never a server a restart breaks. */
export interface AttemptReport {
  /** ip:port (with /udp or /tcp when the same ip:port also appears over the other transport). */
  endpoint: string;
  transport?: 'tcp' | 'udp';
  attempts: number;
  /** The most frequent way it answered; `byReason` counts each. */
  reason: AttemptReason;
  byReason: Record<AttemptReason, number>;
  /** The first attempts (up to 5): the flow, DNS transaction or QUIC connection, its packet, the answer's packet. */
  flows: { flow?: number; transaction?: number; connection?: number; packet: number; answerPacket: number | null; detail: string }[];
  /** Clients that tried (up to 5). */
  clients: string[];
}

export type StateLossKind = 'tcp-reset-established' | 'icmp-port-unreachable' | 'quic-stateless-reset';

/** State the capture shows was lost: `endpoint` is the side that lost it. */
export interface StateLossReport {
  packet: number;
  time: number;
  kind: StateLossKind;
  endpoint: string;
  flow?: number;
  transaction?: number;
  connection?: number;
  detail: string;
}

export interface CostModelReport {
  name: string;
  entries: Record<string, { bytes: number; source: string }>;
}
