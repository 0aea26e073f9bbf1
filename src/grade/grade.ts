/**
 * Grades one submission (one student's captures, analysed together) against a rubric: per item
 * pass/fail, its points, and a plain-words explanation of what was missing and where to look.
 * A submission with no readable capture scores 0, with the reason on every item.
 */
import type { AnyReport, Report } from '../report/schema.js';
import { isFailed } from '../report/failed.js';
import { formatValue } from '../check/expectation.js';
import { judge } from '../check/judge.js';
import { omittedRowsProblem } from '../check/omissions.js';
import type { Rubric, RubricItem } from './rubric.js';

export interface ExpectationGrade {
  expectation: string;
  actual: number | string;
  passed: boolean;
}

export interface ItemGrade {
  id: string;
  description: string;
  points: number;
  score: number;
  passed: boolean;
  expectations: ExpectationGrade[];
  /** Plain words: what was found, or what was missing and where to look (packets, flows). */
  explanation: string;
}

export interface SubmissionGrade {
  name: string;
  path: string;
  /** Captures that were analysed and graded. */
  captures: string[];
  score: number;
  maxScore: number;
  items: ItemGrade[];
  /** Unreadable captures, skipped files, and why nothing could be graded. */
  problems: string[];
}

function gradeItem(item: RubricItem, reports: readonly Report[]): ItemGrade {
  const expectations: ExpectationGrade[] = [];
  const passedLines: string[] = [];
  const failedLines: string[] = [];
  for (const e of item.expect) {
    const j = judge(reports, e, item.where);
    if ('error' in j) throw new Error(`rubric item ${item.id}: validated metric not evaluable: ${j.error}`);
    expectations.push({ expectation: e.text, actual: j.actual, passed: j.passed });
    if (j.passed) passedLines.push(`✓ ${e.text} (found ${formatValue(j.actual)})`);
    else failedLines.push(`✗ ${e.text}: ${j.explanation.split('\n').join('\n  ')}`);
  }
  const passed = failedLines.length === 0;
  const what = item.description === '' ? item.id : item.description;
  const head = passed ? `Done: ${what}.` : `Missing: ${what}.`;
  const lines = [head, ...failedLines, ...passedLines];
  if (!passed && item.hint !== undefined) lines.push(`Hint: ${item.hint}`);
  return {
    id: item.id, description: item.description, points: item.points, score: passed ? item.points : 0, passed, expectations,
    explanation: lines.join('\n'),
  };
}

function zeroItem(item: RubricItem, reason: string): ItemGrade {
  return {
    id: item.id, description: item.description, points: item.points, score: 0, passed: false, expectations: [],
    explanation: `Not graded: ${reason}`,
  };
}

export interface SubmissionInput {
  name: string;
  path: string;
  /** Files skipped while collecting the submission. */
  notes?: string[];
  /** Why the submission could not be collected at all. */
  error?: string;
}

export function gradeSubmission(submission: SubmissionInput, reports: readonly AnyReport[], rubric: Rubric): SubmissionGrade {
  const readable = reports.filter((r): r is Report => !isFailed(r));
  const problems = [...(submission.notes ?? [])];
  if (submission.error !== undefined) problems.push(submission.error);
  for (const r of reports) {
    if (isFailed(r)) {
      problems.push(`not a readable capture: ${r.error}`);
      continue;
    }
    for (const warning of r.warnings) problems.push(`warning: ${warning}`);
    if (r.capture.error !== undefined) problems.push(`read in part: ${r.capture.error}`);
  }
  let items: ItemGrade[];
  if (readable.length === 0) {
    const reason = submission.error ?? (reports.length > 0
      ? `no readable capture (${reports.map((r) => (isFailed(r) ? r.error : r.capture.path)).join('; ')})`
      : 'no capture submitted');
    items = rubric.items.map((item) => zeroItem(item, reason));
  } else {
    items = rubric.items.map((item) => {
      const cut = item.expect.flatMap((e) => readable.map((r) => omittedRowsProblem(r, e.metric))).find((p) => p !== null);
      return cut === undefined ? gradeItem(item, readable) : zeroItem(item, cut);
    });
  }
  return {
    name: submission.name,
    path: submission.path,
    captures: readable.map((r) => r.capture.path),
    score: items.reduce((n, i) => n + i.score, 0),
    maxScore: rubric.maxScore,
    items,
    problems,
  };
}
