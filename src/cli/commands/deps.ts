/**
 * What the lead's CLI hands the `check` and `grade` command modules: the analyzer, and its
 * analysis options (--dns-port, --dns-timeout, --time-wait, ...) so that every command accepts
 * the same ones. Output goes through `out`/`err` so tests can capture it.
 */
import type { Command } from 'commander';
import type { AnalyzeOptions } from '../../pipeline.js';
import type { AnyReport } from '../../report/schema.js';
import type { CommonOptionValues } from '../options.js';
import { useColor } from '../terminal.js';
import { invocation } from '../invocation.js';

export interface CommandDeps {
  analyze: (path: string, options: AnalyzeOptions) => Promise<AnyReport>;
  /** Announces the captures `analyze` will be asked for, in that order (--jobs analyzes ahead in workers). */
  prefetch?: (paths: readonly string[], options: AnalyzeOptions) => void;
  /** Adds the analysis options to a command (the lead's `addAnalysisOptions`). */
  addAnalysisOptions?: (cmd: Command) => Command;
  /** Turns option values into AnalyzeOptions; throws a UsageError (one-line message) for a bad value. */
  toAnalyzeOptions?: (values: CommonOptionValues) => AnalyzeOptions;
  /** Standard output and standard error; default the run's (invocation.ts). */
  out?: (text: string) => void;
  err?: (text: string) => void;
  /** Whether table output may use color; default: stdout is a TTY and NO_COLOR is unset. */
  color?: boolean;
}

/** Adds the analysis options to `cmd` (--format and --output are each command's own). */
export function addSharedAnalysisOptions(cmd: Command, deps: CommandDeps): Command {
  return deps.addAnalysisOptions?.(cmd) ?? cmd;
}

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  color: boolean;
}

export function ioFor(deps: CommandDeps): Io {
  return {
    out: deps.out ?? ((text) => { invocation().stdout.write(text); }),
    err: deps.err ?? ((text) => { invocation().stderr.write(text); }),
    color: deps.color ?? useColor(invocation().stdout),
  };
}

/** AnalyzeOptions from the option values; a bad value is reported as one line and yields null. */
export function analyzeOptionsFrom(values: CommonOptionValues, deps: CommandDeps, io: Io): AnalyzeOptions | null {
  if (deps.toAnalyzeOptions === undefined) return {};
  try {
    return deps.toAnalyzeOptions(values);
  } catch (e) {
    io.err(`statecap: ${e instanceof Error ? e.message : String(e)}\n`);
    return null;
  }
}
