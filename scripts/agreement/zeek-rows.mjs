#!/usr/bin/env node
/**
 * A `--cmd` for ../shared/tools/zeek_agreement.py that measures statecap's Zeek rows
 * (tcp.flows[].zeek) instead of one row per flow: it runs the CLI with the arguments given and
 * prints the same JSON with each TCP flow replaced by its Zeek rows, oriented as Zeek orients
 * them (orig = client unless the row says otherwise). usage, from the checkout:
 *   python3 ../shared/tools/zeek_agreement.py --cmd 'node scripts/agreement/zeek-rows.mjs'
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli', 'main.js');
const run = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], { encoding: 'utf8', maxBuffer: 1 << 30 });

/** Each TCP flow replaced by its Zeek rows. */
function toZeekRows(report) {
  const tcp = report?.tcp;
  if (!tcp || !Array.isArray(tcp.flows)) return;
  tcp.flows = tcp.flows.flatMap((f) => (f.zeek ?? []).map((z) => ({
    client: z.orig === 'client' ? f.client : f.server,
    server: z.orig === 'client' ? f.server : f.client,
    firstPacket: z.firstPacket,
    connState: z.connState,
    history: z.history,
  })));
}

let out;
try {
  out = JSON.parse(run.stdout);
} catch {
  out = undefined;
}
if (out === undefined) {
  process.stdout.write(run.stdout ?? '');
  process.stderr.write(run.stderr ?? '');
} else {
  for (const report of Array.isArray(out) ? out : [out]) toZeekRows(report);
  process.stdout.write(JSON.stringify(out));
}
// exitCode, not exit(): stdout to a pipe is flushed asynchronously.
process.exitCode = run.status ?? 1;
