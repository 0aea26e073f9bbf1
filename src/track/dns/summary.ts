/** The DNS summary, tallied over every finished transaction (listed or not). */
import type { DnsReport, DnsTransactionReport } from '../../model/dns.js';

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
 * The summary, tallied one transaction at a time (those not listed in the report too).
 * `queries` counts transactions (a retransmitted query is not a new query); RTT and rcodes are
 * taken over every transaction that got a response (answered and late).
 */
export class DnsSummaryTally {
  private queries = 0;
  private readonly counts = { answered: 0, unanswered: 0, late: 0, rejected: 0 };
  private readonly rtts: number[] = [];
  private readonly rcodes: Record<string, number> = {};

  add(t: Pick<DnsTransactionReport, 'outcome' | 'rtt' | 'rcode'>): void {
    this.queries += 1;
    this.counts[t.outcome] += 1;
    if (t.rtt !== null) this.rtts.push(t.rtt);
    if (t.rcode !== null) this.rcodes[t.rcode] = (this.rcodes[t.rcode] ?? 0) + 1;
  }

  result(unsolicited: number, malformed: number): DnsReport['summary'] {
    const rtts = [...this.rtts].sort((a, b) => a - b);
    return {
      queries: this.queries,
      ...this.counts,
      unsolicited,
      malformed,
      rttMedian: median(rtts),
      rttP95: percentile(rtts, 0.95),
      rcodes: { ...this.rcodes },
    };
  }
}

