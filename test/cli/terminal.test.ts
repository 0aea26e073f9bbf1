/**
 * Colour and the progress line (issue 15): FORCE_COLOR=0 and NO_COLOR are honoured on a terminal,
 * --color always|never|auto and --no-color override, and nothing is erased that was never drawn.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { colorFor, progressLine } from '../../src/cli/terminal.js';
import { fixture, spawnText, statecapAsync as statecap, ROOT } from './run.js';

const ESC = '\u001b';
const Q = fixture('quickstart.pcap');
const hasScript = spawnSync('script', ['--version']).status === 0;

/** Runs the CLI (the bundled bin) on a pseudo-terminal (util-linux `script`), stdout and stderr both on it; async, so the runs go side by side. */
async function onTerminal(args: string, env: Record<string, string>): Promise<string> {
  const p = await spawnText('script', ['-qc', `${process.execPath} dist/cli/statecap.js ${args}`, '/dev/null'], {
    cwd: ROOT, env: { PATH: process.env.PATH ?? '', TERM: 'xterm', ...env },
  });
  return p.stdout;
}

describe('colour', () => {
  it('decides from the flag, then NO_COLOR, FORCE_COLOR, TERM and the terminal', () => {
    const tty = { isTTY: true };
    const pipe = { isTTY: false };
    expect(colorFor(pipe, 'always', { NO_COLOR: '1' })).toBe(true);
    expect(colorFor(tty, 'never', { FORCE_COLOR: '1' })).toBe(false);
    expect(colorFor(tty, 'auto', {})).toBe(true);
    expect(colorFor(pipe, 'auto', {})).toBe(false);
    expect(colorFor(tty, 'auto', { NO_COLOR: '1' })).toBe(false);
    expect(colorFor(tty, 'auto', { NO_COLOR: '' })).toBe(true); // no-color.org: only a non-empty value counts
    expect(colorFor(tty, 'auto', { FORCE_COLOR: '0' })).toBe(false);
    expect(colorFor(tty, 'auto', { FORCE_COLOR: 'false' })).toBe(false);
    expect(colorFor(pipe, 'auto', { FORCE_COLOR: '1' })).toBe(true);
    expect(colorFor(tty, 'auto', { TERM: 'dumb' })).toBe(false);
  });

  it('--color always colours a pipe, --no-color and --color never do not', async () => {
    const [always, alwaysFirst, noColor, never, bad] = await Promise.all([
      statecap(['analyze', '--color', 'always', Q]),
      statecap(['--color=always', 'analyze', Q]),
      statecap(['analyze', '--color', 'always', '--no-color', Q]),
      statecap(['analyze', '--color', 'never', Q], undefined, { FORCE_COLOR: '1' }),
      statecap(['analyze', '--color', 'sometimes', Q]),
    ]);
    expect(always.stdout).toContain(ESC);
    expect(alwaysFirst.stdout).toContain(ESC);
    expect(noColor.stdout).not.toContain(ESC);
    expect(never.stdout).not.toContain(ESC);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^statecap: option '--color <when>' argument 'sometimes' is invalid/);
  });

  it.skipIf(!hasScript)('FORCE_COLOR=0 and NO_COLOR leave no escape at all on a terminal', async () => {
    const [control, forceOff, noColor, check] = await Promise.all([
      onTerminal(`analyze ${Q}`, {}),
      onTerminal(`analyze ${Q}`, { FORCE_COLOR: '0' }),
      onTerminal(`analyze ${Q}`, { NO_COLOR: '1' }),
      onTerminal(`check -e "tcp.flows == 3" ${Q}`, { FORCE_COLOR: '0' }),
    ]);
    expect(control).toContain(ESC); // the control: a terminal gets colour
    expect(forceOff).not.toContain(ESC);
    expect(noColor).not.toContain(ESC);
    expect(check).not.toContain(ESC);
  });
});

describe('progress line', () => {
  it('shows the share of the file read when its size is known', () => {
    // 1,000 packets of 100 captured bytes: 1000 * (100 + 16) = 116,000 bytes of a 232,000-byte file.
    expect(progressLine('big.pcap', 1000, 200_000, 116_000, 232_000)).toBe('statecap: big.pcap: 1,000 packets, 0.2 MB (50%)');
    expect(progressLine('big.pcap', 1000, 200_000, 240_000, 232_000)).toBe('statecap: big.pcap: 1,000 packets, 0.2 MB (99%)');
    expect(progressLine('-', 1000, 200_000, 116_000)).toBe('statecap: -: 1,000 packets, 0.2 MB');
  });
});
