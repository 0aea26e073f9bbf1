/**
 * The building blocks of `check` metrics (check/metrics.ts, and the metrics each tracker module
 * declares): counts, sums and statistics over the records in scope, and figures of whole captures,
 * each with the records behind its value for explanations.
 */
import type { Report } from '../report/schema.js';
import type { Scope, Scoped } from './scope.js';
import { isEmptyWhere, type Conversation } from './where.js';

/** A list of a tracker's records that metrics count and `where` narrows (check/scope.ts). */
export interface CheckRecords {
  /** The list's name in Scope.records ("tcp", "dns.unsolicited"). */
  list: string;
  /** Each record of one report (which has the tracker's section) with the facts `where` tests. */
  conversations(report: Report): Iterable<readonly [unknown, Conversation]>;
}

export type MetricKind = 'count' | 'bytes' | 'seconds' | 'text';

export interface MetricDoc {
  /** The name as written in expectations; <...> marks a part the user fills in. */
  name: string;
  kind: MetricKind;
  meaning: string;
  /** Whether a `where` filter narrows it (capture-level figures and endpoint[...] are not narrowed). */
  where: boolean;
}

/** A record that the metric counted or could have counted, for explanations. */
export interface EvidenceLine {
  capture: string;
  text: string;
}

/**
 * Records behind a value, described only on demand: a capture may hold a million flows, and only
 * a failed expectation's explanation names a few of them.
 */
export interface RecordList {
  readonly length: number;
  /** Plain-words lines for the first `limit` records. */
  describe(limit: number): EvidenceLine[];
}

export interface Measurement {
  value: number | string;
  kind: MetricKind;
  /** What the metric counts ("TCP connections"), for explanations. */
  noun: string;
  /** Records in scope (after `where`). */
  candidates: RecordList;
  /** The subset that contributes to the value (counted, or with a non-zero share of a sum). */
  counted: RecordList;
  /** The other candidates. */
  uncounted: RecordList;
  /** Whether the `where` filter applied to this metric. */
  narrowed: boolean;
}

export type Measure = (scope: Scope) => Omit<Measurement, 'narrowed'>;
export interface Resolved {
  kind: MetricKind;
  narrowed: boolean;
  measure: Measure;
}

/** A metric: its documentation, the names it matches, and how to measure a match (or why it names nothing). */
export interface MetricDef extends MetricDoc {
  pattern: RegExp;
  resolve: (match: RegExpExecArray) => Resolved | { error: string };
}

// ------------------------------------------------------------------ building blocks

export function lines<T>(records: readonly Scoped<T>[], describe: (item: T) => string): RecordList {
  return {
    length: records.length,
    describe: (limit) => records.slice(0, limit).map((r) => ({ capture: r.capture, text: describe(r.item) })),
  };
}

/** Splits records into those that count and the others, as lazily described lists. */
export function partition<T>(records: readonly Scoped<T>[], describe: (item: T) => string, counts: (item: T) => boolean) {
  const counted: Scoped<T>[] = [];
  const uncounted: Scoped<T>[] = [];
  for (const r of records) (counts(r.item) ? counted : uncounted).push(r);
  return { candidates: lines(records, describe), counted: lines(counted, describe), uncounted: lines(uncounted, describe), count: counted.length };
}

export function counter<T>(
  noun: string, pick: (s: Scope) => Scoped<T>[], describe: (item: T) => string, predicate: (item: T) => boolean = () => true,
): Resolved {
  return {
    kind: 'count',
    narrowed: true,
    measure: (scope) => {
      const { count, ...evidence } = partition(pick(scope), describe, predicate);
      return { value: count, kind: 'count', noun, ...evidence };
    },
  };
}

export function summer<T>(
  noun: string, pick: (s: Scope) => Scoped<T>[], describe: (item: T) => string, value: (item: T) => number, kind: MetricKind = 'count',
): Resolved {
  return {
    kind,
    narrowed: true,
    measure: (scope) => {
      const all = pick(scope);
      const total = all.reduce((n, r) => n + value(r.item), 0);
      const { count: _, ...evidence } = partition(all, describe, (item) => value(item) > 0);
      return { value: total, kind, noun, ...evidence };
    },
  };
}

export function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/**
 * A statistic over per-record seconds. With no filter and one capture the report's own summary
 * figure is used (`fromSummary`), so check agrees with the table and JSON exactly.
 */
export function secondsStat<T>(
  noun: string, pick: (s: Scope) => Scoped<T>[], describe: (item: T) => string, value: (item: T) => number | null,
  stat: (sorted: readonly number[]) => number | null, fromSummary?: (r: Report) => number | null,
): Resolved {
  return {
    kind: 'seconds',
    narrowed: true,
    measure: (scope) => {
      const all = pick(scope);
      const values: number[] = [];
      for (const r of all) {
        const v = value(r.item);
        if (v !== null) values.push(v);
      }
      values.sort((a, b) => a - b);
      const whole = fromSummary !== undefined && scope.reports.length === 1 && isEmptyWhere(scope.where);
      const result = whole ? fromSummary(scope.reports[0]) : stat(values);
      const { count: _, ...evidence } = partition(all, describe, (item) => value(item) !== null);
      return { value: result ?? 'none', kind: 'seconds', noun, ...evidence };
    },
  };
}

/** A figure of the captures themselves, not narrowed by `where`. */
export function captureFigure(noun: string, value: (r: Report) => number, kind: MetricKind = 'count'): Resolved {
  return {
    kind,
    narrowed: false,
    measure: (scope) => {
      const records = scope.reports.map((r) => ({ capture: r.capture.path, item: r }));
      const total = scope.reports.reduce((n, r) => n + value(r), 0);
      const { count: _, ...evidence } = partition(records, (r) => `${r.capture.path}: ${value(r)} ${noun}`, (r) => value(r) > 0);
      return { value: total, kind, noun, ...evidence };
    },
  };
}

/** A metric whose every match measures the same way. */
export const fixed = (resolved: Resolved) => (): Resolved => resolved;

/** The records of one list in scope (a tracker's `checkRecords`), typed by the metric that reads them. */
export function recordsOf<T>(list: string): (scope: Scope) => Scoped<T>[] {
  return (scope) => (scope.records[list] ?? []) as Scoped<T>[];
}
