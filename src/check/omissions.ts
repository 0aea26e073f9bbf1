/**
 * A metric over flows, transactions or connections is computed from the rows the report lists. When
 * --max-records cut a list, such a metric would count only the listed rows and could pass a
 * threshold the capture actually breaks, so it is refused with the reason instead.
 */
import type { Report } from '../report/schema.js';
import { TRACKERS } from '../track/registry.js';

/** Why `metric` cannot be measured on `report`, or null when nothing it reads was left out. */
export function omittedRowsProblem(report: Report, metric: string): string | null {
  const l = report.limits;
  const family = metric.split('.')[0];
  const cut = family === 'tcp' ? { rows: l.omittedFlows, what: 'TCP flows', total: report.tcp.summary.flows }
    : family === 'dns' ? { rows: l.omittedDnsTransactions + l.omittedDnsRows, what: 'DNS rows', total: null }
    : family === 'quic' ? { rows: l.omittedQuicConnections, what: 'QUIC connections', total: report.quic.summary.connections }
    : registeredCut(report, family);
  if (cut === null || cut.rows === 0) return null;
  const of = cut.total === null ? `${cut.rows} ${cut.what} were not listed` : `only ${cut.total - cut.rows} of ${cut.total} ${cut.what} are listed`;
  return `${report.capture.path}: ${of} (--max-records ${l.maxRecords}); raise --max-records to check ${metric}`;
}

/** A later tracker's family: its omission counts over its module's omission keys. */
function registeredCut(report: Report, family: string): { rows: number; what: string; total: null } | null {
  const module = TRACKERS.find((m) => m.name === family);
  if (module === undefined || module.omissions.length === 0) return null;
  const rows = module.omissions.reduce((n, o) => n + (report.limits[o.key] as number), 0);
  return { rows, what: `${module.label} rows`, total: null };
}
