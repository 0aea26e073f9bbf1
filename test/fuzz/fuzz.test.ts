/**
 * The fuzz harness in `npm test`: a small fixed-seed campaign against the built pipeline (dist/,
 * built by the global setup), its determinism, and proof that it notices what it is there to
 * notice (an exception, a hang, a report breaking the contract, a CLI printing a stack trace).
 * `npm run fuzz` runs the same campaign for longer (scripts/fuzz.mjs).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cliProblems, mutantStream, runCli, runInProcess } from '../../scripts/fuzz/campaign.mjs';
import { fileSeeds, generatedSeeds } from '../../scripts/fuzz/seeds.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, 'dist');
const SEEDS = [...fileSeeds([join(ROOT, 'fixtures'), join(ROOT, 'examples')]), ...generatedSeeds()];
const work = mkdtempSync(join(tmpdir(), 'statecap-fuzz-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const quiet = (): void => {};

describe('a fixed-seed campaign against dist/', () => {
  it('150 mutants: each ends in a report, a report that stopped early, or a FailedReport', async () => {
    const lines: string[] = [];
    // A mutant of these small seeds ends in milliseconds; 10 s per mutant (not the campaign's 2 s)
    // keeps a loaded machine's slow run from counting as a hang. Hangs are still caught (below).
    const r = await runInProcess({ seeds: SEEDS, seed: 1, maxRuns: 150, seconds: 120, jobs: 2, timeoutMs: 10_000, dist: DIST, crashDir: join(work, 'crashes'), print: (l) => lines.push(l) });
    expect(lines.filter((l) => l.startsWith('CRASH'))).toEqual([]);
    expect(r.runs).toBe(150);
    expect(r.crashes.total).toBe(0);
    // The mutants reach all three endings: read to the end, stopped by damage, not a capture at all.
    expect(Object.keys(r.outcomes).sort()).toEqual(['failed', 'report', 'stopped']);
    expect(r.outcomes.report + r.outcomes.stopped + r.outcomes.failed).toBe(150);
  }, 120_000);

  it('the seeds include the bundled captures and generated ones for every tracker, tunnel and link type', () => {
    const names = SEEDS.map((s) => s.name.split('/').pop());
    expect(names).toEqual(expect.arrayContaining([
      'quickstart.pcap', 'gen-tcp-v4.pcap', 'gen-tcp-v6-vlan.pcap', 'gen-dns.pcap', 'gen-quic.pcapng', 'gen-fragments.pcap',
      'gen-sll2.pcap', 'gen-null.pcap', 'gen-raw.pcap', 'gen-multi.pcapng', 'gen-tunnels.pcapng', 'gen-tcp-v4.pcap.gz',
    ]));
  });
});

describe('determinism', () => {
  const take = (seed: number, n: number) => {
    const stream = mutantStream(seed, SEEDS);
    return Array.from({ length: n }, () => stream.next());
  };

  it('the same seed gives the same mutants, ops and options, in the same order', () => {
    const a = take(42, 200);
    const b = take(42, 200);
    expect(b.map((m) => [m.seed, m.ops, m.options])).toEqual(a.map((m) => [m.seed, m.ops, m.options]));
    expect(b.every((m, i) => Buffer.compare(Buffer.from(m.bytes), Buffer.from(a[i]!.bytes)) === 0)).toBe(true);
  });

  it('another seed gives other mutants', () => {
    const a = take(42, 50).map((m) => Buffer.from(m.bytes).toString('hex'));
    const b = take(43, 50).map((m) => Buffer.from(m.bytes).toString('hex'));
    expect(a.filter((x, i) => x === b[i]).length).toBeLessThan(5);
  });
});

/**
 * A stand-in dist/ whose analyzeCapture misbehaves as told, with renderers that do nothing, so
 * the campaign's guards are seen to work.
 */
