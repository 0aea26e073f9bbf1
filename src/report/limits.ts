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
