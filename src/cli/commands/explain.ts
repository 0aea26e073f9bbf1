/**
 * `statecap explain <capture> --flow <id> | --dns <index> | --quic <id>`: one conversation as a
 * text ladder diagram, both ends' states at each packet, for classrooms and SSH sessions. Only the
 * asked-for TCP flow is logged packet by packet, so explaining one flow of a large capture costs
 * no more memory than analysing it.
 */
import type { Command } from 'commander';
import { isFailed } from '../../report/failed.js';
import { dnsLadder, quicLadder, tcpLadder, type Ladder } from '../../report/ladder/ladder.js';
import { renderLadderText } from '../../report/ladder/ladder-text.js';
import type { Report } from '../../report/schema.js';
import type { CommonOptionValues } from '../options.js';
import { addSharedAnalysisOptions, analyzeOptionsFrom, ioFor, type CommandDeps } from './deps.js';
import { invocation } from '../invocation.js';

interface ExplainValues extends CommonOptionValues {
  flow?: string;
  dns?: string;
  quic?: string;
  ascii?: boolean;
  width?: string;
  packets: string;
}

const DEFAULT_WIDTH = 100;

export function register(program: Command, deps: CommandDeps): void {
  const cmd = program.command('explain')
    .description('one TCP flow, DNS transaction or QUIC connection as a ladder diagram with both ends\' states')
    .argument('<capture>', 'pcap or pcapng file (gzip allowed); - reads standard input')
    .option('--flow <id>', 'the TCP flow with this id (the "id" of --format json, the "#" of the table)')
    .option('--dns <index>', 'the DNS transaction with this index')
    .option('--quic <id>', 'the QUIC connection with this id')
    .option('--ascii', 'plain ASCII instead of box-drawing characters')
    .option('--width <columns>', 'fit the diagram to this many columns (default: the terminal\'s, else 100)')
    .option('--packets <n>', 'packets drawn from the start and from the end of a long flow', '50');
  addSharedAnalysisOptions(cmd, deps);
  cmd.action(async (capture: string, values: ExplainValues) => {
    process.exitCode = await runExplainCommand(capture, values, deps);
  });
}

function wholeNumber(text: string | undefined): number | null {
  if (text === undefined || !/^\d+$/.test(text.trim())) return null;
  return Number(text);
}

/** The whole command; returns the exit code. Exported for tests. */
export async function runExplainCommand(capture: string, values: ExplainValues, deps: CommandDeps): Promise<0 | 2> {
  const io = ioFor(deps);
  const fail = (message: string): 2 => {
    io.err(`statecap: ${message}\n`);
    return 2;
  };
  const chosen = (['flow', 'dns', 'quic'] as const).filter((k) => values[k] !== undefined);
  if (chosen.length !== 1) return fail('give exactly one of --flow <id>, --dns <index>, --quic <id>');
  const what = chosen[0];
  const id = wholeNumber(values[what]);
  if (id === null) return fail(`option --${what}: '${values[what]}' is not a whole number`);
  const packets = wholeNumber(values.packets);
  if (packets === null || packets < 1) return fail(`option --packets: '${values.packets}' is not a whole number from 1`);
  const width = values.width !== undefined ? wholeNumber(values.width) : (invocation().stdout.columns ?? DEFAULT_WIDTH);
  if (width === null) return fail(`option --width: '${values.width}' is not a whole number`);

  const options = analyzeOptionsFrom(values, deps, io);
  if (options === null) return 2;
  if (what === 'flow') options.packetLog = { first: packets, last: packets, only: id };
  const report = await deps.analyze(capture, options);
  if (isFailed(report)) return fail(report.error);
  const ladder = find(report, what, id);
  if (typeof ladder === 'string') return fail(ladder);
  io.out(renderLadderText(ladder, { width, ascii: values.ascii === true }));
  if (report.capture.error) {
    io.err(`statecap: ${report.capture.error}\n`);
    return 2;
  }
  return 0;
}

/** The ladder asked for, or a one-line message saying what there is instead. */
function find(report: Report, what: 'flow' | 'dns' | 'quic', id: number): Ladder | string {
  const path = report.capture.path;
  const range = (ids: number[], noun: string): string =>
    ids.length === 0 ? `${path} has no ${noun}` : `${path} lists ${noun} ${ids[0]} to ${ids[ids.length - 1]}`;
  if (what === 'flow') {
    const flow = report.tcp.flows.find((f) => f.id === id);
    return flow ? tcpLadder(flow) : `no TCP flow ${id}: ${range(report.tcp.flows.map((f) => f.id), 'TCP flows')}`;
  }
  if (what === 'dns') {
    const t = report.dns.transactions.find((x) => x.index === id);
    return t ? dnsLadder(t) : `no DNS transaction ${id}: ${range(report.dns.transactions.map((x) => x.index), 'DNS transactions')}`;
  }
  const c = report.quic.connections.find((x) => x.id === id);
  return c ? quicLadder(c) : `no QUIC connection ${id}: ${range(report.quic.connections.map((x) => x.id), 'QUIC connections')}`;
}
