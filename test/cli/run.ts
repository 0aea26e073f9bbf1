/**
 * Runs the CLI as a test needs it. `statecapAsync` runs a command line in this process (the CLI's
 * `run` from dist, the code the bin bundles): most CLI tests check what a command prints and exits
 * with, and a child process per run cost ~0.5 s of CPU each, most of the suite's time.
 * `statecapProcess` (and the sync `statecap`) spawn the bundled bin as a user or CI job would: for
 * what only a process shows (standard input, exit codes of the process itself, pipes, signals,
 * the bundle's start-up, --jobs worker threads).
 */
import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { run as Run } from '../../src/cli/program.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = fileURLToPath(new URL('../../dist/cli/statecap.js', import.meta.url));
/** The unbundled build of src/cli/program.ts: the code the bundle holds, with no bin side effects. */
const PROGRAM = fileURLToPath(new URL('../../dist/cli/program.js', import.meta.url));

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

/** The bundled bin as a child process, as a promise, so a test file's independent spawns run side by side. */
export function statecapProcess(args: string[], input?: Buffer | string, env: Record<string, string> = {}): Promise<CliResult> {
  return spawnText(process.execPath, [MAIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env } }, input);
}

/** A stream that keeps what is written, as a terminal-less pipe would pass it on. */
class Sink extends Writable {
  private readonly chunks: Buffer[] = [];
  // One large buffer: the CLI's writers wait for 'drain' past it, which a pipe needs and a sink does not.
  constructor() { super({ highWaterMark: 1 << 30 }); }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.chunks.push(chunk);
    done();
  }
  text(): string { return Buffer.concat(this.chunks).toString('utf8'); }
}

let program: Promise<typeof Run> | undefined;
/** Runs in this process share process.env and process.exitCode: one at a time. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * `statecap ARGS` in this process, with the environment a spawned run gets (NO_COLOR=1 and `env`)
 * set for the run and put back after. The runs of a file are queued: they would share the
 * environment and the CLI's module state. Standard input is the process's own, so a run that reads
 * it is statecapProcess's.
 */
export function statecapAsync(args: string[], input?: Buffer | string, env: Record<string, string> = {}): Promise<CliResult> {
  if (input !== undefined) return statecapProcess(args, input, env);
  const result = queue.then(() => inProcess(args, { NO_COLOR: '1', ...env }));
  queue = result.catch(() => {});
  return result;
}

async function inProcess(args: string[], env: Record<string, string>): Promise<CliResult> {
  program ??= import(pathToFileURL(PROGRAM).href).then((m: { run: typeof Run }) => m.run);
  const run = await program;
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const stdout = new Sink();
  const stderr = new Sink();
  try {
    const status = await run([process.execPath, MAIN, ...args], { stdout, stderr });
    return { status, stdout: stdout.text(), stderr: stderr.text() };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

export function fixture(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
}
