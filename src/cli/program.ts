/**
 * The command line: argv in, text on the run's streams (invocation.ts) and an exit code out.
 * Exit codes: 0 success; 1 a `check` expectation failed; 2 bad input (unreadable capture, bad option, bad rubric, unwritable output).
 */
import { createWriteStream, mkdirSync, readFileSync, statSync, writeFileSync, type WriteStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { Command, CommanderError, Option } from 'commander';
import { analyzeCapture, analyzeContinuous, DEFAULTS, type AnalyzeOptions } from '../pipeline.js';
import type { AnyReport, Report } from '../report/schema.js';
import { isFailed } from '../report/failed.js';
import type { TableOptions } from '../report/table.js';
import { DEFAULT_MAX_ROWS, SORT_KEYS, TIME_MODES, type SortKey, type TimeMode } from '../report/layout.js';
import { DEFAULT_CHUNK_SIZE, drained, type JsonOutput } from '../report/json-writer.js';
import { jsonFraming, writeReportText, type StreamedFormat } from '../report/streamed-text.js';
import { register as registerCheck } from './commands/check.js';
import { register as registerGrade } from './commands/grade.js';
import { register as registerMetrics } from './commands/metrics.js';
import { register as registerFlow } from './commands/flow.js';
import { examples } from './help.js';
import { toAnalyzeOptions, UsageError, wholeNumber, type CommonOptionValues } from './options.js';
import { progressLine, setColorMode, terminalWidth, useColor } from './terminal.js';
import { register as registerExplain } from './commands/explain.js';
import { register as registerExport } from './commands/export.js';
import { register as registerSql } from './commands/sql.js';
import { DEFAULT_MAX_STATE_MB } from '../track/memory-budget.js';
import { AnalysisPool } from '../batch/pool.js';
import { notesOf, type ReportNotes } from '../batch/report-notes.js';
import { enterInvocation, invocation, type CliOutput } from './invocation.js';

/** --jobs: worker threads for batches of captures; null for one (everything in-process). */
let pool: AnalysisPool | null = null;

/** The report of one capture: from the pool when the command announced it, else analyzed here. */
function analyzeOne(path: string, options: AnalyzeOptions): Promise<AnyReport> {
  return pool?.take(path) ?? analyzeCapture(path, options);
}

/** Tells the pool which captures the command will ask for, in order (a batch of one stays in-process). */
function prefetch(paths: readonly string[], options: AnalyzeOptions): void {
  if (paths.length > 1) pool?.prefetch(paths, options);
}

export const EXIT = { OK: 0, FAILED_CHECK: 1, BAD_INPUT: 2 } as const;

type Format = 'table' | 'json' | 'markdown' | 'ndjson' | 'html' | 'zeek';

interface OutputOptionValues extends CommonOptionValues {
  format: Format;
  output?: string;
  wide?: boolean;
  continuous?: boolean;
  sort?: SortKey;
  top?: string;
  time?: TimeMode;
  svgDir?: string;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * A progress line on stderr for long inputs, only on a terminal (never in CI logs or pipes), with a
 * percentage of the file when its size is known (a regular, uncompressed file). `clear` erases it
 * only when one was drawn, so short runs write no escape at all.
 */
function progressFor(path: string): { options: Pick<AnalyzeOptions, 'onProgress'>; clear: () => void } {
  const { stderr } = invocation();
  if (!stderr.isTTY || process.env.CI) return { options: {}, clear: () => {} };
  let size: number | undefined;
  try {
    const info = statSync(path);
    if (info.isFile() && !/\.gz$/i.test(path)) size = info.size;
  } catch {
    // The reader reports an unreadable path; the progress line just has no percentage.
  }
  let drawn = false;
  return {
    options: {
      onProgress: (packets, bytes, stored) => {
        drawn = true;
        stderr.write(`\r${progressLine(path, packets, bytes, stored, size)}\x1b[K`);
      },
    },
    clear: () => {
      if (drawn) stderr.write('\r\x1b[K');
    },
  };
}

/**
 * Analyzes each capture in order, reporting unreadable ones on stderr and setting the exit code for
 * bad input. Each report goes to `each` as soon as it is done, and the next capture waits until
 * `each` has finished with it; reports are kept only when `keep`.
 */
export async function analyzeAll(
  paths: string[], options: AnalyzeOptions, each?: (r: AnyReport, index: number) => void | Promise<void>, keep = true, continuous = false,
): Promise<AnyReport[]> {
  const reports: AnyReport[] = [];
  // --continuous: all the files are one capture.
  const units = continuous && paths.length > 1 ? [paths] : paths.map((p) => [p]);
  if (units.length > 1) prefetch(paths, options);
  for (const [index, unit] of units.entries()) {
    const report = await analyzeUnit(unit, options);
    await each?.(report, index);
    if (keep) reports.push(report);
  }
  return reports;
}

/**
 * One capture (or one --continuous series): a worker's report if the pool prefetched it, else
 * analyzed here with a progress line; what is wrong with it is told on stderr either way.
 */
async function analyzeUnit(unit: string[], options: AnalyzeOptions): Promise<AnyReport> {
  const path = unit[0];
  const progress = progressFor(path);
  const report = unit.length > 1
    ? await analyzeContinuous(unit, { ...options, ...progress.options })
    : await (pool?.take(path) ?? analyzeCapture(path, { ...options, ...progress.options }));
  progress.clear();
  tell(notesOf(report));
  return report;
}

/** Says on stderr what is wrong with a capture or its analysis; unreadable input sets the exit code. */
function tell(notes: ReportNotes): void {
  const { stderr } = invocation();
  if (notes.error !== undefined) {
    stderr.write(`statecap: ${notes.error}\n`);
    process.exitCode = EXIT.BAD_INPUT;
    return;
  }
  for (const w of notes.warnings) stderr.write(`statecap: warning: ${w}\n`);
  if (notes.captureError) {
    stderr.write(`statecap: ${notes.captureError}\n`);
    process.exitCode = EXIT.BAD_INPUT;
  }
}

/**
 * JSON or NDJSON of a batch with --jobs: each worker writes its report's text, and this thread
 * only copies the bytes out in input order. Serializing here (and cloning whole reports across
 * threads to do it) kept this thread as busy as a worker, so two workers were slower than one.
 */
async function writeBatchText(active: AnalysisPool, paths: string[], options: AnalyzeOptions, format: StreamedFormat, view: 'analyze' | 'state', out: Writable): Promise<void> {
  active.prefetch(paths, options, { format, view });
  const count = paths.length;
  for (const [index, path] of paths.entries()) {
    const pending = active.takeText(path);
    if (pending === undefined) {
      // Standard input is never sent to a worker: analyzed here.
      await writeReportText(out, await analyzeUnit([path], options), format, view, { index, count });
      continue;
    }
    const { text, notes } = await pending;
    tell(notes);
    const framing = format === 'json' ? jsonFraming({ index, count }) : { before: '', after: '' };
    for (const piece of [framing.before, text, framing.after]) {
      if (piece.length > 0 && !out.write(piece)) await drained(out);
    }
  }
}

/**
 * Writes JSON and NDJSON capture by capture as each analysis ends, so memory holds one report at a
 * time, and in chunks that wait for the output: one string per report would overflow V8's string
 * limit on large captures and buffer without bound on a slow pipe or disk.
 */
function streamingWriter(format: Format, view: 'analyze' | 'state', out: JsonOutput, count: number): ((r: AnyReport, i: number) => Promise<void>) | undefined {
  const streamed = streamedFormat(format);
  return streamed === undefined ? undefined : (r, index) => writeReportText(out, r, streamed, view, { index, count });
}

function streamedFormat(format: Format): StreamedFormat | undefined {
  return format === 'json' || format === 'ndjson' ? format : undefined;
}

/**
 * Opens --output before any analysis, so an unwritable path fails at once as bad input rather
 * than after a long analysis (or as an unhandled 'error' event).
 */
async function openOutput(path: string): Promise<WriteStream> {
  // Room for several of the JSON writer's chunks: the next ones are built while one is written.
  const out = createWriteStream(path, { highWaterMark: 4 * DEFAULT_CHUNK_SIZE });
  try {
    await once(out, 'open');
  } catch (e) {
    throw new OutputError(path, e);
  }
  // A failed write (a full disk) destroys the stream: the writer's next wait or finished() rejects,
  // and runReport names the file. Without a listener the event would crash with a stack trace.
  out.on('error', () => {});
  return out;
}

class OutputError extends Error {
  constructor(path: string, cause: unknown) {
    super(`cannot write ${path}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/**
 * --format zeek: conn.log and dns.log into the --output folder (the current one by default, as
 * Zeek writes its logs), the rows of all captures together.
 */
async function writeZeekLogs(paths: string[], values: OutputOptionValues): Promise<void> {
  const options = toAnalyzeOptions(values);
  const dir = values.output ?? '.';
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new OutputError(dir, e);
  }
  const reports = (await analyzeAll(paths, options, undefined, true, values.continuous)).filter((r): r is Report => !isFailed(r));
  const { renderZeekLogs } = await import('../report/zeek.js');
  const logs = renderZeekLogs(reports);
  for (const [name, text] of [['conn.log', logs.conn], ['dns.log', logs.dns]] as const) {
    const file = join(dir, name);
    try {
      writeFileSync(file, text);
    } catch (e) {
      throw new OutputError(file, e);
    }
  }
}

async function runReport(paths: string[], values: OutputOptionValues, view: 'analyze' | 'state'): Promise<void> {
  if (values.format === 'zeek') return writeZeekLogs(paths, values);
  const options = toAnalyzeOptions(values);
  if (values.svgDir !== undefined && values.format !== 'markdown') throw new UsageError('option --svg-dir goes with --format markdown');
  // Pictures need what plain reports skip: per-kind timelines, and packet logs for the ladders.
  if (values.format === 'html' || values.svgDir !== undefined) options.kindTimelines = true;
  // Output code is loaded only for the format asked for (start-up pays for nothing else).
  const html = values.format === 'html' ? await import('../report/html/html.js') : undefined;
  if (html !== undefined) options.packetLog = { first: html.HTML_LADDER_PACKETS, last: html.HTML_LADDER_PACKETS, flows: html.HTML_DEFAULTS.maxLadders };
  const file = values.output ? await openOutput(values.output) : undefined;
  const { stdout } = invocation();
  const out = file ?? stdout;
  const color = !file && useColor(stdout);
  try {
    const streamed = streamedFormat(values.format);
    let reports: AnyReport[] = [];
    if (streamed !== undefined && pool !== null && paths.length > 1 && !values.continuous) {
      await writeBatchText(pool, paths, options, streamed, view, out);
    } else {
      const stream = streamingWriter(values.format, view, out, values.continuous ? 1 : paths.length);
      reports = await analyzeAll(paths, options, stream, stream === undefined, values.continuous);
    }
    if (values.format === 'markdown') {
      const { renderMarkdown } = await import('../report/markdown.js');
      const svgs = values.svgDir === undefined ? '' : (await import('./svg-dir.js')).writeStateSvgs(reports, values.svgDir, values.output);
      out.write(renderMarkdown(reports) + svgs);
    }
    if (html !== undefined) out.write(html.renderHtml(reports, { generator: `statecap ${version()}` }));
    if (values.format === 'table') {
      const { renderStateTable, renderTable } = await import('../report/table.js');
      const layout = tableLayout(values, !file);
      out.write(view === 'state' ? renderStateTable(reports, { color, ...layout }) : renderTable(reports, { color, ...layout }));
    }
    if (file) {
      file.end();
      await finished(file);
    }
  } catch (e) {
    if (file?.errored) throw new OutputError(values.output ?? '', file.errored);
    throw e;
  }
}

/** --top, --sort, --time and the width: the terminal's unless --wide or the output is a file. */
function tableLayout(values: OutputOptionValues, toStdout: boolean): Omit<TableOptions, 'color'> {
  const layout: Omit<TableOptions, 'color'> = { sort: values.sort, time: values.time };
  if (values.top !== undefined) layout.maxRows = wholeNumber('--top', values.top, 1);
  if (toStdout && !values.wide) layout.width = terminalWidth(invocation().stdout);
  return layout;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** --format and --output of the report commands (check and grade define their own). */
function addReportOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-f, --format <format>', 'output format; zeek writes conn.log and dns.log into the --output folder (default: the current one)').choices(['table', 'json', 'markdown', 'ndjson', 'html', 'zeek']).default('table', 'table'))
    .option('-o, --output <file>', 'write the report to FILE instead of standard output (with --format zeek: a folder)')
    .option('--top <n>', `table: rows per list; the rest are counted (default: ${DEFAULT_MAX_ROWS})`)
    .addOption(new Option('--sort <key>', 'table: order of TCP and QUIC rows, largest first except id and start').choices([...SORT_KEYS]).default('id', 'id'))
    .addOption(new Option('--time <mode>', 'table: start times in seconds since the first packet, as tshark, or absolute UTC').choices([...TIME_MODES]).default('relative', 'relative'))
    .option('--wide', 'table: every column, however wide the terminal')
    .option('--continuous', 'the captures are one capture split in time order (tcpdump -C/-G/-W, editcap -c): flows, ledgers and packet numbers carry across files')
    .option('--svg-dir <dir>', 'with --format markdown: write a state-over-time SVG per top endpoint into DIR and embed them');
}

/** The analysis options every command that reads captures accepts. */
function addAnalysisOptions(cmd: Command): Command {
  // Defaults are written into the descriptions, not given to commander: it would print them as
  // quoted strings ("5") and the empty port list as [] (issue 15). Unset options take the
  // pipeline's DEFAULTS.
  const d = DEFAULTS;
  cmd
    .option('--filter <expr>', 'analyze only packets that pass this pcap-filter expression (host, net, port, portrange, src/dst, tcp/udp/icmp, ip/ip6, vlan, and/or/not)')
    .option('--dns-port <ports>', 'also decode DNS on these UDP/TCP ports: comma-separated or repeated (53 always)', collect)
    .option('--dns-timeout <seconds>', `answers after this are late; pending queries stop costing the client (default: ${d.dnsTimeout})`)
    .option('--time-wait <seconds>', `2*MSL: how long the active closer holds TIME-WAIT (default: ${d.timeWait})`)
    .option('--cost-model <file>', 'JSON file overriding the bytes per state entry (default: the built-in Linux model)')
    .option('--restart-at <N|+S>', 'what a server restart at packet N (or S seconds after the first packet) would break')
    .addOption(new Option('--checksums <mode>', 'ignore (like tshark) or verify (drop bad checksums, like Zeek)').choices(['ignore', 'verify']).default('ignore', 'ignore'))
    .option('--max-flows <n>', `live TCP flows kept before the least recently seen is evicted (default: ${d.maxFlows})`)
    .option('--max-fragments <n>', `IP datagrams under reassembly at once (default: ${d.maxFragments})`)
    .option('--max-pending-dns <n>', `outstanding DNS queries tracked at once (default: ${d.maxPendingDns})`)
    .option('--max-quic-connections <n>', `live QUIC connections tracked at once (default: ${d.maxQuicConnections})`)
    .option('--max-state-mb <mb>', `estimated memory each live table (TCP flows, pending DNS queries, QUIC connections) may take; past it the least recently seen is evicted (default: ${DEFAULT_MAX_STATE_MB})`)
    .option('--max-endpoints <n>', `endpoints followed one by one; later ones share one row per role (default: ${d.maxEndpoints})`)
    .option('--tracker-option <k=v>', 'a registered tracker\'s option, repeatable: tcpInactivityTimeout, tcpAttemptTimeout, quicIdleTimeout, quicDrainTimeout, udpTimeout, icmpTimeout (seconds), maxUdpFlows, maxIcmpFlows', (value: string, previous: string[] | undefined) => [...(previous ?? []), value])
    .option('--max-records <n>', `rows listed per report list (flows, transactions, connections); the summaries count all (default: ${d.maxRecords})`)
    .addOption(new Option('--reader <reader>', 'classic pcap reader').choices(['pcap-parser', 'builtin']).default('builtin', 'builtin'));
  // export defines its own --jobs (its workers write Parquet rows); the others share this one.
  if (!cmd.options.some((o) => o.long === '--jobs')) {
    cmd.option('--jobs <n>', 'captures analyzed at once in worker threads; output stays in input order (default: the number of cores)');
  }
  return cmd;
}

/** Sets up the worker pool for the command about to run, from its --jobs. */
function startPool(values: { jobs?: string }): void {
  const jobs = values.jobs === undefined ? availableParallelism() : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256) throw new UsageError(`option --jobs: '${values.jobs}' is not a whole number from 1 to 256`);
  pool = jobs > 1 ? new AnalysisPool(jobs) : null;
}

const EXAMPLES = {
  analyze: [
    ['statecap analyze fixtures/quickstart.pcap', 'tables: TCP, DNS, QUIC, endpoints'],
    ['statecap analyze -f json -o report.json fixtures/*.pcap', 'one JSON report per capture, in an array'],
    ['statecap analyze --sort problems --top 10 lossy.pcap', 'the ten flows with most retransmissions, dup ACKs ...'],
  ],
  state: [
    ['statecap state fixtures/quickstart.pcap', 'the endpoints, their verdicts, peaks and idle windows'],
    ['statecap state --restart-at 16 fixtures/quickstart.pcap', 'what a restart at packet 16 would break'],
    ['statecap state -f json fixtures/dns-udp-tcp.pcap', 'the ledger as JSON'],
  ],
} as const;

export function buildProgram(): Command {
  const program = new Command('statecap')
    .description('How much state does each endpoint of a capture keep, and what breaks if it loses it?')
    .version(version())
    // Usage mistakes are one line on stderr, like every other error (help stays one flag away).
    .configureOutput({
      writeOut: (text) => invocation().stdout.write(text),
      writeErr: (text) => invocation().stderr.write(text),
      outputError: (text, write) => write(`statecap: ${text.trim().split('\n')[0].replace(/^error: /, '')} (see --help)\n`) })
    .exitOverride()
    .addOption(new Option('--color <when>', 'colour in tables: auto (a terminal, unless NO_COLOR or FORCE_COLOR=0), always, never').choices(['auto', 'always', 'never']).default('auto', 'auto'))
    .option('--no-color', 'no colour (same as --color never)')
    .configureHelp({ showGlobalOptions: true })
    .hook('preAction', (_program, command) => {
      const color = command.optsWithGlobals().color as string | false;
      setColorMode(color === false ? 'never' : color === 'always' || color === 'never' ? color : 'auto');
    });

  const views = [
    ['analyze', 'rebuild TCP connections, DNS transactions and QUIC connections, and the state each endpoint holds'],
    ['state', 'the state ledger alone: endpoints, verdicts, peaks, idle windows, restart analysis'],
  ] as const;
  for (const [view, description] of views) {
    addAnalysisOptions(addReportOptions(program.command(view).description(description)
      .argument('<capture...>', 'pcap or pcapng files (gzip allowed); - reads standard input')))
      .action((paths: string[], values: OutputOptionValues) => runReport(paths, values, view));
    examples(program.commands[program.commands.length - 1], EXAMPLES[view]);
  }

  program.hook('preAction', (_program, action) => startPool(action.opts()));
  registerCheck(program, { analyze: analyzeOne, prefetch, addAnalysisOptions, toAnalyzeOptions });
  registerMetrics(program);
  registerFlow(program, { analyze: analyzeOne, addAnalysisOptions, toAnalyzeOptions });
  registerGrade(program, { analyze: analyzeOne, prefetch, addAnalysisOptions, toAnalyzeOptions });
  registerExplain(program, { analyze: analyzeOne, addAnalysisOptions, toAnalyzeOptions });
  registerExport(program, { analyze: analyzeOne, addAnalysisOptions, toAnalyzeOptions });
  registerSql(program, { analyze: analyzeOne });
  return program;
}

/**
 * Runs one command line (argv as process.argv: node, script, arguments) writing to `streams`, and
 * returns its exit code. One run at a time: the run's streams, the colour mode and the worker pool
 * are module state, reset here. process.exitCode carries the code while the run lasts (the commands
 * set it, and the bin's closed-pipe handler exits with it); it is put back as it was after.
 */
export async function run(argv: readonly string[], streams: { stdout: CliOutput; stderr: CliOutput } = process): Promise<number> {
  const outer = enterInvocation({ argv, ...streams });
  const outerCode = process.exitCode;
  process.exitCode = undefined;
  setColorMode('auto');
  try {
    await main([...argv]);
    return Number(process.exitCode ?? EXIT.OK);
  } finally {
    process.exitCode = outerCode;
    enterInvocation(outer);
  }
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const { stderr } = invocation();
    if (e instanceof CommanderError) {
      // --help and --version end with exit 0; usage mistakes are bad input.
      process.exitCode = e.exitCode === 0 ? EXIT.OK : EXIT.BAD_INPUT;
      return;
    }
    if (e instanceof UsageError || e instanceof OutputError) {
      stderr.write(`statecap: ${e.message}\n`);
      process.exitCode = EXIT.BAD_INPUT;
      return;
    }
    // A bug of ours: one line, never a stack trace (set STATECAP_DEBUG=1 to see it).
    const err = e as Error;
    stderr.write(`statecap: internal error: ${err?.message ?? String(e)}\n`);
    if (process.env.STATECAP_DEBUG) stderr.write(`${err?.stack}\n`);
    process.exitCode = EXIT.BAD_INPUT;
  } finally {
    await pool?.close();
    pool = null;
  }
}
