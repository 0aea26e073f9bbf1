/**
 * NDJSON records (issue 6): one JSON object per line for jq, Elastic or DuckDB. A `capture`
 * summary record comes first, then one record per TCP flow, DNS transaction, QUIC connection and
 * endpoint, each with `type` and the capture path in `capture`. The lead's CLI writes them as each
 * capture's analysis ends.
 */
import type {
  AnyReport, CaptureReport, DnsReport, DnsTransactionReport, EndpointReport, AttemptReport, StateLossReport, LimitsReport, QuicConnectionReport, QuicReport,
  TcpFlowReport, TcpReport,
} from './schema.js';
import { isFailed } from './failed.js';
import { TRACKERS, type AnyTrackerModule } from '../track/registry.js';

export interface CaptureRecord {
  type: 'capture';
  capture: string;
  /** Set when the capture could not be read at all; nothing else follows it then. */
  error?: string;
  /** What was read (absent when `error` is set). */
  file?: Omit<CaptureReport, 'path'>;
  /** Each area without its per-record list (those follow as records of their own). */
  tcp?: Omit<TcpReport, 'flows'>;
  dns?: Omit<DnsReport, 'transactions'>;
  quic?: Omit<QuicReport, 'connections'>;
  /** Sections of later trackers, each without its listed rows, by tracker name. */
  [section: string]: unknown;
  limits?: LimitsReport;
  costModel?: string;
  warnings?: string[];
}

export type TcpFlowRecord = { type: 'tcp-flow'; capture: string } & TcpFlowReport;
export type DnsTransactionRecord = { type: 'dns-transaction'; capture: string } & DnsTransactionReport;
export type QuicConnectionRecord = { type: 'quic-connection'; capture: string } & QuicConnectionReport;
export type EndpointRecord = { type: 'endpoint'; capture: string } & EndpointReport;
export type AttemptRecord = { type: 'attempt'; capture: string } & AttemptReport;
export type StateLossRecord = { type: 'state-loss'; capture: string } & StateLossReport;

/** A row of a later tracker's list: its module's `ndjson.type`. */
export type TrackerRowRecord = { type: string; capture: string } & Record<string, unknown>;

export type NdjsonRecord = CaptureRecord | TcpFlowRecord | DnsTransactionRecord | QuicConnectionRecord | EndpointRecord | AttemptRecord | StateLossRecord | TrackerRowRecord;

/**
 * The records of one report. `view: 'state'` (for `statecap state`) yields the capture record,
 * the endpoint, attempt and state-loss records only.
 */
export function* ndjsonRecords(report: AnyReport, view: 'analyze' | 'state' = 'analyze'): Iterable<NdjsonRecord> {
  const capture = report.capture.path;
  if (isFailed(report)) {
    yield { type: 'capture', capture, error: report.error };
    return;
  }
  const { path: _path, ...file } = report.capture;
  const sections = report as unknown as Record<string, Record<string, unknown>>;
  const summaries: Record<string, unknown> = {};
  const lists: { type: string; rows: readonly Record<string, unknown>[] }[] = [];
  for (const m of TRACKERS as readonly AnyTrackerModule[]) {
    const section = sections[m.name];
    if (m.ndjson === null) {
      summaries[m.name] = section;
      continue;
    }
    const { [m.ndjson.list]: rows, ...rest } = section;
    summaries[m.name] = rest;
    lists.push({ type: m.ndjson.type, rows: rows as Record<string, unknown>[] });
  }
  yield {
    type: 'capture',
    capture,
    file,
    ...summaries,
    limits: report.limits,
    costModel: report.costModel.name,
    warnings: report.warnings,
  };
  if (view === 'analyze') {
    for (const list of lists) for (const row of list.rows) yield { type: list.type, capture, ...row } as NdjsonRecord;
  }
  for (const e of report.endpoints) yield { type: 'endpoint', capture, ...e };
  for (const a of report.attempts ?? []) yield { type: 'attempt', capture, ...a };
  for (const l of report.stateLoss ?? []) yield { type: 'state-loss', capture, ...l };
}
