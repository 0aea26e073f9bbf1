/** Runs the built CLI (the bundled bin, dist/cli/statecap.js) as a child process, as a user or CI job would. */
import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
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

/** A child process as a promise: its exit status and its standard output and error as text. */
export function spawnText(command: string, args: string[], options: SpawnOptions = {}, input?: Buffer | string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.on('error', () => {}); // the CLI may exit before reading all of it
    child.stdin.end(input);
  });
}

/** The same run as `statecap` as a promise, so a test file's independent spawns run side by side. */
export function statecapAsync(args: string[], input?: Buffer | string, env: Record<string, string> = {}): Promise<CliResult> {
  return spawnText(process.execPath, [MAIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env } }, input);
}

export function fixture(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
}
