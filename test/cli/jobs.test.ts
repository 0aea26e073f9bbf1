/**
 * --jobs N analyzes a batch in N worker threads; what is written must not depend on it: the same
 * stdout bytes (reports in input order), the same stderr lines in the same order, the same exit code.
 * Real processes: the worker threads, standard input and the exit code as a shell sees them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture, statecapProcess as statecap } from './run.js';
import { scratch } from '../helpers/analyze.js';

// A missing file in the middle: its error line must come between the others' warnings, as in order.
const BATCH = [fixture('quickstart.pcap'), fixture('dns-tc-retry.pcap'), 'no-such-file.pcap', fixture('quic-loopback.pcap'), fixture('dns-unanswered.pcap')];

// Independent runs: the tests and the runs each compares go side by side.
describe.concurrent('--jobs', () => {
  it('writes the same JSON, errors and exit code with 3 workers as with one', async () => {
    const [one, three] = await Promise.all([
      statecap(['analyze', '--format', 'json', '--jobs', '1', ...BATCH]),
      statecap(['analyze', '--format', 'json', '--jobs', '3', ...BATCH]),
    ]);
    expect(one.status).toBe(2); // the missing file is bad input
    expect(three.status).toBe(2);
    expect(three.stdout).toBe(one.stdout);
    expect(three.stderr).toBe(one.stderr);
    // Five reports in input order: the third is the failed one.
    const reports = JSON.parse(one.stdout) as { capture: { path: string } }[];
    expect(reports.map((r) => r.capture.path)).toEqual(BATCH);
  });

  it('writes the same NDJSON of the state view, with standard input and a truncated capture among the workers\' files', async () => {
    // A capture cut in its last record (as when tcpdump is killed): a warning, the rest stands.
    const whole = readFileSync(fixture('quickstart.pcap'));
    const truncated = scratch('statecap-jobs-').write('jobs-truncated.pcap', whole.subarray(0, whole.length - 10));
    const batch = [fixture('dns-tc-retry.pcap'), '-', truncated, fixture('quic-loopback.pcap')];
    const stdin = readFileSync(fixture('dns-unanswered.pcap'));
    const [one, two] = await Promise.all([
      statecap(['state', '--format', 'ndjson', '--jobs', '1', ...batch], stdin),
      statecap(['state', '--format', 'ndjson', '--jobs', '2', ...batch], stdin),
    ]);
    expect(one.status).toBe(0);
    expect(two.status).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    expect(two.stderr).toBe(one.stderr);
    expect(one.stderr).toContain('jobs-truncated.pcap: packet 36 truncated');
    // Every capture has records, in input order; standard input is named '-'.
    const paths = one.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { capture?: string }).capture);
    expect([...new Set(paths)]).toEqual(batch);
  });

  it('check gives the same results with workers', async () => {
    const args = ['check', ...BATCH.filter((p) => !p.startsWith('no-such')), '-e', 'tcp.flows >= 1'];
    const [one, two] = await Promise.all([statecap([...args, '--jobs', '1']), statecap([...args, '--jobs', '2'])]);
    expect(two.stdout).toBe(one.stdout);
    expect(two.status).toBe(one.status);
  });

  it('rejects a --jobs that is not a whole number from 1', async () => {
    const r = await statecap(['analyze', '--jobs', '0', fixture('quickstart.pcap')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("statecap: option --jobs: '0' is not a whole number from 1 to 256\n");
  });
});
