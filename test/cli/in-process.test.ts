/**
 * The CLI run in this process (test/cli/run.ts) leaves nothing behind for the next run or the test
 * process: the exit code, the environment and the colour mode are put back, and nothing reaches
 * the process's own stdout or stderr.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixture, statecapAsync as statecap } from './run.js';

const Q = fixture('quickstart.pcap');

describe('in-process CLI runs', () => {
  afterEach(() => { vi.restoreAllMocks(); });

  it('write only to their own sinks and put back exit code, environment and colour mode', async () => {
    const stdout = vi.spyOn(process.stdout, 'write');
    const stderr = vi.spyOn(process.stderr, 'write');
    const exitCode = process.exitCode;
    const env = { ...process.env };
    // A code the process had before: no run reports it, and it is there again after.
    process.exitCode = 5;
    const runs = [
      await statecap(['check', '-e', 'tcp.flows == 0', Q]),
      await statecap(['analyze', '--color', 'always', Q], undefined, { FORCE_COLOR: '1', COLUMNS: '50' }),
      await statecap(['--help']),
      await statecap(['analyze', Q]),
      // Last, so that a code it left behind would show below.
      await statecap(['analyze', '--bogus', Q]),
    ];
    // Each run's code is its own: none carries over from the run before.
    expect(runs.map((r) => r.status)).toEqual([1, 0, 0, 0, 2]);
    expect(runs.map((r) => r.stdout.length > 0)).toEqual([true, true, true, true, false]);
    expect(runs[4]!.stderr).toBe("statecap: unknown option '--bogus' (see --help)\n");
    // --color always and FORCE_COLOR coloured the second run only: the fourth is plain and as wide as it needs.
    expect(runs[1]!.stdout).toContain('\x1b[');
    expect(runs[3]!.stdout).not.toContain('\x1b[');
    expect(Math.max(...runs[3]!.stdout.split('\n').map((l) => l.length))).toBeGreaterThan(50);
    expect(stdout).not.toHaveBeenCalled();
    expect(stderr).not.toHaveBeenCalled();
    expect(process.exitCode).toBe(5);
    process.exitCode = exitCode;
    expect(process.env).toEqual(env);
  });
});
