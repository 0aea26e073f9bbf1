/**
 * The table view of `analyze` and `state` (issues 2-5). One block per capture, in input order; a
 * capture that could not be read prints its error. Color is decided by the CLI (TTY, NO_COLOR):
 * with `color: false` the output contains no ANSI escape at all.
 */
import type { AnyReport, Report } from './schema.js';
import { captureSection } from './table-capture.js';
import { endpointsSection } from './table-endpoints.js';
import { paint } from './cli-table.js';
import { isFailed } from './failed.js';
import { TRACKERS, type AnyTrackerModule } from '../track/registry.js';

export interface TableOptions {
  color: boolean;
  /** Rows per list before a "N more" line (default 50). */
  maxRows?: number;
}

export const DEFAULT_MAX_ROWS = 50;

function failedBlock(path: string, error: string, color: boolean): string {
  return `${paint(path, 'bold', color)}\n${paint('error', 'red', color)}: ${error}`;
}

function reportBlock(report: Report, opts: Required<TableOptions>, endpointsOnly: boolean): string {
  const o = { color: opts.color, maxRows: opts.maxRows };
  if (endpointsOnly) {
    return [paint(report.capture.path, 'bold', opts.color), endpointsSection(report.endpoints, o)].join('\n');
  }
  const view = { ...o, options: report.options };
  const byName = report as unknown as Record<string, unknown>;
  const sections = [
    captureSection(report, opts.color),
    ...(TRACKERS as readonly AnyTrackerModule[]).map((m) => m.table(byName[m.name], view)),
    endpointsSection(report.endpoints, o),
  ];
  return sections.filter((s): s is string => s !== null).join('\n\n');
}

function render(reports: readonly AnyReport[], opts: TableOptions, endpointsOnly: boolean): string {
  const full: Required<TableOptions> = { color: opts.color, maxRows: Math.max(1, opts.maxRows ?? DEFAULT_MAX_ROWS) };
  const blocks = reports.map((r) => (isFailed(r) ? failedBlock(r.capture.path, r.error, opts.color) : reportBlock(r, full, endpointsOnly)));
  return `${blocks.join('\n\n')}\n`;
}

/** Everything: capture summary, each tracker's section and endpoints. */
export function renderTable(reports: readonly AnyReport[], opts: TableOptions): string {
  return render(reports, opts, false);
}

/** The endpoints view alone, for `statecap state`. */
export function renderStateTable(reports: readonly AnyReport[], opts: TableOptions): string {
  return render(reports, opts, true);
}
