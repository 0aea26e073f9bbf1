/** Grading one submission: points per item, explanations that say what was missing and where to look. */
import { describe, expect, it } from 'vitest';
import { gradeSubmission } from '../../src/grade/grade.js';
import { parseRubric, type Rubric } from '../../src/grade/rubric.js';
import { failedReport, sampleReport } from '../report/factory.js';

function rubric(items: unknown[]): Rubric {
  const parsed = parseRubric(JSON.stringify({ title: 'Lab', items }));
  if ('errors' in parsed) throw new Error(parsed.errors.join('\n'));
  return parsed.rubric;
}

const lab = rubric([
  { id: 'web', points: 2, description: 'a complete TCP connection to port 80', expect: ['tcp.connState.SF >= 1', 'tcp.handshakes.complete >= 1'], where: { serverPort: 80 } },
  { id: 'ssh', points: 1, description: 'an accepted SSH connection', expect: ['tcp.connState.SF >= 1'], where: { serverPort: 22 }, hint: 'start sshd first' },
  { id: 'quiet', points: 1, description: 'no unanswered DNS query', expect: ['dns.unanswered == 0'] },
  { id: 'h3', points: 0.5, description: 'QUIC to a server named www.example.org', expect: ['quic.connections >= 1'], where: { serverName: 'www.example.org' } },
  { id: 'mail', points: 1, description: 'an SMTP session', expect: ['tcp.flows >= 1'], where: { serverPort: 25 } },
]);

describe('gradeSubmission', () => {
  const g = gradeSubmission({ name: 'alice', path: 'alice' }, [sampleReport('alice/lab.pcap')], lab);

  it('scores the items whose expectations all hold', () => {
    expect(g.items.map((i) => [i.id, i.passed, i.score])).toEqual([
      ['web', true, 2], ['ssh', false, 0], ['quiet', false, 0], ['h3', true, 0.5], ['mail', false, 0],
    ]);
    expect([g.score, g.maxScore, g.captures, g.problems]).toEqual([2.5, 5.5, ['alice/lab.pcap'], []]);
  });

  it('records each expectation with its actual value', () => {
    expect(g.items[0].expectations).toEqual([
      { expectation: 'tcp.connState.SF >= 1', actual: 1, passed: true },
      { expectation: 'tcp.handshakes.complete >= 1', actual: 1, passed: true },
    ]);
  });

  it('explains a miss with the flow and packets that did not count, and the hint', () => {
    expect(g.items[1].explanation).toBe([
      'Missing: an accepted SSH connection.',
      '✗ tcp.connState.SF >= 1: expected tcp.connState.SF >= 1 among TCP connections with server port 22, found 0.',
      '  These TCP connections did not count:',
      '    - TCP flow 2 10.0.0.1:51001 → 10.0.0.2:22 (packets #10–#11): REJ, connection attempt rejected; handshake partial; history Sr',
      'Hint: start sshd first',
    ].join('\n'));
  });

  it('names the offending query when there are too many', () => {
    expect(g.items[2].explanation).toContain('These DNS queries count against it:\n    - DNS query example.net AAAA over UDP from 10.0.0.1:40001 to 10.0.0.53:53 (query #25): never answered');
  });

  it('lists what exists when the filter matches nothing', () => {
    const text = g.items[4].explanation;
    expect(text).toContain('No TCP connections with server port 25 in the capture.');
    expect(text).toContain('Without that filter, TCP connections in the capture (4):');
    expect(text).toContain('TCP flow 1 10.0.0.1:51000 → 10.0.0.2:80 (packets #1–#9)');
  });

  it('grades several captures together, naming the capture of each record', () => {
    const two = gradeSubmission({ name: 'bob', path: 'bob' }, [sampleReport('bob/one.pcap'), sampleReport('bob/two.pcap')], lab);
    expect(two.items[2].expectations[0].actual).toBe(2);
    expect(two.items[2].explanation).toContain('    - one.pcap: DNS query example.net AAAA');
    expect(two.items[2].explanation).toContain('    - two.pcap: DNS query example.net AAAA');
  });

  it('grades the readable captures and notes the unreadable one', () => {
    const mixed = gradeSubmission({ name: 'carol', path: 'carol' }, [failedReport('carol/notes.pcap', 'carol/notes.pcap: not a capture file'), sampleReport('carol/lab.pcap')], lab);
    expect(mixed.score).toBe(2.5);
    expect(mixed.problems).toEqual(['not a readable capture: carol/notes.pcap: not a capture file']);
  });

  it('scores 0 with the reason when nothing is readable', () => {
    const none = gradeSubmission({ name: 'dave', path: 'dave.pcap' }, [failedReport('dave.pcap', 'dave.pcap: truncated file header')], lab);
    expect(none.score).toBe(0);
    expect(none.items.every((i) => i.explanation === 'Not graded: no readable capture (dave.pcap: truncated file header)')).toBe(true);
    const empty = gradeSubmission({ name: 'erin', path: 'erin', error: 'erin: no capture files in the folder' }, [], lab);
    expect(empty.items[0].explanation).toBe('Not graded: erin: no capture files in the folder');
    expect(empty.problems).toEqual(['erin: no capture files in the folder']);
  });
});

describe('notes on partly read captures', () => {
  it('passes warnings and read errors on, and still grades what was read', () => {
    const r = sampleReport('frank/lab.pcap');
    r.warnings.push('frank/lab.pcap: last packet truncated (packet 45)');
    r.capture.error = 'frank/lab.pcap: corrupt record length at byte 4242 (packet 46)';
    const g = gradeSubmission({ name: 'frank', path: 'frank' }, [r], lab);
    expect(g.problems).toEqual([
      'warning: frank/lab.pcap: last packet truncated (packet 45)',
      'read in part: frank/lab.pcap: corrupt record length at byte 4242 (packet 46)',
    ]);
    expect(g.score).toBe(2.5);
  });
});