function fakeDist(name: string, body: string): string {
  const dist = join(work, name);
  mkdirSync(join(dist, 'report'), { recursive: true });
  writeFileSync(join(dist, 'index.js'), `export async function analyzeCapture(path) {\n${body}\n}\n`);
  writeFileSync(join(dist, 'report/table.js'), 'export const renderTable = () => "";\n');
  writeFileSync(join(dist, 'report/markdown.js'), 'export const renderMarkdown = () => "";\n');
  writeFileSync(join(dist, 'report/ndjson.js'), 'export function* ndjsonRecords() {}\n');
  return dist;
}

describe('the campaign notices what it must', () => {
  const cases: [string, string, string, string][] = [
    ['exception', 'throw new TypeError("bad offset");', 'exception', 'bad offset'],
    ['hang', 'for (;;) {}', 'hang', 'no result within 400 ms'],
    ['contract', 'return { schema: "statecap/report-v1", capture: { path }, error: "two\\nlines" };', 'contract', 'FailedReport error is not one line'],
    ['rejection', 'Promise.reject(new Error("nobody waits for me")); await new Promise((r) => setTimeout(r, 50)); return {};', 'uncaught', 'nobody waits for me'],
  ];
  for (const [name, body, kind, message] of cases) {
    it(`${name}: counted as a ${kind} crash, the mutant saved with its ops and options`, async () => {
      const crashDir = join(work, `crashes-${name}`);
      const r = await runInProcess({ seeds: SEEDS, seed: 3, maxRuns: 2, seconds: 30, jobs: 1, timeoutMs: 400, dist: fakeDist(name, body), crashDir, print: quiet });
      expect(r.runs).toBe(2);
      expect(r.crashes.total).toBe(2);
      const [entry] = [...r.crashes.bySignature.values()];
      expect([entry?.kind, entry?.message]).toEqual([kind, message]);
      const saved = readdirSync(crashDir).sort();
      expect(saved.filter((f) => f.endsWith('.cap')).length).toBe(entry?.files.length);
      expect(readFileSync(join(crashDir, '.gitignore'), 'utf8')).toBe('*\n');
      const first = JSON.parse(readFileSync(entry!.files[0]!.replace(/\.cap$/, '.json'), 'utf8')) as { kind: string; ops: string[]; options: object };
      expect(first.kind).toBe(kind);
      expect(first.ops.length).toBeGreaterThan(0);
    }, 30_000);
  }

  it('CLI results: exit codes, stack traces, stderr lines that do not name the file', () => {
    const ok = { status: 0, signal: null, stdout: '{}', stderr: '' };
    expect(cliProblems(ok, '/x.pcap', 'json')).toEqual([]);
    expect(cliProblems({ ...ok, status: 2, stderr: 'statecap: /x.pcap: empty file\n' }, '/x.pcap', 'table')).toEqual([]);
    expect(cliProblems({ ...ok, status: 3 }, '/x.pcap', 'table')).toEqual(['exit code 3']);
    expect(cliProblems({ ...ok, status: null, signal: 'timeout' }, '/x.pcap', 'table')).toEqual(['killed by timeout']);
    expect(cliProblems({ ...ok, status: 2, stderr: 'statecap: /x.pcap: boom\n    at f (a.js:1:1)\n' }, '/x.pcap', 'table'))
      .toEqual(['stack trace on stderr', 'stderr line does not name the file:     at f (a.js:1:1)']);
    expect(cliProblems({ ...ok, stderr: 'statecap: /x.pcap: w\n'.repeat(5) }, '/x.pcap', 'table')).toEqual(['5 lines on stderr']);
    expect(cliProblems({ ...ok, stdout: 'not json' }, '/x.pcap', 'json')).toEqual(['stdout is not JSON']);
  });

  it('4 mutants through the built CLI: exit codes 0 or 2, stderr clean', async () => {
    const r = await runCli({ seeds: SEEDS, seed: 1, count: 4, jobs: 2, dist: DIST, crashDir: join(work, 'cli-crashes'), print: quiet });
    expect(r.runs).toBe(4);
    expect([...r.crashes.bySignature.values()].map((e) => e.message)).toEqual([]);
    expect(Object.keys(r.exits).every((code) => code === '0' || code === '2')).toBe(true);
    expect(existsSync(join(work, 'cli-crashes'))).toBe(false);
  }, 60_000);
});
