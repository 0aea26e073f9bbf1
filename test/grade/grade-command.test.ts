/**
 * `statecap grade` end to end on generated captures: 30 student submissions (folders and single
 * files, some broken) graded in one command with the real analyzer, every output format, one
 * file per submission with --output, and a malformed rubric rejected before any analysis.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { register, runGradeCommand } from '../../src/cli/commands/grade.js';
import type { CommandDeps } from '../../src/cli/commands/deps.js';
import { analyzeCapture, type AnalyzeOptions } from '../../src/pipeline.js';
import { collectSubmission, submissionName, uniqueNames } from '../../src/grade/submission.js';
import { dnsOverUdp, tcpConnection, Timeline } from './scenarios.js';

const root = mkdtempSync(join(tmpdir(), 'statecap-grade-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const RUBRIC = {
  title: 'Lab 2: web and DNS',
  items: [
    { id: 'web', points: 2, description: 'a TCP connection to port 80, opened and closed normally', expect: ['tcp.connState.SF >= 1'], where: { serverPort: 80 } },
    { id: 'dns', points: 1, description: 'example.com resolved, no query left unanswered', expect: ['dns.answered >= 1', 'dns.unanswered == 0'], where: { qname: 'example.com' } },
  ],
};

const client = (n: number) => ({ ip: `10.1.${n}.7`, port: 50000 + n });
const web = { ip: '10.0.0.80', port: 80 };
const resolver = { ip: '10.0.0.53', port: 53 };

/** Student n's work: every third does it all, the next is refused on port 80, the next loses the DNS answer. */
function studentCapture(n: number): Buffer {
  const t = new Timeline(1_714_564_800 + n);
  const c = client(n);
  dnsOverUdp(t, { ip: c.ip, port: 40000 + n }, resolver, 'example.com', { id: 0x100 + n, unanswered: n % 3 === 2 });
  tcpConnection(t, c, web, { refused: n % 3 === 1 });
  return t.pcap();
}

function expectedScore(n: number): number {
  return (n % 3 === 1 ? 0 : 2) + (n % 3 === 2 ? 0 : 1);
}

const submissions: string[] = [];
const expected = new Map<string, number>();

beforeAll(() => {
  for (let n = 1; n <= 27; n++) {
    const name = `student-${String(n).padStart(2, '0')}`;
    if (n % 2 === 0) {
      const dir = join(root, 'subs', name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'lab2.pcap'), studentCapture(n));
      submissions.push(dir);
    } else {
      mkdirSync(join(root, 'subs'), { recursive: true });
      writeFileSync(join(root, 'subs', `${name}.pcap`), studentCapture(n));
      submissions.push(join(root, 'subs', `${name}.pcap`));
    }
    expected.set(name, expectedScore(n));
  }
  // student-28: DNS and web in two captures, plus notes that are not a capture.
  const split = join(root, 'subs', 'student-28');
  mkdirSync(split, { recursive: true });
  const dns = new Timeline();
  dnsOverUdp(dns, { ip: '10.1.28.7', port: 40028 }, resolver, 'example.com');
  writeFileSync(join(split, 'dns.pcap'), dns.pcap());
  writeFileSync(join(split, 'web.pcap'), tcpConnection(new Timeline(), client(28), web).pcap());
  writeFileSync(join(split, 'notes.txt'), 'I used curl and dig.\n');
  submissions.push(split);
  expected.set('student-28', 3);
  // student-29: a file named .pcap that is not a capture; student-30: a folder without captures.
  writeFileSync(join(root, 'subs', 'student-29.pcap'), 'this is not a capture file at all');
  submissions.push(join(root, 'subs', 'student-29.pcap'));
  expected.set('student-29', 0);
  mkdirSync(join(root, 'subs', 'student-30'), { recursive: true });
  writeFileSync(join(root, 'subs', 'student-30', 'readme.md'), '# nothing here');
  submissions.push(join(root, 'subs', 'student-30'));
  expected.set('student-30', 0);
  writeFileSync(join(root, 'rubric.json'), JSON.stringify(RUBRIC));
});

interface Captured {
  deps: CommandDeps;
  out: string[];
  err: string[];
  analyzed: string[];
}

function capture(): Captured {
  const c: Captured = { out: [], err: [], analyzed: [], deps: undefined as unknown as CommandDeps };
  c.deps = {
    analyze: (path: string, options: AnalyzeOptions) => {
      c.analyzed.push(path);
      return analyzeCapture(path, options);
    },
    out: (t) => c.out.push(t),
    err: (t) => c.err.push(t),
    color: false,
  };
  return c;
}

