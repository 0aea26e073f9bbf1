/**
 * `statecap sql DIR "SELECT ..."` and `--query NAME`: SQL over an export with the embedded DuckDB,
 * loaded only when the command runs.
 */
import { Option, type Command } from 'commander';
import { UsageError } from '../options.js';
import { ioFor, type CommandDeps } from './deps.js';
import { failWith } from './export.js';

interface SqlValues {
  query?: string;
  format: 'table' | 'json' | 'csv';
  show?: boolean;
}

export function register(program: Command, deps: CommandDeps): void {
  const io = ioFor(deps);
  program.command('sql')
    .description('run SQL on an export (or a folder of exports) with the embedded DuckDB')
    .argument('<dir>', 'a folder written by statecap export, or one with exports below it (read as one)')
    .argument('[sql]', 'the query, e.g. "SELECT conn_state, count(*) FROM tcp_flows GROUP BY ALL"')
    .option('-q, --query <name>', 'a named query: peak-state, never-restart-safe, sticky, dns-unanswered-by-server, class-summary')
    .option('--show', 'print the SQL of --query instead of running it')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .action(async (dir: string, sql: string | undefined, values: SqlValues) => {
      try {
        const { NAMED_QUERIES, namedQuery } = await import('../../export/queries.js');
        const names = NAMED_QUERIES.map((q) => q.name).join(', ');
        if ((sql === undefined) === (values.query === undefined)) throw new UsageError(`give either a query or --query NAME (${names})`);
        let text = sql ?? '';
        if (values.query !== undefined) {
          const q = namedQuery(values.query);
          if (!q) throw new UsageError(`unknown query '${values.query}' (known: ${names})`);
          if (values.show) {
            io.out(`-- ${q.question}\n${q.sql};\n`);
            return;
          }
          text = q.sql;
        }
        const { runSql, formatResult } = await import('../../export/sql.js');
        io.out(formatResult(await runSql(dir, text), values.format, io.color));
      } catch (e) {
        failWith(io.err, e);
      }
    });
}
