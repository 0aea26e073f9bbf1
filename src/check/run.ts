/**
 * `statecap check`: every expectation against every capture, each capture on its own (issue 6).
 * Exit status: 0 when every expectation holds for every capture, 1 when one fails, 2 when a
 * capture could not be read (its expectations are errors, not failures).
 */
import type { AnyReport } from '../report/schema.js';
import { isFailed } from '../report/failed.js';
import type { Expectation } from './expectation.js';
import { judge } from './judge.js';
import { omittedRowsProblem } from './omissions.js';

export interface CheckResult {
  capture: string;
  expectation: Expectation;
  status: 'passed' | 'failed' | 'error';
  /** Null when the capture could not be read. */
  actual: number | string | null;
  /** The value when passed; the plain-words explanation when failed; the read error for 'error'. */
  message: string;
}

export function runChecks(reports: readonly AnyReport[], expectations: readonly Expectation[]): CheckResult[] {
  const results: CheckResult[] = [];
  for (const report of reports) {
    const capture = report.capture.path;
    for (const expectation of expectations) {
      if (isFailed(report)) {
        results.push({ capture, expectation, status: 'error', actual: null, message: report.error });
        continue;
      }
      const cut = omittedRowsProblem(report, expectation.metric);
      if (cut !== null) {
        results.push({ capture, expectation, status: 'error', actual: null, message: cut });
        continue;
      }
      const j = judge([report], expectation);
      if ('error' in j) {
        // Expectations are validated before analysis, so this is a bug of ours, not bad input.
        throw new Error(`metric ${expectation.metric} validated but not evaluable: ${j.error}`);
      }
      results.push({ capture, expectation, status: j.passed ? 'passed' : 'failed', actual: j.actual, message: j.explanation });
    }
  }
  return results;
}

export function checkExitCode(results: readonly CheckResult[]): 0 | 1 | 2 {
  if (results.some((r) => r.status === 'error')) return 2;
  if (results.some((r) => r.status === 'failed')) return 1;
  return 0;
}

export function checkCounts(results: readonly CheckResult[]): { passed: number; failed: number; errors: number } {
  return {
    passed: results.filter((r) => r.status === 'passed').length,
    failed: results.filter((r) => r.status === 'failed').length,
    errors: results.filter((r) => r.status === 'error').length,
  };
}
