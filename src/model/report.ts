/**
 * The report object's frame: what `analyzeCapture` returns and `--format json` prints. Other tools rely on
 * these names (statecap/report-v1); add fields, never rename them.
 * Times are seconds since the epoch as numbers; packet numbers are 1-based as in Wireshark.
 */
import type { AttemptReport, CostModelReport, EndpointReport, StateLossReport } from './endpoint.js';

export const REPORT_SCHEMA = 'statecap/report-v1';

/**
 * The parts of a report that are not a tracker's section. The whole report (report/schema.ts
 * `Report`) adds one section per registered tracker, named after it (track/registry.ts).
 */
export interface ReportBase {
  schema: typeof REPORT_SCHEMA;
  capture: CaptureReport;
  options: AnalysisOptionsReport;
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
  /** With --continuous: the files read as this one capture, in order (`path` is the first). */
  files?: string[];
  /** With --filter: packets read but left out because they did not pass it; absent without a filter. */
  filteredOut?: number;
  /** Set when reading stopped early; everything before it was analysed. */
  error?: string;
}

export interface AnalysisOptionsReport {
  dnsPorts: number[];
  dnsTimeout: number;
  timeWait: number;
  checksums: 'ignore' | 'verify';
  /** The --filter expression (pcap-filter syntax); absent without a filter. */
  filter?: string;
  /** Options of later trackers, by the names their modules declare (udpTimeout, icmpTimeout, maxUdpFlows, ...). */
  [trackerOption: string]: number | number[] | string | undefined;
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
  /**
   * Present only when --max-state-mb, not maxEndpoints, made endpoints share rows (key
   * `endpointRowsForMemory`): how many rows were followed one by one then. Typed by the index below.
   */
  /** Caps, evictions and omissions of trackers registered later: each one's own names (see its module). */
  [trackerLimit: string]: number | string[];
}
