/**
 * `statecap flow <capture> <id>`: one TCP flow in full, as a table or its JSON object. An id the
 * capture does not have is bad input (exit 2), naming the ids it has.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { AnalyzeOptions } from '../../pipeline.js';
import type { AnyReport } from '../../report/schema.js';
import { isFailed } from '../../report/failed.js';
import { renderFlow } from '../../report/flow-view.js';
import { TIME_MODES, type TimeMode } from '../../report/layout.js';
import { UsageError, wholeNumber, type CommonOptionValues } from '../options.js';
import { examples } from '../help.js';
import { terminalWidth, useColor } from '../terminal.js';
import { invocation } from '../invocation.js';

interface FlowValues extends CommonOptionValues {
  format: 'table' | 'json';
  time: TimeMode;
  wide?: boolean;
}

export interface FlowDeps {
  analyze: (path: string, options: AnalyzeOptions) => Promise<AnyReport>;
  addAnalysisOptions: (cmd: Command) => Command;
  toAnalyzeOptions: (values: CommonOptionValues) => AnalyzeOptions;
}

export function register(program: Command, deps: FlowDeps): void {
  const cmd = program.command('flow')
    .description('one TCP flow in full: both directions, analysis flags, and every state transition of both endpoints')
    .argument('<capture>', 'pcap or pcapng file (gzip allowed); - reads standard input')
    .argument('<id>', 'the flow number, as in the # column of analyze')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table', 'table'))
    .addOption(new Option('--time <mode>', 'times in seconds since the first packet, as tshark, or absolute UTC').choices([...TIME_MODES]).default('relative', 'relative'))
    .option('--wide', 'every column, however wide the terminal');
  deps.addAnalysisOptions(cmd);
  examples(cmd, [
    ['statecap flow fixtures/quickstart.pcap 0', 'flow 0: its handshake, data and close, packet by packet'],
    ['statecap flow --time absolute fixtures/quickstart.pcap 1', 'the same with UTC times'],
    ['statecap flow -f json fixtures/quickstart.pcap 2', "the flow's JSON object"],
  ]);
  cmd.action(async (capture: string, idText: string, values: FlowValues) => {
    const id = wholeNumber('<id>', idText);
    const report = await deps.analyze(capture, deps.toAnalyzeOptions(values));
    if (isFailed(report)) throw new UsageError(report.error);
    const { stdout, stderr } = invocation();
    for (const w of report.warnings) stderr.write(`statecap: warning: ${w}\n`);
    const flow = report.tcp.flows.find((f) => f.id === id);
    if (flow === undefined) {
      const ids = report.tcp.flows.map((f) => f.id);
      const have = ids.length === 0 ? 'it has no TCP flow' : `its flows are ${ids[0]} to ${ids[ids.length - 1]}${report.limits.omittedFlows > 0 ? ' (more beyond --max-records)' : ''}`;
      throw new UsageError(`${capture}: no TCP flow ${id}: ${have}`);
    }
    if (values.format === 'json') {
      stdout.write(`${JSON.stringify(flow, null, 1)}\n`);
      return;
    }
    stdout.write(renderFlow(flow, {
      color: useColor(stdout), time: values.time, origin: report.capture.firstTime,
      width: values.wide ? undefined : terminalWidth(stdout),
    }));
  });
}
