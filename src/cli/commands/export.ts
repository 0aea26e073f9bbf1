/**
 * `statecap export --to DIR <capture...>`: Parquet tables of many captures, for SQL engines. The
 * work lives in src/export/, loaded only when the command runs, so that DuckDB's native library
 * costs nothing to the other commands.
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { ExportFolderError, SqlError } from '../../export/errors.js';
import type { CommonOptionValues } from '../options.js';
import { UsageError } from '../options.js';
import { analyzeOptionsFrom, ioFor, type CommandDeps } from './deps.js';

interface ExportValues extends CommonOptionValues {
  to: string;
  jobs: string;
  continuous?: boolean;
}

export const EXIT_BAD_INPUT = 2;

/** Prints a user's mistake as one line, anything else as an internal error; exit 2 either way. */
export function failWith(err: (text: string) => void, e: unknown): void {
  const known = e instanceof UsageError || e instanceof ExportFolderError || e instanceof SqlError;
  err(`statecap: ${known ? (e as Error).message : `internal error: ${(e as Error)?.message ?? String(e)}`}\n`);
  process.exitCode = EXIT_BAD_INPUT;
}

function jobsFrom(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new UsageError(`option --jobs: '${text}' is not a whole number from 1 to 256`);
  return n;
}

export function register(program: Command, deps: CommandDeps): void {
  const io = ioFor(deps);

  const exportCmd = program.command('export')
    .description('write Parquet tables (captures, tcp_flows, endpoints, ...) of many captures, for SQL engines')
    .argument('<capture...>', 'pcap or pcapng files (gzip allowed)')
    .requiredOption('--to <dir>', 'export folder: new, empty, or an earlier statecap export (replaced)')
    .option('-j, --jobs <n>', 'captures analysed at once, one worker thread each', String(availableParallelism()))
    .option('--continuous', 'the captures are one capture split in time order (tcpdump -C/-G/-W, editcap -c): one captures row, packet numbers carry across files');
  (deps.addAnalysisOptions?.(exportCmd) ?? exportCmd).action(async (paths: string[], values: ExportValues) => {
    const analyze = analyzeOptionsFrom(values, deps, io);
    if (analyze === null) {
      process.exitCode = EXIT_BAD_INPUT;
      return;
    }
    try {
      const jobs = jobsFrom(values.jobs);
      // Workers read files; standard input belongs to the main thread.
      if (paths.includes('-')) throw new UsageError('export reads capture files, not standard input (-): save the capture to a file first');
      const { runExport } = await import('../../export/export.js');
      const { manifest } = await runExport(paths, values.to, {
        jobs, analyze, continuous: values.continuous === true, version: program.version() ?? '', err: (line) => io.err(`statecap: ${line}\n`),
      });
      const tables = Object.entries(manifest.tables);
      const width = Math.max(...tables.map(([name]) => name.length));
      io.out(`${values.to}: ${manifest.captures} capture${manifest.captures === 1 ? '' : 's'}, ${manifest.failedCaptures} with errors\n`);
      for (const [name, t] of tables) io.out(`  ${name.padEnd(width)}  ${String(t.rows).padStart(8)} rows  ${t.file}\n`);
      if (manifest.failedCaptures > 0) process.exitCode = EXIT_BAD_INPUT;
    } catch (e) {
      failWith(io.err, e);
    }
  });
}
