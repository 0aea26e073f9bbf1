/** The state ledger's rows (statecap/report-v1 `endpoints`, `costModel`). */
import type { StateKind } from './state-kind.js';

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
  endpoint: string;
  role: 'server' | 'client';
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
  idleWindows: IdleWindow[];
  /** Idle windows left out of `idleWindows` (only the longest are listed); absent when none. */
  idleWindowsOmitted?: number;
  idleSeconds: number;
  longestIdle: IdleWindow | null;
  restart: {
    at: { packet: number | null; time: number | null };
    /** 'requested' for --restart-at, 'worst' for the moment of most state held. */
    basis: 'requested' | 'worst';
    /** Flow ids per protocol (every protocol that holds ledger state has its key, possibly empty). */
    breaks: Record<string, number[]>;
  } | null;
  timeline: { time: number; packet: number; entries: number; bytes: number }[];
  timelineCompressed: boolean;
  /** The timeline of each kind of state held, compressed like `timeline`; only when asked for (--format html, --svg-dir). */
  timelineByKind?: Partial<Record<StateKind, { time: number; packet: number; entries: number; bytes: number }[]>>;
}

export interface CostModelReport {
  name: string;
  entries: Record<string, { bytes: number; source: string }>;
}
