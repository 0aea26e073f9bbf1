/** Totals over report.limits that several views show: one definition, so a new cap joins all of them. */
import type { LimitsReport } from './schema.js';
import { TRACKERS } from '../track/registry.js';

/** Everything evicted at table caps: each tracker's caps and the IP fragment trains. */
export function evictedTotal(l: LimitsReport): number {
  let total = l.evictedFragments;
  for (const module of TRACKERS) for (const cap of module.caps) total += l[cap.evicted] as number;
  return total;
}

/** Rows left out of the report's lists beyond --max-records (they still count in the summaries). */
export function omittedTotal(l: LimitsReport): number {
  let total = 0;
  for (const module of TRACKERS) for (const omission of module.omissions) total += l[omission.key] as number;
  return total;
}
