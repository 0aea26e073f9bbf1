/** Metrics over listed rows are refused, with the reason, when --max-records cut the list they read. */
import { describe, expect, it } from 'vitest';
import { parseExpectation } from '../../src/check/expectation.js';
import { checkExitCode, runChecks } from '../../src/check/run.js';
import { gradeSubmission } from '../../src/grade/grade.js';
import { parseRubric } from '../../src/grade/rubric.js';
import { sampleReport } from '../report/factory.js';

function expectation(text: string) {
  const e = parseExpectation(text);
  if ('error' in e) throw new Error(e.error);
  return e;
}

/** The sample report (4 flows, 6 DNS transactions) as if --max-records 2 had cut its TCP list. */
function cutReport() {
  const r = sampleReport('big.pcap');
  r.tcp.flows = r.tcp.flows.slice(0, 2);
  r.limits.maxRecords = 2;
  r.limits.omittedFlows = r.tcp.summary.flows - 2;
  return r;
}

describe('a report whose TCP list was cut', () => {
  it('check: tcp.* metrics are errors naming the cut; other families are measured as usual', () => {
    const results = runChecks([cutReport()], [expectation('tcp.flows <= 3'), expectation('dns.queries == 6'), expectation('capture.packets > 0')]);
    expect(results.map((r) => [r.expectation.metric, r.status])).toEqual([['tcp.flows', 'error'], ['dns.queries', 'passed'], ['capture.packets', 'passed']]);
    expect(results[0].message).toBe('big.pcap: only 2 of 4 TCP flows are listed (--max-records 2); raise --max-records to check tcp.flows');
    expect(checkExitCode(results)).toBe(2);
  });

  it('grade: an item reading TCP flows is not graded, and says why', () => {
    const parsed = parseRubric(JSON.stringify({ title: 'Lab', items: [
      { id: 'web', points: 2, expect: ['tcp.connState.SF >= 1'] },
      { id: 'dns', points: 1, expect: ['dns.queries >= 1'] },
    ] }));
    if ('errors' in parsed) throw new Error(parsed.errors.join('\n'));
    const g = gradeSubmission({ name: 'carol', path: 'subs/carol' }, [cutReport()], parsed.rubric);
    expect(g.items.map((i) => [i.id, i.score])).toEqual([['web', 0], ['dns', 1]]);
    expect(g.items[0].explanation).toBe('Not graded: big.pcap: only 2 of 4 TCP flows are listed (--max-records 2); raise --max-records to check tcp.connState.SF');
  });
});
