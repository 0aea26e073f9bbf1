/**
 * What a command says on stderr about one report, and whether it is bad input: all it needs of a
 * report whose text a worker wrote (see worker.ts).
 */
import type { AnyReport } from '../report/schema.js';
import { isFailed } from '../report/failed.js';

export interface ReportNotes {
  /** The capture could not be read at all (a failed report). */
  error?: string;
  warnings: string[];
  /** The capture was read in part (truncated, corrupt): the results up to there stand. */
  captureError?: string;
}

export function notesOf(report: AnyReport): ReportNotes {
  if (isFailed(report)) return { error: report.error, warnings: [] };
  return { warnings: report.warnings, captureError: report.capture.error };
}
