/**
 * `grade` on what students hand in (issue 15): symbolic links to captures inside their folder are
 * graded; links that lead outside it are refused by name with the reason; a rubric that is not
 * JSON is named by file and position, never echoed.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, statecapAsync as statecap } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'statecap-grade-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rubric = join(dir, 'rubric.json');
writeFileSync(rubric, JSON.stringify({ title: 'lab', items: [{ id: 'tcp', points: 1, description: 'a TCP connection', expect: ['tcp.flows >= 1'] }] }));

interface GradeJson { submissions: { name: string; score: number; captures: string[]; problems: string[] }[] }

// Independent runs: side by side.
describe.concurrent('grade and symbolic links', () => {
  it('follows a link to a capture inside the submission and refuses one leading outside', async () => {
    // alice keeps her capture in a hidden folder (never walked) and links it at the top.
    const alice = join(dir, 'alice');
    mkdirSync(join(alice, '.store'), { recursive: true });
    copyFileSync(fixture('quickstart.pcap'), join(alice, '.store', 'lab.pcap'));
    symlinkSync(join('.store', 'lab.pcap'), join(alice, 'lab.pcap'));
    // bob links the same file twice: it is graded once.
    const bob = join(dir, 'bob');
    mkdirSync(bob);
    copyFileSync(fixture('quickstart.pcap'), join(bob, 'a.pcap'));
    symlinkSync('a.pcap', join(bob, 'b.pcap'));
    // mallory links a capture outside her folder: refused, so she has nothing to grade.
    const secret = join(dir, 'secret.pcap');
    copyFileSync(fixture('quickstart.pcap'), secret);
    const mallory = join(dir, 'mallory');
    mkdirSync(mallory);
    symlinkSync(secret, join(mallory, 'lab.pcap'));

    const r = await statecap(['grade', '-r', rubric, '--format', 'json', alice, bob, mallory]);
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout) as GradeJson;
    const by = new Map(json.submissions.map((s) => [s.name, s]));
    expect(by.get('alice')).toMatchObject({ score: 1, problems: [] });
    expect(by.get('bob')).toMatchObject({ score: 1, problems: ['skipped b.pcap: the same file as a.pcap'] });
    expect(by.get('mallory')).toMatchObject({
      score: 0,
      problems: [`refused lab.pcap: a symbolic link to ${secret}, outside the submission folder`, `${mallory}: no capture files in the folder`],
    });
    expect(r.stderr).toContain(`statecap: mallory: refused lab.pcap: a symbolic link to ${secret}, outside the submission folder\n`);
  });

  it('names a binary rubric by file and position instead of echoing it', async () => {
    const r = await statecap(['grade', '-r', fixture('quickstart.pcap'), fixture('quickstart.pcap')]);
    expect(r.status).toBe(2);
    // The pcap magic d4 c3 b2 a1 starts the file: its first byte is not UTF-8 text.
    expect(r.stderr).toBe(`statecap: ${fixture('quickstart.pcap')}: not valid JSON at line 1, column 1: found a byte that is not UTF-8 text\n`);
  });
});
