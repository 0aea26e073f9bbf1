/**
 * How the table view is laid out, as chosen on the command line: rows per list (--top), their
 * order (--sort), times relative to the capture's first packet or absolute (--time), and the
 * columns available (a terminal's width, unless --wide).
 */
import type { FitNote } from './cli-table.js';

/** Rows per list before a "N more" line (--top); here so the CLI can name it without loading the table code. */
export const DEFAULT_MAX_ROWS = 50;

export const SORT_KEYS = ['id', 'start', 'packets', 'bytes', 'duration', 'problems'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export const TIME_MODES = ['relative', 'absolute'] as const;
export type TimeMode = (typeof TIME_MODES)[number];

export interface SectionOptions {
  color: boolean;
  maxRows: number;
  width?: number;
  sort?: SortKey;
  time?: TimeMode;
  /** The capture's first packet time, origin of relative times. */
  origin?: number | null;
  /** Collects columns left out to fit the width, for one note under the report. */
  note?: FitNote;
}

/** Rows in --sort order: id/start ascending (capture order), the others largest first, ties by id. */
export function sortRows<T extends { id: number }>(rows: readonly T[], key: SortKey | undefined, measure: (row: T, key: SortKey) => number): T[] {
  if (key === undefined || key === 'id') return [...rows];
  const sign = key === 'start' ? 1 : -1;
  return [...rows].sort((a, b) => sign * (measure(a, key) - measure(b, key)) || a.id - b.id);
}
