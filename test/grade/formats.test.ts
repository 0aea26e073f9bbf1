/**
 * Grade formats. Gradescope's results.json is checked against the fields its autograder
 * specification documents (gradescope-autograders.readthedocs.io/en/latest/specs/): top level
 * score, execution_time, output, output_format, test_output_format, test_name_format, visibility,
 * stdout_visibility, extra_data, tests, leaderboard; per test score, max_score, status ("passed" or
 * "failed"), name, name_format, number, output, output_format, tags, visibility, extra_data.
 */
import { describe, expect, it } from 'vitest';
import { csvField, gradesCsv, gradescopeResults, outputFileName, renderGrades } from '../../src/grade/formats.js';
import { gradeSubmission } from '../../src/grade/grade.js';
import { parseRubric, type Rubric } from '../../src/grade/rubric.js';
import { failedReport, sampleReport } from '../report/factory.js';

const TOP_LEVEL = new Set(['score', 'execution_time', 'output', 'output_format', 'test_output_format', 'test_name_format', 'visibility',
  'stdout_visibility', 'extra_data', 'tests', 'leaderboard']);
const PER_TEST = new Set(['score', 'max_score', 'status', 'name', 'name_format', 'number', 'output', 'output_format', 'tags', 'visibility', 'extra_data']);

const parsed = parseRubric(JSON.stringify({
  title: 'Lab 1',
  items: [
    { id: 'web', points: 2, description: 'a TCP connection to port 80, closed normally', expect: ['tcp.connState.SF >= 1'], where: { serverPort: 80 } },
    { id: 'ssh', points: 1, description: 'an accepted SSH connection', expect: ['tcp.connState.SF >= 1'], where: { serverPort: 22 } },
  ],
}));
if ('errors' in parsed) throw new Error(parsed.errors.join('\n'));
const rubric: Rubric = parsed.rubric;
const alice = gradeSubmission({ name: 'alice', path: 'subs/alice' }, [sampleReport('subs/alice/lab.pcap')], rubric);
const bob = gradeSubmission({ name: '=cmd|calc', path: 'subs/=cmd|calc.pcap' }, [failedReport('subs/=cmd|calc.pcap', 'x: "bad", header')], rubric);

describe('gradescopeResults', () => {
  const results = gradescopeResults(alice, rubric);
  const json = JSON.parse(JSON.stringify(results)) as Record<string, unknown>;

  it('uses only documented fields, with documented types', () => {
    for (const key of Object.keys(json)) expect(TOP_LEVEL, key).toContain(key);
    expect(typeof json.score).toBe('number');
    expect(typeof json.output).toBe('string');
    const tests = json.tests as Record<string, unknown>[];
    expect(Array.isArray(tests)).toBe(true);
    for (const t of tests) {
      for (const key of Object.keys(t)) expect(PER_TEST, key).toContain(key);
      expect(['passed', 'failed']).toContain(t.status);
      expect([typeof t.name, typeof t.score, typeof t.max_score, typeof t.output, typeof t.number]).toEqual(['string', 'number', 'number', 'string', 'string']);
    }
  });

  it('carries the score, one test per item with its points, and the explanation as output', () => {
    expect(results.score).toBe(2);
    expect(results.tests.map((t) => [t.name, t.number, t.score, t.max_score, t.status])).toEqual([
      ['web: a TCP connection to port 80, closed normally', '1', 2, 2, 'passed'],
      ['ssh: an accepted SSH connection', '2', 0, 1, 'failed'],
    ]);
    expect(results.tests[1].output).toContain('TCP flow 2 10.0.0.1:51001 → 10.0.0.2:22 (packets #10–#11): REJ');
    expect(results.score).toBe(results.tests.reduce((n, t) => n + t.score, 0));
  });

  it('puts the reason in the top-level output when nothing could be graded', () => {
    const r = gradescopeResults(bob, rubric);
    expect(r.score).toBe(0);
    expect(r.output).toContain('not a readable capture: x: "bad", header');
    expect(r.tests.every((t) => t.status === 'failed' && t.score === 0)).toBe(true);
  });
});

describe('gradesCsv', () => {
  it('writes one row per student with the points of each item (RFC 4180, CRLF)', () => {
    expect(gradesCsv([alice, bob], rubric)).toBe([
      'student,path,web,ssh,score,max_score,notes',
      'alice,subs/alice,2,0,2,3,',
      `'=cmd|calc,subs/=cmd|calc.pcap,0,0,0,3,"not a readable capture: x: ""bad"", header"`,
      '',
    ].join('\r\n'));
  });

  it.each([['plain', 'plain'], ['a,b', '"a,b"'], ['say "hi"', '"say ""hi"""'], ['two\nlines', '"two\nlines"'], ['+1', "'+1"], ['@x', "'@x"], [3, '3']])(
    'csvField(%j) = %s', (input, output) => expect(csvField(input)).toBe(output));
});

describe('other formats', () => {
  it('table: one row per student, one column per item', () => {
    const text = renderGrades([alice, bob], rubric, 'table', { color: false });
    expect(text).toContain('│ Student   │ web (2) │ ssh (1) │ Score │');
    expect(text).toContain('│ alice     │     ✓ 2 │     ✗ 0 │   2/3 │');
    expect(text).toContain('│ =cmd|calc │     ✗ 0 │     ✗ 0 │   0/3 │');
    expect(text).not.toMatch(/\u001b\[/);
  });

  it('gradescope: one object for one submission, an array for several', () => {
    expect(Array.isArray(JSON.parse(renderGrades([alice], rubric, 'gradescope', { color: false })))).toBe(false);
    expect(JSON.parse(renderGrades([alice, bob], rubric, 'gradescope', { color: false }))).toHaveLength(2);
  });

  it('json: every submission with its items', () => {
    const json = JSON.parse(renderGrades([alice, bob], rubric, 'json', { color: false })) as { rubric: unknown; submissions: { name: string; score: number }[] };
    expect(json.rubric).toEqual({ title: 'Lab 1', maxScore: 3 });
    expect(json.submissions.map((s) => [s.name, s.score])).toEqual([['alice', 2], ['=cmd|calc', 0]]);
  });

  it.each([['alice', 'gradescope', 'alice.json'], ['bob smith', 'csv', 'bob_smith.csv'], ['../etc', 'table', '__etc.txt'], ['', 'json', 'submission.json']] as const)(
    'outputFileName(%j, %s) = %s', (name, format, file) => expect(outputFileName(name, format)).toBe(file));
});
