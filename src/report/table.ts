/**
 * The table view of `analyze` and `state` (issues 2-5). One block per capture, in input order; a
 * capture that could not be read prints its error. Color is decided by the CLI (TTY, NO_COLOR):
 * with `color: false` the output contains no ANSI escape at all.
 */
import type { AnyReport, Report } from './schema.js';
import { captureSection } from './table-capture.js';
import { tcpSection } from './table-tcp.js';
import { dnsSection } from './table-dns.js';
import { quicSection } from './table-quic.js';
import { endpointsSection } from './table-endpoints.js';
import { attemptsSection, stateLossSection } from './table-state-loss.js';
import { paint } from './cli-table.js';
import { isFailed } from './failed.js';

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
    const rest = [attemptsSection(report.attempts, o), stateLossSection(report.stateLoss, o)].filter((s): s is string => s !== null);
    return [`${paint(report.capture.path, 'bold', opts.color)}\n${endpointsSection(report.endpoints, o, report.stateLoss)}`, ...rest].join('\n\n');
  }
  const sections = [
    captureSection(report, opts.color),
    tcpSection(report.tcp.flows, report.tcp.summary.flows, o),
    dnsSection(report.dns, report.options.dnsTimeout, o),
    quicSection(report.quic, o),
    endpointsSection(report.endpoints, o, report.stateLoss),
    attemptsSection(report.attempts, o),
    stateLossSection(report.stateLoss, o),
  ];
  return sections.filter((s): s is string => s !== null).join('\n\n');
}

function render(reports: readonly AnyReport[], opts: TableOptions, endpointsOnly: boolean): string {
  const full: Required<TableOptions> = { color: opts.color, maxRows: Math.max(1, opts.maxRows ?? DEFAULT_MAX_ROWS) };
  const blocks = reports.map((r) => (isFailed(r) ? failedBlock(r.capture.path, r.error, opts.color) : reportBlock(r, full, endpointsOnly)));
  return `${blocks.join('\n\n')}\n`;
}

/** Everything: capture summary, TCP, DNS, QUIC and endpoints. */
export function renderTable(reports: readonly AnyReport[], opts: TableOptions): string {
  return render(reports, opts, false);
}

/** The endpoints view alone, for `statecap state`. */
export function renderStateTable(reports: readonly AnyReport[], opts: TableOptions): string {
  return render(reports, opts, true);
}
