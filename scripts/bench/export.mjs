#!/usr/bin/env node
/**
 * Export benchmark: `statecap export` over COPIES copies of one capture (never stored), with 1
 * worker and with one per core. Prints wall time, captures/s, rows/s and the peak RSS of the whole
 * process (workers are threads, so it counts them and DuckDB). Run after `npm run build`.
 * Options: --fixture PATH (default fixtures/quickstart.pcap), --copies N (default 100),
 * --jobs LIST (default "1,<cores>"), --tcp-mix PACKETS:CONNECTIONS (a generated capture as the fixture).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTcpMix } from './generate.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
let fixture = opt('--fixture', join(root, 'fixtures/quickstart.pcap'));
const mix = opt('--tcp-mix', undefined);
const copies = Number(opt('--copies', '100'));
const jobsList = opt('--jobs', `1,${availableParallelism()}`).split(',').map(Number);

const dir = mkdtempSync(join(tmpdir(), 'statecap-bench-export-'));
try {
  if (mix) {
    const [packets, connections] = mix.split(':').map(Number);
    fixture = join(dir, 'tcp-mix.pcap');
    writeTcpMix(fixture, { packets, connections });
  }
  const paths = [];
  for (let i = 0; i < copies; i++) {
    const p = join(dir, `copy-${String(i).padStart(4, '0')}.pcap`);
    copyFileSync(fixture, p);
    paths.push(p);
  }
  const bytes = statSync(fixture).size * copies;
  // The child reports its peak RSS (kilobytes) and CPU time (microseconds, all threads) as it exits:
  // CPU seconds say what the work costs even on a machine shared with other jobs.
  const usage = "data:text/javascript,process.on('exit',()=>{const u=process.resourceUsage();process.stderr.write('maxrss '+u.maxRSS+' cpu '+(u.userCPUTime+u.systemCPUTime)+'\\n')})";
  console.log(`statecap export: ${copies} copies of ${fixture} (${(bytes / 1e6).toFixed(2)} MB), node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()[0].toFixed(1)}`);
  for (const jobs of jobsList) {
    const out = join(dir, `export-${jobs}`);
    const start = process.hrtime.bigint();
    const p = spawnSync(process.execPath, ['--import', usage, join(root, 'dist/cli/main.js'), 'export', '--jobs', String(jobs), '--to', out, ...paths], { encoding: 'utf8' });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (p.status !== 0) throw new Error(`export failed (${p.status}): ${p.stderr}`);
    const manifest = JSON.parse(readFileSync(join(out, 'statecap-export.json'), 'utf8'));
    const rows = Object.values(manifest.tables).reduce((n, t) => n + t.rows, 0);
    const [, maxRssKb, cpuUs] = /maxrss (\d+) cpu (\d+)/.exec(p.stderr) ?? [];
    const cpu = Number(cpuUs) / 1e6;
    console.log(`  --jobs ${String(jobs).padEnd(2)} ${seconds.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU  ${(copies / seconds).toFixed(1)} captures/s  ${Math.round(rows / seconds)} rows/s (${rows} rows, ${Math.round(rows / cpu)} per CPU-second)  peak RSS ${(Number(maxRssKb) / 1024).toFixed(0)} MB`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
