/** The state ledger's rows (statecap/report-v1 `endpoints`, `costModel`). */
import type { StateKind } from './state-kind.js';
import type { SessionState } from './http.js';

export interface LedgerPoint {
  entries: number;
  bytes: number;
  time: number | null;
  packet: number | null;
}

/**
 * A timeline point: a change of the entries an endpoint holds (created, ended, expired, changed in
 * kind or count). Bytes in flight alone make no point: between this point and the next, their
 * most and their time-weighted mean are `maxBytes` and `meanBytes`.
 */
export interface TimelinePoint {
  time: number;
  packet: number;
  entries: number;
  /** Bytes held at this moment. */
  bytes: number;
  /** Most bytes held from this point to the next (the whole bucket's span once compressed). */
  maxBytes: number;
  /** Time-weighted mean of the bytes over that span, rounded; `bytes` when the span has zero length. */
  meanBytes: number;
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
  /** `cookie:<name>` when an HTTP server keeps sessions named by that cookie (see sessionState). */
  stickyRouting: '4-tuple' | 'connection-id' | 'none' | `cookie:${string}`;
  /** HTTP servers only: where session state lives, from the requests and responses seen. */
  sessionState?: SessionState;
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
    /** Flow ids per protocol: tcp, dns and quic always (possibly empty), later protocols (udp) when non-empty. */
    breaks: Record<string, number[]>;
    /**
     * --restart-at only: each broken flow, DNS transaction or QUIC connection with its first and
     * last packet (a last packet after `at` is traffic the restart would have cut), by protocol
     * and id, in the order of `breaks`. Absent for the worst-moment answer.
     */
    flows?: RestartFlow[];
  } | null;
  /** A point per change of entries (not per change of bytes); beyond 2,000 points, merged in buckets (timelineCompressed). */
  timeline: TimelinePoint[];
  timelineCompressed: boolean;
  /** The timeline of each kind of state held, compressed like `timeline`; only when asked for (--format html, --svg-dir). */
  timelineByKind?: Partial<Record<StateKind, TimelinePoint[]>>;
}

/** A flow a restart breaks, with the packets it ran over. */
export interface RestartFlow {
  proto: string;
  id: number;
  firstPacket: number;
  lastPacket: number;
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
