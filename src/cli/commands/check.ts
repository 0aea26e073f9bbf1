/**
 * `statecap check <capture...> --expect "<metric> <op> <value>"... [--junit FILE] [--format ...]`
 * (issue 6). Exit 0 when every expectation holds for every capture, 1 when one fails (each printed
 * with its actual value), 2 for bad input: an unknown metric or malformed expectation (rejected
 * before any capture is read), an unreadable capture, a bad option.
 */
import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import type { AnyReport } from '../../report/schema.js';
import { isFailed } from '../../report/failed.js';
import { UsageError, type CommonOptionValues } from '../options.js';
import { examples } from '../help.js';
import { parseExpectation, type Expectation } from '../../check/expectation.js';
import { checkExitCode, runChecks } from '../../check/run.js';
import { checkJson, renderCheckMarkdown, renderCheckText } from '../../check/render.js';
import { renderJunit } from '../../check/junit.js';
import { addSharedAnalysisOptions, analyzeOptionsFrom, ioFor, type CommandDeps } from './deps.js';
import { invocation } from '../invocation.js';

export type { CommandDeps } from './deps.js';

const FORMATS = ['table', 'json', 'markdown', 'ndjson'] as const;
type CheckFormat = (typeof FORMATS)[number];

interface CheckValues extends CommonOptionValues {
  expect: string[];
  junit?: string;
  format: string;
  output?: string;
}

/** An operator that every expectation has and no capture file name plausibly has. */
const COMPARISON = /==|!=|<|>/;

/**
 * `--expect` takes several values, so `check -e "tcp.flows >= 1" a.pcap` hands a.pcap to it as an
 * expectation. A value without a comparison operator cannot be one: it is a capture, wherever the
 * user typed it. Captures keep their command-line order.
 */
export function splitCaptures(captures: readonly string[], expect: readonly string[], argv: readonly string[] = []): { captures: string[]; expect: string[] } {
  const moved = expect.filter((text) => !COMPARISON.test(text));
  const all = [...captures, ...moved];
  const position = (text: string) => { const i = argv.indexOf(text); return i < 0 ? Infinity : i; };
  return { captures: moved.length === 0 ? all : all.sort((a, b) => position(a) - position(b)), expect: expect.filter((text) => COMPARISON.test(text)) };
}

function isFormat(text: string): text is CheckFormat {
  return (FORMATS as readonly string[]).includes(text);
}

export function register(program: Command, deps: CommandDeps): void {
  const cmd = program.command('check')
    .description('assert metrics of each capture for CI: exit 0 when every expectation holds, 1 when one fails, 2 for bad input')
    .argument('[capture...]', 'pcap or pcapng files (gzip allowed); - reads standard input')
    .requiredOption('-e, --expect <expectation...>', 'expectations "<metric> <op> <value>" with op == != < <= > >= (list: statecap metrics); repeatable')
    .option('--junit <file>', 'also write JUnit XML: one testsuite per capture, one testcase per expectation')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...FORMATS]).default('table', 'table'))
    .option('-o, --output <file>', 'write the results to FILE instead of standard output');
  addSharedAnalysisOptions(cmd, deps);
  examples(cmd, [
    ['statecap check -e "tcp.flows >= 1" -e "dns.unanswered == 0" fixtures/quickstart.pcap', 'exit 0: both hold'],
    ['statecap check fixtures/*.pcap -e "tcp.connState.REJ == 0" --junit results.xml', 'JUnit XML for CI'],
    ['statecap check -e "endpoint[127.0.0.2:8080].peak.bytes <= 4096" -f markdown fixtures/quickstart.pcap', 'a job summary'],
  ]);
  cmd.action(async (captures: string[], values: CheckValues) => {
    const split = splitCaptures(captures, values.expect, invocation().argv);
    if (split.captures.length === 0) throw new UsageError("missing required argument 'capture' (see --help)");
    process.exitCode = await runCheckCommand(split.captures, { ...values, expect: split.expect }, deps);
  });
}

/** The whole command; returns the exit code. Exported for tests. */
export async function runCheckCommand(captures: readonly string[], values: CheckValues, deps: CommandDeps): Promise<0 | 1 | 2> {
  const io = ioFor(deps);
  if (!isFormat(values.format)) {
    io.err(`statecap: --format ${values.format} is not one of ${FORMATS.join(', ')}\n`);
    return 2;
  }
  const expectations: Expectation[] = [];
  let bad = false;
  for (const text of values.expect) {
    const parsed = parseExpectation(text);
    if ('error' in parsed) {
      io.err(`statecap: ${parsed.error}\n`);
      bad = true;
    } else {
      expectations.push(parsed);
    }
  }
  const options = analyzeOptionsFrom(values, deps, io);
  if (bad || options === null) return 2;

  const reports: AnyReport[] = [];
  deps.prefetch?.(captures, options);
  for (const path of captures) {
    const report = await deps.analyze(path, options);
    if (isFailed(report)) {
      io.err(`statecap: ${report.error}\n`);
    } else {
      for (const warning of report.warnings) io.err(`statecap: warning: ${warning}\n`);
      if (report.capture.error !== undefined) io.err(`statecap: ${report.capture.error}\n`);
    }
    reports.push(report);
  }
  const results = runChecks(reports, expectations);

  let text: string;
  switch (values.format) {
    case 'table':
      text = renderCheckText(results, { color: values.output === undefined && io.color });
      break;
    case 'markdown':
      text = renderCheckMarkdown(results, reports);
      break;
    case 'json':
      text = `${JSON.stringify(checkJson(results), null, 1)}\n`;
      break;
    case 'ndjson':
      text = checkJson(results).results.map((r) => `${JSON.stringify({ type: 'expectation', ...r })}\n`).join('');
      break;
  }
  try {
    if (values.output !== undefined) writeFileSync(values.output, text);
    else io.out(text);
    if (values.junit !== undefined) writeFileSync(values.junit, renderJunit(results));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    io.err(`statecap: ${err.path ?? values.junit ?? values.output}: cannot write (${err.code ?? err.message})\n`);
    return 2;
  }
  const partial = reports.some((r) => !isFailed(r) && r.capture.error !== undefined);
  const code = checkExitCode(results);
  return partial ? 2 : code;
}
