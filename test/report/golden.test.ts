/**
 * Every output format against its golden file in test/golden/: the table, state, markdown and
 * NDJSON report views, check results (text, markdown, JSON, JUnit) and grades (table, CSV,
 * Gradescope, JSON). Inputs are the hand-built reports of factory.ts.
 * Update: UPDATE_GOLDEN=1 npx vitest run test/report
 */
import { describe, it } from 'vitest';
import { expectGolden } from './golden.js';
import { failedReport, sampleReport } from './factory.js';
import { renderStateTable, renderTable } from '../../src/report/table.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { ndjsonRecords } from '../../src/report/ndjson.js';
import { parseExpectation, type Expectation } from '../../src/check/expectation.js';
import { runChecks } from '../../src/check/run.js';
import { checkJson, renderCheckMarkdown, renderCheckText } from '../../src/check/render.js';
import { renderJunit } from '../../src/check/junit.js';
import { parseRubric, type Rubric } from '../../src/grade/rubric.js';
import { gradeSubmission } from '../../src/grade/grade.js';
import { renderGrades } from '../../src/grade/formats.js';

const reports = [sampleReport('lab.pcap'), failedReport('broken.pcap')];

function expectation(text: string): Expectation {
  const e = parseExpectation(text);
  if ('error' in e) throw new Error(e.error);
  return e;
}

const checks = runChecks(reports, [
  'tcp.flows == 4', 'tcp.connState.SF >= 3', 'dns.unanswered == 0', 'endpoint[10.0.0.53:53].verdict == stateless', 'quic.handshakes.complete >= 1',
].map(expectation));

function rubric(): Rubric {
  const parsed = parseRubric(JSON.stringify({
    title: 'Lab 3',
    items: [
      { id: 'handshake', points: 2, description: 'a complete TCP connection to port 80, closed with FIN', expect: ['tcp.connState.SF >= 1'], where: { serverPort: 80 } },
      { id: 'ssh', points: 1, description: 'an SSH connection that was accepted', expect: ['tcp.connState.SF >= 1'], where: { serverPort: 22 },
        hint: 'the server at port 22 answered your SYN with a RST: was sshd running?' },
      { id: 'dns', points: 1, description: 'an answered DNS query for example.com', expect: ['dns.answered >= 1'], where: { qname: 'example.com' } },
      { id: 'quic', points: 1.5, description: 'a QUIC handshake with www.example.org', expect: ['quic.handshakes.complete >= 1'], where: { serverName: 'www.example.org' } },
    ],
  }), 'lab3.json');
  if ('errors' in parsed) throw new Error(parsed.errors.join('\n'));
  return parsed.rubric;
}

const r = rubric();
const grades = [
  gradeSubmission({ name: 'alice', path: 'submissions/alice' }, [sampleReport('submissions/alice/lab.pcap')], r),
  gradeSubmission({ name: 'bob', path: 'submissions/bob.pcap' }, [failedReport('submissions/bob.pcap')], r),
];

describe('golden report views', () => {
  it('table', () => expectGolden('report.table.txt', renderTable(reports, { color: false })));
  it('table cut at 2 rows per list', () => expectGolden('report.table-max2.txt', renderTable(reports, { color: false, maxRows: 2 })));
  it('state table', () => expectGolden('report.state.txt', renderStateTable(reports, { color: false })));
  it('markdown', () => expectGolden('report.md', renderMarkdown(reports)));
  it('ndjson', () => expectGolden('report.ndjson', reports.flatMap((rep) => [...ndjsonRecords(rep)]).map((rec) => `${JSON.stringify(rec)}\n`).join('')));
});

describe('golden check outputs', () => {
  it('text', () => expectGolden('check.txt', renderCheckText(checks, { color: false })));
  it('markdown', () => expectGolden('check.md', renderCheckMarkdown(checks, reports)));
  it('json', () => expectGolden('check.json', `${JSON.stringify(checkJson(checks), null, 1)}\n`));
  it('junit', () => expectGolden('check.junit.xml', renderJunit(checks)));
});

describe('golden grade outputs', () => {
  it('table', () => expectGolden('grade.table.txt', renderGrades(grades, r, 'table', { color: false })));
  it('csv', () => expectGolden('grade.csv', renderGrades(grades, r, 'csv', { color: false })));
  it('gradescope', () => expectGolden('grade.gradescope.json', renderGrades(grades, r, 'gradescope', { color: false })));
  it('json', () => expectGolden('grade.json', renderGrades(grades, r, 'json', { color: false })));
});
