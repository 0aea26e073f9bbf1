/**
 * The output of `statecap check` in each --format: text (table), markdown (a CI job summary:
 * the results, then the report of each capture), json, and ndjson (one record per result).
 */
import type { AnyReport } from '../report/schema.js';
import { renderMarkdown, mdText } from '../report/markdown.js';
import { paint } from '../report/cli-table.js';
import { formatValue, withUnit } from './expectation.js';
import { checkCounts, type CheckResult } from './run.js';

function groupByCapture(results: readonly CheckResult[]): Map<string, CheckResult[]> {
  const groups = new Map<string, CheckResult[]>();
  for (const r of results) {
    const list = groups.get(r.capture);
    if (list === undefined) groups.set(r.capture, [r]);
    else list.push(r);
  }
  return groups;
}

function totals(results: readonly CheckResult[]): string {
  const c = checkCounts(results);
  return `${c.passed} passed, ${c.failed} failed${c.errors > 0 ? `, ${c.errors} error${c.errors === 1 ? '' : 's'}` : ''}`;
}

/** "PASS/FAIL/ERROR <expectation>" per capture, failures with their explanation, then the totals. */
export function renderCheckText(results: readonly CheckResult[], opts: { color: boolean }): string {
  const lines: string[] = [];
  for (const [capture, list] of groupByCapture(results)) {
    lines.push(paint(capture, 'bold', opts.color));
    for (const r of list) {
      if (r.status === 'passed') {
        lines.push(`  ${paint('PASS', 'green', opts.color)} ${r.expectation.text} (actual ${r.actual === null ? '-' : withUnit(r.actual, r.expectation.kind)})`);
      } else if (r.status === 'failed') {
        lines.push(`  ${paint('FAIL', 'red', opts.color)} ${r.expectation.text} (actual ${r.actual === null ? '-' : withUnit(r.actual, r.expectation.kind)})`);
        // The first line repeats the expectation and the actual value shown above.
        for (const line of r.message.split('\n').slice(1)) lines.push(`       ${line}`);
      } else {
        lines.push(`  ${paint('ERROR', 'red', opts.color)} ${r.expectation.text}: ${r.message}`);
      }
    }
  }
  lines.push(totals(results));
  return `${lines.join('\n')}\n`;
}

function htmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const ICON = { passed: '✅', failed: '❌', error: '⚠️' } as const;

/** Markdown for $GITHUB_STEP_SUMMARY: a results table per capture, then the markdown report. */
export function renderCheckMarkdown(results: readonly CheckResult[], reports: readonly AnyReport[]): string {
  const lines = [`# statecap check: ${totals(results)}`, ''];
  for (const [capture, list] of groupByCapture(results)) {
    lines.push(`## \`${capture.replace(/`/g, "'")}\``, '', '| | Expectation | Actual |', '|---|---|---|');
    for (const r of list) {
      lines.push(`| ${ICON[r.status]} | \`${r.expectation.text.replace(/`/g, "'").replace(/\|/g, '\\|')}\` | ${mdText(r.actual === null ? r.message : formatValue(r.actual))} |`);
    }
    const failed = list.filter((r) => r.status === 'failed');
    if (failed.length > 0) {
      lines.push('', '<details><summary>Why it failed</summary>', '');
      // <pre> with HTML escaped: a fence could be closed by backticks in a DNS name from the capture.
      for (const r of failed) lines.push(`<pre>${htmlEscape(r.message)}</pre>`);
      lines.push('', '</details>');
    }
    lines.push('');
  }
  const report = renderMarkdown(reports).replace(/^# statecap report\n/, '# Report\n');
  return `${lines.join('\n')}\n${report}`;
}

export interface CheckJson {
  passed: number;
  failed: number;
  errors: number;
  results: { capture: string; expectation: string; metric: string; op: string; expected: number | string; actual: number | string | null; status: CheckResult['status']; message: string }[];
}

export function checkJson(results: readonly CheckResult[]): CheckJson {
  return {
    ...checkCounts(results),
    results: results.map((r) => ({
      capture: r.capture, expectation: r.expectation.text, metric: r.expectation.metric, op: r.expectation.op,
      expected: r.expectation.value, actual: r.actual, status: r.status, message: r.message,
    })),
  };
}
