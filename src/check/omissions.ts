/**
 * A metric over flows, transactions or connections is computed from the rows the report lists. When
 * --max-records cut a list, such a metric would count only the listed rows and could pass a
 * threshold the capture actually breaks, so it is refused with the reason instead.
 */
import type { Report } from '../report/schema.js';

/** Why `metric` cannot be measured on `report`, or null when nothing it reads was left out. */
export function omittedRowsProblem(report: Report, metric: string): string | null {
  const l = report.limits;
  const family = metric.split('.')[0];
  const cut = family === 'tcp' ? { rows: l.omittedFlows, what: 'TCP flows', total: report.tcp.summary.flows }
    : family === 'dns' ? { rows: l.omittedDnsTransactions + l.omittedDnsRows, what: 'DNS rows', total: null }
    : family === 'quic' ? { rows: l.omittedQuicConnections, what: 'QUIC connections', total: report.quic.summary.connections }
    : null;
  if (cut === null || cut.rows === 0) return null;
  const of = cut.total === null ? `${cut.rows} ${cut.what} were not listed` : `only ${cut.total - cut.rows} of ${cut.total} ${cut.what} are listed`;
  return `${report.capture.path}: ${of} (--max-records ${l.maxRecords}); raise --max-records to check ${metric}`;
}
