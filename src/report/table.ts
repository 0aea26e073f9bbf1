/**
 * The table view of `analyze` and `state` (issues 2-5). One block per capture, in input order; a
 * capture that could not be read prints its error. Color is decided by the CLI (TTY, NO_COLOR):
 * with `color: false` the output contains no ANSI escape at all.
 */
import type { AnyReport, Report } from './schema.js';
import { captureSection } from './table-capture.js';
import { endpointsSection } from './table-endpoints.js';
import { attemptsSection, stateLossSection } from './table-state-loss.js';
import { paint, type FitNote } from './cli-table.js';
import { DEFAULT_MAX_ROWS, type SectionOptions, type SortKey, type TimeMode } from './layout.js';
import { isFailed } from './failed.js';
import { costModelNote } from './format.js';
import { TRACKERS, type AnyTrackerModule } from '../track/registry.js';

export interface TableOptions {
  color: boolean;
  /** Rows per list before a "N more" line (default 50; --top). */
  maxRows?: number;
  /** Columns available (a terminal's width); unlimited when absent (--wide, pipes, files). */
  width?: number;
  sort?: SortKey;
  time?: TimeMode;
}

export { DEFAULT_MAX_ROWS };

function failedBlock(path: string, error: string, color: boolean): string {
  return `${paint(path, 'bold', color)}\n${paint('error', 'red', color)}: ${error}`;
}

function reportBlock(report: Report, opts: TableOptions & { maxRows: number }, endpointsOnly: boolean): string {
  const note: FitNote = { dropped: [] };
  const o: SectionOptions = { ...opts, origin: report.capture.firstTime, note };
  const fitNote = () => (note.dropped.length > 0
    ? [`(left out to fit ${opts.width} columns: ${note.dropped.join(', ')}; --wide shows every column)`] : []);
  if (endpointsOnly) {
    const rest = [attemptsSection(report.attempts, o), stateLossSection(report.stateLoss, o)].filter((s): s is string => s !== null);
    const head = [paint(report.capture.path, 'bold', opts.color), endpointsSection(report.endpoints, o, report.stateLoss), estimateNote(report), ...fitNote()].join('\n');
    return [head, ...rest].join('\n\n');
  }
  const view = { ...o, options: report.options };
  const byName = report as unknown as Record<string, unknown>;
  const sections = [
    captureSection(report, opts.color, opts.width),
    ...(TRACKERS as readonly AnyTrackerModule[]).map((m) => (byName[m.name] === undefined ? null : m.table(byName[m.name], view))),
    `${endpointsSection(report.endpoints, o, report.stateLoss)}
${estimateNote(report)}`,
    attemptsSection(report.attempts, o),
    stateLossSection(report.stateLoss, o),
    ...fitNote(),
  ];
  return sections.filter((s): s is string => s !== null).join('\n\n');
}

/** Byte figures come from the cost model, not from the endpoint's memory: say so once, under them. */
function estimateNote(report: Report): string {
  return costModelNote(report.costModel.name);
}

function render(reports: readonly AnyReport[], opts: TableOptions, endpointsOnly: boolean): string {
  const full = { ...opts, maxRows: Math.max(1, opts.maxRows ?? DEFAULT_MAX_ROWS) };
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
