/** Runs the built CLI (the bundled bin, dist/cli/statecap.js) as a child process, as a user or CI job would. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = fileURLToPath(new URL('../../dist/cli/statecap.js', import.meta.url));

export interface CliResult { status: number | null; stdout: string; stderr: string }

export function statecap(args: string[], input?: Buffer | string, env: Record<string, string> = {}): CliResult {
  const p = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: ROOT, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, maxBuffer: 64 << 20,
  });
  return { status: p.status, stdout: p.stdout, stderr: p.stderr };
}

export function fixture(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
}
