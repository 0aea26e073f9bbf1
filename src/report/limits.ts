/** Totals over report.limits that several views show: one definition, so a new cap joins all of them. */
import type { LimitsReport } from './schema.js';

/** Flows, fragment trains, pending DNS queries and QUIC connections evicted at table caps. */
export function evictedTotal(l: LimitsReport): number {
  return l.evictedFlows + l.evictedFragments + l.evictedDnsQueries + l.evictedQuicConnections;
}

/** Rows left out of the report's lists beyond --max-records (they still count in the summaries). */
export function omittedTotal(l: LimitsReport): number {
  return l.omittedFlows + l.omittedDnsTransactions + l.omittedDnsRows + l.omittedQuicConnections;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * One warning per table cap that evicted anything: the README promises evictions are said in a
 * warning, never only counted in `limits`.
 */
export function evictionWarnings(l: LimitsReport): string[] {
  const partial = ': results for them are partial';
  const caps: [number, string, string, string, number, string][] = [
    [l.evictedFlows, 'TCP flow', 'TCP flows', '--max-flows', l.maxFlows,
      l.evictedOpenFlows > 0 ? `, ${l.evictedOpenFlows} of them still open: results for those are partial` : ''],
    [l.evictedFragments, 'IP fragment train', 'IP fragment trains', '--max-fragments', l.maxFragments, partial],
    [l.evictedDnsQueries, 'pending DNS query', 'pending DNS queries', '--max-pending-dns', l.maxPendingDns, partial],
    [l.evictedQuicConnections, 'QUIC connection', 'QUIC connections', '--max-quic-connections', l.maxQuicConnections, partial],
  ];
  return caps.filter(([count]) => count > 0)
    .map(([count, one, many, option, cap, consequence]) => `${plural(count, one, many)} evicted at the cap of ${cap} (${option}), the least recently seen first${consequence}`);
}
