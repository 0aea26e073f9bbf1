/**
 * Grade output formats (issue 6): a table (one row per student, one column per item), a CSV
 * gradebook, Gradescope's autograder results.json, and plain JSON.
 *
 * Gradescope's documented results.json fields (gradescope-autograders.readthedocs.io, "Autograder
 * Specifications"): top level `score`, `output`, `tests`, `extra_data` (among other optional
 * ones); each test `name`, `number`, `score`, `max_score`, `status` ("passed" | "failed"),
 * `output`. Nothing else is emitted.
 */
import { renderGrid, paint } from '../report/cli-table.js';
import type { Rubric } from './rubric.js';
import type { SubmissionGrade } from './grade.js';

export const GRADE_FORMATS = ['table', 'csv', 'gradescope', 'json'] as const;
export type GradeFormat = (typeof GRADE_FORMATS)[number];

function points(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(3)));
}

/** One row per student, one column per item, then why points were lost. */
export function gradesTable(grades: readonly SubmissionGrade[], rubric: Rubric, opts: { color: boolean }): string {
  const head = ['Student', ...rubric.items.map((i) => `${i.id} (${points(i.points)})`), 'Score'];
  const rows = grades.map((g) => [
    g.name,
    ...g.items.map((i) => paint(`${i.passed ? '✓' : '✗'} ${points(i.score)}`, i.passed ? 'green' : 'red', opts.color)),
    `${points(g.score)}/${points(g.maxScore)}`,
  ]);
  const align = head.map((_, i) => (i === 0 ? 'left' : 'right') as 'left' | 'right');
  const lines = [`${rubric.title}: ${grades.length} submission${grades.length === 1 ? '' : 's'}`, renderGrid(head, rows, { color: opts.color, align })];
  for (const g of grades) {
    const lost = g.items.filter((i) => !i.passed);
    if (lost.length === 0 && g.problems.length === 0) continue;
    lines.push('', paint(`${g.name} (${points(g.score)}/${points(g.maxScore)})`, 'bold', opts.color));
    for (const p of g.problems) lines.push(`  note: ${p}`);
    for (const i of lost) lines.push(`  ${i.id}: ${i.explanation.split('\n').join('\n    ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A CSV field per RFC 4180 §2; text that a spreadsheet would run as a formula is prefixed with '. */
export function csvField(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A gradebook: one row per student with the points of each item, the score, and notes. */
export function gradesCsv(grades: readonly SubmissionGrade[], rubric: Rubric): string {
  const header = ['student', 'path', ...rubric.items.map((i) => i.id), 'score', 'max_score', 'notes'];
  const rows = grades.map((g) => [
    g.name, g.path, ...g.items.map((i) => points(i.score)), points(g.score), points(g.maxScore), g.problems.join('; '),
  ]);
  // RFC 4180 §2: records end with CRLF.
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export interface GradescopeTest {
  name: string;
  number: string;
  score: number;
  max_score: number;
  status: 'passed' | 'failed';
  output: string;
}

export interface GradescopeResults {
  score: number;
  output: string;
  tests: GradescopeTest[];
  extra_data: { submission: string; captures: string[] };
}

/** Gradescope autograder results.json for one submission. */
export function gradescopeResults(grade: SubmissionGrade, rubric: Rubric): GradescopeResults {
  const summary = [`${rubric.title}: ${points(grade.score)} of ${points(grade.maxScore)} points.`];
  if (grade.captures.length > 0) summary.push(`Captures graded: ${grade.captures.join(', ')}.`);
  for (const p of grade.problems) summary.push(p);
  return {
    score: grade.score,
    output: summary.join('\n'),
    tests: grade.items.map((item, i) => ({
      name: item.description === '' ? item.id : `${item.id}: ${item.description}`,
      number: String(i + 1),
      score: item.score,
      max_score: item.points,
      status: item.passed ? 'passed' : 'failed',
      output: item.explanation,
    })),
    extra_data: { submission: grade.name, captures: grade.captures },
  };
}

/** The file written for one submission with --output DIR. */
export function outputFileName(name: string, format: GradeFormat): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || 'submission';
  const ext = format === 'csv' ? 'csv' : format === 'table' ? 'txt' : 'json';
  return `${safe}.${ext}`;
}

/** The text of one or more grades in a format. */
export function renderGrades(grades: readonly SubmissionGrade[], rubric: Rubric, format: GradeFormat, opts: { color: boolean }): string {
  switch (format) {
    case 'table':
      return gradesTable(grades, rubric, opts);
    case 'csv':
      return gradesCsv(grades, rubric);
    case 'gradescope': {
      const results = grades.map((g) => gradescopeResults(g, rubric));
      return `${JSON.stringify(results.length === 1 ? results[0] : results, null, 1)}\n`;
    }
    case 'json':
      return `${JSON.stringify({ rubric: { title: rubric.title, maxScore: rubric.maxScore }, submissions: grades }, null, 1)}\n`;
  }
}
