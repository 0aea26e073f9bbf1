/** The capture summary at the top of the table view: what was read and what could not be decoded. */
import type { Report } from './schema.js';
import { renderKeyValue, paint } from './cli-table.js';
import { evictedTotal } from './limits.js';
import { countOf, formatBytes, formatCounts, formatSeconds, formatTime } from './format.js';

export function captureSection(report: Report, color: boolean, width?: number): string {
  const c = report.capture;
  const duration = c.firstTime !== null && c.lastTime !== null ? c.lastTime - c.firstTime : null;
  const format = c.format === null ? 'unknown' : c.compressed ? `${c.format} (gzip)` : c.format;
  const rows: [string, string][] = [
    ['Capture', c.path],
    ['Format', format],
    ['Link types', c.linkTypes.length > 0 ? c.linkTypes.join(', ') : '-'],
    ['Packets', `${c.packets} (${formatBytes(c.bytes)})`],
    ['Time', `${formatTime(c.firstTime)} to ${formatTime(c.lastTime)} (${formatSeconds(duration)})`],
    ...(report.options.filter !== undefined
      ? [['Filter', `${report.options.filter} (${c.packets - (c.filteredOut ?? 0)} of ${c.packets} packets passed)`] as [string, string]] : []),
    ['Undecoded', formatCounts(c.undecoded)],
    ['Connections', [
      report.tcp.summary.flows > 0 ? `${countOf(report.tcp.summary.flows, 'TCP connection', 'TCP connections')} (${formatCounts(report.tcp.summary.connStates)})`
        : 'no TCP connection',
      countOf(report.dns.summary.queries, 'DNS query', 'DNS queries'),
      countOf(report.quic.summary.connections, 'QUIC connection', 'QUIC connections'),
    ].join(', ')],
  ];
  if (evictedTotal(report.limits) > 0) {
    const l = report.limits;
    rows.push(['Evicted', paint(`flows ${l.evictedFlows}, fragments ${l.evictedFragments}, DNS queries ${l.evictedDnsQueries}, ` +
      `QUIC connections ${l.evictedQuicConnections} (table caps reached)`, 'red', color)]);
  }
  if (c.error !== undefined) rows.push(['Stopped', paint(c.error, 'red', color)]);
  const lines = [renderKeyValue(rows, { color, width })];
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  return lines.join('\n');
}
