/** The DNS summary: a pure function of the finished transaction list. */
import type { DnsReport, DnsTransactionReport } from '../../report/schema.js';

/** Nearest-rank percentile of an ascending list (p in (0, 1]); null for an empty list. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Median of an ascending list: the middle value, or the mean of the two middle values. */
export function median(sorted: readonly number[]): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * `queries` counts transactions (a retransmitted query is not a new query); RTT and rcodes are
 * taken over every transaction that got a response (answered and late).
 */
export function dnsSummary(transactions: readonly DnsTransactionReport[], unsolicited: number, malformed: number): DnsReport['summary'] {
  const counts = { answered: 0, unanswered: 0, late: 0, rejected: 0 };
  const rtts: number[] = [];
  const rcodes: Record<string, number> = {};
  for (const t of transactions) {
    counts[t.outcome] += 1;
    if (t.rtt !== null) rtts.push(t.rtt);
    if (t.rcode !== null) rcodes[t.rcode] = (rcodes[t.rcode] ?? 0) + 1;
  }
  rtts.sort((a, b) => a - b);
  return {
    queries: transactions.length,
    ...counts,
    unsolicited,
    malformed,
    rttMedian: median(rtts),
    rttP95: percentile(rtts, 0.95),
    rcodes,
  };
}
