/**
 * The built CLI's JSON and NDJSON output, now written in chunks: --output FILE holds the same bytes
 * as standard output, one capture is its report plus a newline, several are an array framed as
 * before, and an unwritable output is bad input named on one line.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/pipeline.js';
import { fixture, statecapAsync as statecap, type CliResult } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'statecap-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ONE = fixture('quickstart.pcap');
const SEVERAL = [fixture('quickstart.pcap'), fixture('dns-tc-retry.pcap'), fixture('quic-loopback.pcap')];

/** `analyze --format json SEVERAL` to standard output, spawned once for the two tests that read it. */
let severalJson: Promise<CliResult> | undefined;
const analyzeSeveralJson = (): Promise<CliResult> => (severalJson ??= statecap(['analyze', '--format', 'json', ...SEVERAL]));

// The tests are independent (each its own output file), so their spawns run side by side.
describe.concurrent('--format json and ndjson output', () => {
  it('writes one capture as its report, exactly as JSON.stringify gives it, then a newline', async () => {
    const r = await statecap(['analyze', '--format', 'json', ONE]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${JSON.stringify(await analyzeCapture(ONE))}\n`);
  });

  it('writes several captures as an array, one report per line', async () => {
    const [r, reports] = await Promise.all([analyzeSeveralJson(), Promise.all(SEVERAL.map((p) => analyzeCapture(p)))]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`[${reports.map((x) => JSON.stringify(x)).join('\n,')}]\n`);
  });

  // Each view and format through the file stream once (every spawn costs a Node start-up).
  for (const [view, format, paths] of [['analyze', 'json', SEVERAL], ['state', 'ndjson', [ONE]]] as const) {
    it(`${view} --format ${format} --output FILE writes the bytes of standard output (${paths.length} capture(s))`, async () => {
      const file = join(dir, `${view}-${format}-${paths.length}.out`);
      const [toStdout, toFile] = await Promise.all([
        view === 'analyze' && format === 'json' ? analyzeSeveralJson() : statecap([view, '--format', format, ...paths]),
        statecap([view, '--format', format, '--output', file, ...paths]),
      ]);
      expect(toStdout.status).toBe(0);
      expect(toFile.status).toBe(0);
      expect(toFile.stdout).toBe('');
      expect(toStdout.stdout.length).toBeGreaterThan(100);
      expect(readFileSync(file, 'utf8')).toBe(toStdout.stdout);
    });
  }

  it('names an unwritable --output on one line, as bad input', async () => {
    const file = join(dir, 'no-such-dir', 'report.json');
    const r = await statecap(['analyze', '--format', 'json', '--output', file, ONE]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`statecap: cannot write ${file}: ENOENT: no such file or directory, open '${file}'\n`);
  });

  it.runIf(existsSync('/dev/full'))('reports a failed write (a full disk) as bad input, without a stack trace', async () => {
    const formats = ['json', 'table'];
    const runs = await Promise.all(formats.map((format) => statecap(['analyze', '--format', format, '--output', '/dev/full', ONE])));
    for (const [i, format] of formats.entries()) {
      const r = runs[i]!;
      expect(r.status, format).toBe(2);
      expect(r.stderr, format).toBe('statecap: cannot write /dev/full: ENOSPC: no space left on device, write\n');
    }
  });
});
