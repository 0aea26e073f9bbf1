/**
 * The run in progress: its command line and where it writes. The bin runs once with the process's
 * own streams; tests run many commands in one process (src/cli/program.ts `run`), each with its
 * own sinks, so the CLI code writes here, never to process.stdout or process.stderr directly.
 */
import type { Writable } from 'node:stream';

/** A stream the CLI writes to; a terminal has `isTTY` and `columns`. */
export type CliOutput = Writable & { readonly isTTY?: boolean; readonly columns?: number };

export interface Invocation {
  argv: readonly string[];
  stdout: CliOutput;
  stderr: CliOutput;
}

let current: Invocation | undefined;

/** The run in progress; the process's own streams outside a run. */
export function invocation(): Invocation {
  return current ?? { argv: process.argv, stdout: process.stdout, stderr: process.stderr };
}

/** Makes `next` the run in progress and returns the one it replaces (undefined: none). */
export function enterInvocation(next: Invocation | undefined): Invocation | undefined {
  const previous = current;
  current = next;
  return previous;
}
