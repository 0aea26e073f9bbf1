/** Totals over report.limits that several views show: one definition, so a new cap joins all of them. */
import type { LimitsReport } from './schema.js';
import { TRACKERS } from '../track/registry.js';

/** Everything evicted at table caps: each tracker's caps and the IP fragment trains. */
export function evictedTotal(l: LimitsReport): number {
  let total = l.evictedFragments;
  for (const module of TRACKERS) for (const cap of module.caps) total += (l[cap.evicted] as number | undefined) ?? 0;
  return total;
}

/** Rows left out of the report's lists beyond --max-records (they still count in the summaries). */
export function omittedTotal(l: LimitsReport): number {
  let total = 0;
  for (const module of TRACKERS) for (const omission of module.omissions) total += (l[omission.key] as number | undefined) ?? 0;
  return total;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * One warning per table cap that evicted anything: the README promises evictions are said in a
 * warning, never only counted in `limits`. In report order: the first tracker's caps, the IP
 * fragment trains, the other trackers' caps.
 */
export function evictionWarnings(l: LimitsReport): string[] {
  const caps: { count: number; one: string; many: string; option: string; cap: number; unit?: string; consequence: string }[] = [];
  TRACKERS.forEach((module, i) => {
    for (const c of module.caps) {
      caps.push({ count: (l[c.evicted] as number | undefined) ?? 0, one: c.one, many: c.what, option: c.option, cap: l[c.max] as number, unit: c.unit, consequence: c.consequence(l) });
    }
    if (i === 0) {
      caps.push({ count: l.evictedFragments, one: 'IP fragment train', many: 'IP fragment trains', option: '--max-fragments', cap: l.maxFragments, consequence: PARTIAL });
    }
  });
  return caps.filter((c) => c.count > 0)
    .map((c) => `${plural(c.count, c.one, c.many)} evicted at the cap of ${c.cap}${c.unit ? ` ${c.unit}` : ''} (${c.option}), the least recently seen first${c.consequence}`);
}

/** What an eviction at a cap means for most tables. */
export const PARTIAL = ': results for them are partial';
