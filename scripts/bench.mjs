#!/usr/bin/env node
/**
 * npm run bench: generates (never stores) large captures and measures, per capture, in one run:
 *  - statecap end to end (`analyze --format json --output /dev/null`, startup included): packets/s;
 *  - `tshark -n -q -z conv,tcp` on the same file, and the ratio of the two (this machine's speed
 *    varies, so only ratios measured in the same run compare across days);
 *  - the shares of the end-to-end time spent by the capture reader alone and by reader + decoder;
 *  - peak RSS of the end-to-end run, and the most heap still in use after a GC (sampled every
 *    100,000 packets on a separate run): what the analysis holds, whatever V8 leaves to collect.
 * Captures:
 *  - a real-traffic mix: every packet of ../shared/corpus/pcaps, repeated up to --packets (when the
 *    corpus is there);
 *  - a TCP mix: --packets packets over --connections short connections;
 *  - long-lived connections: the same 2,000 connections in 0.5 M and in 2 M packets, to show that
 *    memory follows live state, not packets (peak RSS ratio);
 *  - floods past the default caps: SYN, unanswered DNS, QUIC Initials, IP fragments (--scale F);
 *  - a batch of 8 captures with --jobs 1 and --jobs 2 (the worker pool), when --jobs is supported.
 * Children run with Node's default heap limit, as the CLI does.
 * Options: --packets N (default 1000000), --connections N (10000), --scale F (floods, 1),
 * --only real,mix,long,flood,jobs (default: all), --skip-tshark, --pcap-parser (also time that reader).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTcpMix, writeLongLived, writeSynFlood, writeUnansweredDns, writeQuicInitialFlood, writeFragmentFlood } from './bench/generate.mjs';
import { writeRealMix } from './bench/real-mix.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const packets = Number(opt('--packets', 1_000_000)), connections = Number(opt('--connections', 10_000)), scale = Number(opt('--scale', 1));
const only = new Set(opt('--only', 'real,mix,long,flood,jobs').split(','));
const dir = mkdtempSync(join(tmpdir(), 'statecap-bench-'));
const corpus = join(here, '..', '..', 'shared', 'corpus', 'pcaps');

function run(mode, file, extra = {}) {
  const node = [...(mode === 'retained' ? ['--expose-gc'] : [])];
  const p = spawnSync(process.execPath, [...node, join(here, 'bench/run-one.mjs'), mode, file, JSON.stringify(extra)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (p.status !== 0) return { error: (p.stderr || 'failed').trim().split('\n').pop() };
  return JSON.parse(p.stdout.trim().split('\n').pop());
}

let tsharkMissing = args.includes('--skip-tshark');
try {
  if (!tsharkMissing) execFileSync('tshark', ['--version'], { stdio: 'ignore' });
} catch {
  tsharkMissing = true;
  console.log('tshark not installed: no comparison');
}
function tshark(file) {
  if (tsharkMissing) return null;
  const t0 = process.hrtime.bigint();
  const p = spawnSync('tshark', ['-n', '-q', '-r', file, '-z', 'conv,tcp'], { stdio: 'ignore' });
  return p.status === 0 ? Number(process.hrtime.bigint() - t0) / 1e9 : null;
}

const rows = [];
const M = (n, s) => (n / s / 1e6).toFixed(2);
const mb = (x) => (x === undefined ? '' : `${x.toFixed(0)}`);

/** All measurements of one capture; prints a line as soon as it is done. */
function measure(label, file, n, { options, cliArgs } = {}) {
  const reader = run('reader', file);
  const decode = run('decode', file);
  const cli = run('cli', file, { args: cliArgs ?? [] });
  const retained = run('retained', file, { options });
  const ts = tshark(file);
  const row = { label, packets: n, reader, decode, cli, retained, tshark: ts };
  if (args.includes('--pcap-parser')) row.pcapParser = run('reader', file, { reader: 'pcap-parser' });
  rows.push(row);
  const err = [reader, decode, cli, retained].find((r) => r.error);
  if (err) {
    console.log(`${label}: error: ${err.error}`);
    return row;
  }
  const s = cli.seconds;
  console.log(`${label}: ${n} packets, ${(statSync(file).size / 1e6).toFixed(0)} MB`
    + `\n  statecap ${s.toFixed(2)} s = ${M(n, s)} M packets/s`
    + (ts !== null ? `; tshark ${ts.toFixed(2)} s = ${M(n, ts)} M packets/s; ratio ${(ts / s).toFixed(1)}x` : '')
    + `\n  shares of the end-to-end time: reader alone ${pct(reader.seconds / s)}, reader + decode ${pct(decode.seconds / s)}`
    + `\n  peak RSS ${mb(cli.maxRssMB)} MB, heap after GC ${mb(retained.retainedMB)} MB`
    + (row.pcapParser ? `\n  pcap-parser reader alone ${row.pcapParser.seconds.toFixed(2)} s (builtin ${reader.seconds.toFixed(2)} s)` : ''));
  return row;
}
const pct = (x) => `${(x * 100).toFixed(0)}%`;