describe('statecap grade on 30 generated submissions', () => {
  it('grades them all in one command into a CSV gradebook', async () => {
    const c = capture();
    const program = new Command('statecap').exitOverride();
    register(program, c.deps);
    const before = process.exitCode;
    await program.parseAsync(['grade', '--rubric', join(root, 'rubric.json'), '--format', 'csv', ...submissions], { from: 'user' });
    expect(process.exitCode).toBe(0);
    process.exitCode = before;

    const rows = c.out.join('').trimEnd().split('\r\n').map((line) => line.split(','));
    expect(rows[0]).toEqual(['student', 'path', 'web', 'dns', 'score', 'max_score', 'notes']);
    expect(rows).toHaveLength(31);
    const scores = new Map(rows.slice(1).map((r) => [r[0], Number(r[4])]));
    expect(scores).toEqual(expected);
    expect(rows.slice(1).every((r) => r[5] === '3')).toBe(true);
    expect(c.analyzed).toHaveLength(30); // 27 captures of students 1-27, 2 of student-28, the fake .pcap; none for the empty folder
  });

  it('says why a broken submission scored 0, and grades the others anyway', async () => {
    const c = capture();
    const code = await runGradeCommand(submissions, { rubric: join(root, 'rubric.json'), format: 'json' }, c.deps);
    expect(code).toBe(0);
    const json = JSON.parse(c.out.join('')) as { submissions: { name: string; score: number; problems: string[]; items: { explanation: string }[] }[] };
    const byName = new Map(json.submissions.map((s) => [s.name, s]));
    expect(byName.get('student-29')?.problems[0]).toMatch(/^not a readable capture: .*student-29\.pcap/);
    expect(byName.get('student-30')?.problems).toEqual([`skipped readme.md: not a capture file`, `${join(root, 'subs', 'student-30')}: no capture files in the folder`]);
    expect(byName.get('student-28')?.problems).toEqual(['skipped notes.txt: not a capture file']);
    expect(c.err.filter((line) => line.startsWith('statecap: student-29: not a readable capture'))).toHaveLength(1);
    // student-01 was refused on port 80: the explanation points at the REJ connection and its packets.
    const refused = byName.get('student-01')?.items[0].explanation ?? '';
    expect(refused).toContain('10.1.1.7:50001 → 10.0.0.80:80 (packets #3–#4): REJ, connection attempt rejected');
    // student-02 lost the DNS answer: the query packet is named.
    expect(byName.get('student-02')?.items[1].explanation).toContain('DNS query example.com A over UDP from 10.1.2.7:40002 to 10.0.0.53:53 (query #1): never answered');
  });

  it('writes one Gradescope results file per submission with --output', async () => {
    const c = capture();
    const out = join(root, 'results');
    const code = await runGradeCommand(submissions, { rubric: join(root, 'rubric.json'), format: 'gradescope', output: out }, c.deps);
    expect(code).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toHaveLength(30);
    expect(files[0]).toBe('student-01.json');
    for (const [name, score] of expected) {
      const results = JSON.parse(readFileSync(join(out, `${name}.json`), 'utf8')) as { score: number; tests: { max_score: number }[] };
      expect(results.score, name).toBe(score);
      expect(results.tests.map((t) => t.max_score)).toEqual([2, 1]);
    }
    expect(c.out).toContain(`student-28: 3/3 -> ${join(out, 'student-28.json')}\n`);
  });

  it('rejects a malformed rubric before analysing anything (exit 2, item and field named)', async () => {
    const bad = join(root, 'bad-rubric.json');
    writeFileSync(bad, JSON.stringify({ items: [{ id: 'web', expect: ['tcp.conns >= 1'] }] }));
    const c = capture();
    const code = await runGradeCommand(submissions, { rubric: bad, format: 'table' }, c.deps);
    expect(code).toBe(2);
    expect(c.analyzed).toEqual([]);
    expect(c.out).toEqual([]);
    expect(c.err).toEqual([
      `statecap: ${bad}: item 1 ("web"), field "points": missing\n`,
      `statecap: ${bad}: item 1 ("web"), field "expect[0]": expectation "tcp.conns >= 1": unknown metric "tcp.conns" (tcp metrics: tcp.flows, tcp.packets, tcp.bytes, tcp.connState.<CODE>, tcp.handshakes.<complete|partial|missing>, tcp.closedBy.<client|server>, tcp.resets, tcp.retransmissions, tcp.outOfOrder, tcp.duplicateAcks, tcp.zeroWindows, tcp.keepAlives, tcp.handshakeRtt.median)\n`,
    ]);
  });

  it('rejects a missing rubric file and an unknown format with exit 2', async () => {
    const c = capture();
    expect(await runGradeCommand(submissions, { rubric: join(root, 'none.json'), format: 'table' }, c.deps)).toBe(2);
    expect(c.err).toEqual([`statecap: ${join(root, 'none.json')}: cannot read rubric (ENOENT)\n`]);
    const d = capture();
    expect(await runGradeCommand(submissions, { rubric: join(root, 'rubric.json'), format: 'xlsx' }, d.deps)).toBe(2);
    expect(d.analyzed).toEqual([]);
  });
});

describe('submissions', () => {
  it('names a submission after its folder or file', () => {
    expect(['a/alice/', 'b/bob.pcap', 'c/carol.pcapng.gz', 'd/dave.cap', 'e/.pcap'].map(submissionName)).toEqual(['alice', 'bob', 'carol', 'dave', '.pcap']);
  });

  it('makes duplicate names unique in input order', () => {
    expect(uniqueNames(['alice', 'bob', 'alice', 'alice'])).toEqual(['alice', 'bob', 'alice-2', 'alice-3']);
  });

  it('reports a path that does not exist', async () => {
    const s = await collectSubmission(join(root, 'missing'));
    expect(s.error).toBe(`${join(root, 'missing')}: cannot read (ENOENT)`);
  });

  it('finds captures by magic bytes, not by name, in nested folders', async () => {
    const dir = join(root, 'magic');
    mkdirSync(join(dir, 'day2'), { recursive: true });
    writeFileSync(join(dir, 'capture.bin'), Buffer.from('d4c3b2a1', 'hex'));
    writeFileSync(join(dir, 'day2', 'trace'), Buffer.from('0a0d0d0a', 'hex'));
    writeFileSync(join(dir, 'zipped.gz'), Buffer.from('1f8b0800', 'hex'));
    writeFileSync(join(dir, 'fake.pcap'), 'hello');
    writeFileSync(join(dir, '.hidden.pcap'), Buffer.from('d4c3b2a1', 'hex'));
    const s = await collectSubmission(dir);
    expect(s.captures).toEqual([join(dir, 'capture.bin'), join(dir, 'day2', 'trace'), join(dir, 'zipped.gz')]);
    expect(s.notes).toEqual(['skipped fake.pcap: not a capture file']);
  });
});
