/**
 * The bin as a real process, what in-process runs (test/cli/run.ts) cannot show: the file runs by
 * its shebang, the exit code reaches the shell, stdout and stderr are separate streams, and a
 * reader that closes the pipe early (`| head`) ends the run quietly.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture, ROOT, spawnText, statecapProcess } from './run.js';

const Q = fixture('quickstart.pcap');

describe.concurrent('the statecap process', () => {
  it('runs as an executable by its shebang: --version prints the package version, exit 0', async () => {
    const { version } = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { version: string };
    const r = await spawnText(`${ROOT}/dist/cli/statecap.js`, ['--version'], { cwd: ROOT });
    expect(r).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('exits 1 when an expectation fails, the results on stdout and nothing on stderr', async () => {
    const r = await statecapProcess(['check', '-e', 'tcp.flows == 0', Q]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('FAIL tcp.flows == 0 (actual 3)');
    expect(r.stderr).toBe('');
  });

  it('exits 2 for an unreadable capture: the report on stdout, the reason on stderr', async () => {
    const r = await statecapProcess(['analyze', '-f', 'json', 'no-such-file.pcap', Q]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('statecap: no-such-file.pcap: no such file\n');
    expect((JSON.parse(r.stdout) as unknown[]).length).toBe(2);
  });

  it('ends with exit 0 and no message when the reader closes the pipe early (| head -c 10)', async () => {
    // 40 reports of ~17 kB: far more than a pipe buffers, so writes after head leaves meet EPIPE.
    const many = Array.from({ length: 40 }, () => fixture('quic-loopback.pcap')).join(' ');
    const r = await spawnText('bash', ['-c', `"${process.execPath}" dist/cli/statecap.js analyze -f json --jobs 1 ${many} | head -c 10; echo "exit \${PIPESTATUS[0]}" >&2`], { cwd: ROOT });
    expect(r.stdout).toBe('[{"schema"');
    expect(r.stderr).toBe('exit 0\n');
  });
});
