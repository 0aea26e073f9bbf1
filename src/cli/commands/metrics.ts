/**
 * `statecap metrics`: every metric `check --expect` and grading rubrics accept, with its kind and
 * meaning, from the one catalog that evaluates them (src/check/metrics.ts).
 */
import type { Command } from 'commander';
import { METRICS, metricsMarkdownTable } from '../../check/metrics.js';
import { examples } from '../help.js';
import { invocation } from '../invocation.js';

const UNIT: Record<string, string> = { count: 'number', bytes: 'bytes', seconds: 'seconds', text: 'text' };

/** "tcp.flows  number  TCP connections", names padded to one column, meanings on one line each. */
export function metricsText(): string {
  const width = Math.max(...METRICS.map((m) => m.name.length));
  const lines = METRICS.map((m) => `${m.name.padEnd(width)}  ${UNIT[m.kind].padEnd(7)}  ${m.meaning}${m.where ? '' : ' [not narrowed by where]'}`);
  return `${lines.join('\n')}\n`;
}

export function register(program: Command): void {
  const cmd = program.command('metrics')
    .description('list every metric of check --expect and grading rubrics, with its meaning')
    .option('--markdown', 'as a markdown table (the README\'s)')
    .action((values: { markdown?: boolean }) => {
      invocation().stdout.write(values.markdown ? metricsMarkdownTable() : metricsText());
    });
  examples(cmd, [
    ['statecap metrics', 'every metric, its unit and meaning'],
    ['statecap metrics | grep ^dns', 'the DNS metrics'],
    ['statecap metrics --markdown > metrics.md', 'the table the README shows'],
  ]);
}
