/**
 * Judges one expectation over one or more reports and explains the result in plain words: the
 * actual value, and where to look (the records that did not count when the value fell short, the
 * ones that counted when it overshot), with packet numbers and flows.
 */
import { basename } from 'node:path';
import type { Report } from '../report/schema.js';
import { measureMetric, type Measurement, type RecordList } from './metrics.js';
import { fellShort, formatValue, holds, withUnit, type Expectation } from './expectation.js';
import { describeWhere, isEmptyWhere, type Where } from './where.js';

export interface Judgement {
  expectation: Expectation;
  actual: number | string;
  passed: boolean;
  /** One line when passed; several lines ("  - ...") naming records when failed. */
  explanation: string;
}

/** At most this many records are named in an explanation. */
export const MAX_EVIDENCE = 5;

function evidence(records: RecordList, multi: boolean): string[] {
  const shown = records.describe(MAX_EVIDENCE).map((l) => `  - ${multi ? `${basename(l.capture)}: ` : ''}${l.text}`);
  if (records.length > MAX_EVIDENCE) shown.push(`  - … and ${records.length - MAX_EVIDENCE} more`);
  return shown;
}

function explainFailure(reports: readonly Report[], e: Expectation, m: Measurement, where: Where): string {
  const multi = reports.length > 1;
  const filtered = m.narrowed && !isEmptyWhere(where);
  const scopeWords = filtered ? ` among ${m.noun} with ${describeWhere(where)}` : '';
  const lines = [`expected ${e.metric} ${e.op} ${withUnit(e.value, m.kind)}${scopeWords}, found ${withUnit(m.value, m.kind)}.`];
  const short = fellShort(e, m.value);

  if (m.value === 'absent') {
    lines.push(`${m.noun} does not appear in the capture${multi ? 's' : ''}.`);
    if (m.candidates.length > 0) lines.push('Endpoints seen:', ...evidence(m.candidates, multi));
  } else if (m.kind === 'text') {
    lines.push('Look at:', ...evidence(m.candidates, multi));
  } else if (short && m.candidates.length === 0) {
    lines.push(`No ${m.noun}${filtered ? ` with ${describeWhere(where)}` : ''} in the capture${multi ? 's' : ''}.`);
    if (filtered) {
      const everything = measureMetric(reports, e.metric, {});
      if (!('error' in everything) && everything.candidates.length > 0) {
        lines.push(`Without that filter, ${m.noun} in the capture${multi ? 's' : ''} (${everything.candidates.length}):`,
          ...evidence(everything.candidates, multi));
      }
    }
  } else if (short) {
    const pool = m.uncounted.length > 0 ? m.uncounted : m.candidates;
    lines.push(m.uncounted.length > 0 ? `These ${m.noun} did not count:` : `Look at these ${m.noun}:`, ...evidence(pool, multi));
  } else if (m.counted.length > 0) {
    lines.push(`These ${m.noun} count against it:`, ...evidence(m.counted, multi));
  }
  return lines.join('\n');
}

/** Evaluates `e` over `reports` (analysed together) narrowed by `where`. */
export function judge(reports: readonly Report[], e: Expectation, where: Where = {}): Judgement | { error: string } {
  const m = measureMetric(reports, e.metric, where);
  if ('error' in m) return m;
  const passed = holds(e, m.value);
  const explanation = passed ? `${e.text}: ${formatValue(m.value)}` : explainFailure(reports, e, m, where);
  return { expectation: e, actual: m.value, passed, explanation };
}
