import type { AnalyzeOptions } from '../../src/pipeline.js';
import type { AnyReport } from '../../src/report/schema.js';

/** The pipeline and renderers a run needs (from dist/ via loadApi, or from src/ in tests). */
export interface FuzzApi {
  analyzeCapture(path: string, options?: AnalyzeOptions): Promise<AnyReport>;
  renderTable(reports: readonly AnyReport[], opts: { color: boolean }): string;
  renderMarkdown(reports: readonly AnyReport[]): string;
  ndjsonRecords(report: AnyReport, view?: 'analyze' | 'state'): Iterable<unknown>;
}
export type Outcome = 'report' | 'stopped' | 'failed';
export interface RunResult {
  /** report: read to the end; stopped: a report with capture.error; failed: a FailedReport. */
  outcome: Outcome;
  packets: number;
  /** Contract violations (empty when the report is fine). */
  problems: string[];
}
export function loadApi(distDir: string): Promise<FuzzApi>;
/** Contract violations of a report for the capture at `path`. */
export function problemsOf(report: unknown, path: string): string[];
/** Analyzes and renders; throws whatever the pipeline or a renderer throws. */
export function runOne(api: FuzzApi, path: string, options: AnalyzeOptions, render?: 'all' | 'json' | 'table' | 'markdown' | 'ndjson'): Promise<RunResult>;