try {
  if (only.has('real')) {
    if (existsSync(corpus)) {
      const f = join(dir, 'real-mix.pcapng');
      const g = await writeRealMix(f, corpus, packets);
      measure(`real-traffic mix (the shared corpus's ${g.sourcePackets} packets, repeated)`, f, g.packets);
      rmSync(f);
    } else console.log('no ../shared/corpus: real-traffic mix skipped');
  }
  if (only.has('mix')) {
    const f = join(dir, 'mix.pcap');
    const g = writeTcpMix(f, { packets, connections });
    measure(`TCP mix, ${g.connections} connections`, f, g.packets);
    rmSync(f);
  }
  if (only.has('long')) {
    const sizes = [500_000, 2_000_000];
    const long = sizes.map((size) => {
      const f = join(dir, `long-${size}.pcap`);
      const g = writeLongLived(f, { packets: size, connections: 2_000 });
      const row = measure(`long-lived, 2000 connections, ${(size / 1e6).toFixed(1)} M packets`, f, g.packets);
      rmSync(f);
      return row;
    });
    const [a, b] = long;
    if (!a.cli.error && !b.cli.error) {
      console.log(`  4x the packets on the same connections: peak RSS x${(b.cli.maxRssMB / a.cli.maxRssMB).toFixed(2)}, heap after GC x${(b.retained.retainedMB / a.retained.retainedMB).toFixed(2)}`);
    }
  }
  if (only.has('flood')) {
    const n = Math.floor(1_000_000 * scale);
    const floods = [
      ['SYN flood, half-open connections from spoofed sources', writeSynFlood, n],
      ['unanswered DNS queries', writeUnansweredDns, n],
      ['QUIC Initials with random CIDs', writeQuicInitialFlood, Math.floor((n * 2) / 5)],
      ['IP first fragments that never complete', writeFragmentFlood, n],
    ];
    for (const [label, write, count] of floods) {
      const f = join(dir, 'flood.pcap');
      write(f, Math.floor(count / 2));
      const half = run('retained', f);
      write(f, count);
      const row = measure(`${label} (${count})`, f, count);
      if (!half.error && !row.retained.error) {
        console.log(`  heap after GC at ${Math.floor(count / 2)}: ${mb(half.retainedMB)} MB (full/half x${(row.retained.retainedMB / half.retainedMB).toFixed(2)})`);
        const l = row.retained.limits;
        const counted = Object.entries(l).filter(([k, v]) => /^(evicted|omitted)/.test(k) && v > 0).map(([k, v]) => `${k} ${v}`);
        if (l.sharedEndpointRows.length > 0) counted.push(`shared rows ${l.sharedEndpointRows.join(' ')}`);
        console.log(`  counted in limits: ${counted.join(', ') || 'nothing'}`);
      }
      rmSync(f);
    }
  }
  if (only.has('jobs')) jobs();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** A batch of captures, as `check`/`grade` of many submissions sees: one worker against two. */
function jobs() {
  const help = spawnSync(process.execPath, [join(here, '..', 'dist', 'cli', 'main.js'), 'analyze', '--help'], { encoding: 'utf8' });
  if (!help.stdout.includes('--jobs')) return;
  const files = [];
  const first = join(dir, 'batch-0.pcap');
  const g = writeTcpMix(first, { packets: Math.floor(packets / 8), connections: Math.floor(connections / 8) });
  for (let i = 0; i < 8; i++) {
    const f = join(dir, `batch-${i}.pcap`);
    if (i > 0) copyFileSync(first, f);
    files.push(f);
  }
  const one = run('cli', files.join('\n'), { args: ['--jobs', '1'] });
  const two = run('cli', files.join('\n'), { args: ['--jobs', '2'] });
  if (one.error || two.error) console.log(`batch of 8: error: ${(one.error ?? two.error)}`);
  else console.log(`batch of 8 captures of ${g.packets} packets: --jobs 1 ${one.seconds.toFixed(2)} s, --jobs 2 ${two.seconds.toFixed(2)} s (x${(one.seconds / two.seconds).toFixed(2)})`);
}
