#!/usr/bin/env node
/**
 * npm run bench: generates (never stores) large captures, then measures
 *  - the capture readers alone (pcap-parser and the builtin one) and the whole pipeline: packets/s, peak RSS;
 *  - that memory does not grow with the packet count (same flows, 4x the packets);
 *  - tshark -q -z conv,tcp on the same file when tshark is installed;
 *  - adversarial captures (SYN flood, unanswered DNS, QUIC Initial flood, fragments that never
 *    complete): time and peak RSS at full size, and the heap still in use after garbage collection
 *    at half and at full size. Both sizes are past the default caps (100,000 flows, queries,
 *    connections, endpoints and listed rows), so that figure must not grow with the flood (ratio
 *    near 1). Peak RSS is higher: V8 lets garbage pile up to a multiple of the live heap.
 * Children run with Node's default heap limit, as the CLI does.
 * Options: --packets N (default 1000000), --connections N (default 10000), --skip-adversarial,
 * --only-adversarial, --scale F (adversarial sizes).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTcpMix, writeSynFlood, writeUnansweredDns, writeQuicInitialFlood, writeFragmentFlood } from './bench/generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : dflt; };
const packets = opt('--packets', 1_000_000), connections = opt('--connections', 10_000), scale = opt('--scale', 1);
const dir = mkdtempSync(join(tmpdir(), 'statecap-bench-'));

function run(mode, file, reader, extra) {
  const p = spawnSync(process.execPath, [...(mode === 'retained' ? ['--expose-gc'] : []), join(here, 'bench/run-one.mjs'), mode, file, reader, JSON.stringify(extra ?? {})], { encoding: 'utf8' });
  if (p.status !== 0) return { error: (p.stderr || 'failed').trim().split('\n').pop() };
  return JSON.parse(p.stdout.trim().split('\n').pop());
}
const rate = (n, s) => `${(n / s / 1e6).toFixed(2)}M packets/s`;
const line = (label, r, n) => console.log(`${label.padEnd(44)} ${r.error ? `error: ${r.error}` : `${r.seconds.toFixed(2)} s  ${rate(n, r.seconds).padEnd(18)} peak RSS ${r.maxRssMB.toFixed(0)} MB`}`);

try {
  if (!args.includes('--only-adversarial')) throughput();
  if (!args.includes('--skip-adversarial')) adversarial();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function throughput() {
  const mix = join(dir, 'mix.pcap');
  let t0 = Date.now();
  const g = writeTcpMix(mix, { packets, connections });
  console.log(`generated ${g.packets} packets over ${g.connections} TCP connections (${(statSync(mix).size / 1e6).toFixed(0)} MB) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  line('reader alone: pcap-parser', run('reader', mix, 'pcap-parser'), g.packets);
  line('reader alone: builtin', run('reader', mix, 'builtin'), g.packets);
  const whole = run('analyze', mix, 'builtin');
  line('whole pipeline (builtin reader)', whole, g.packets);
  line('whole pipeline (pcap-parser)', run('analyze', mix, 'pcap-parser'), g.packets);
  if (whole.tcpFlows !== undefined) console.log(`  flows found: ${whole.tcpFlows}`);

  // Memory must follow live flows, not packets: same connection count, a quarter of the packets.
  const small = join(dir, 'mix-quarter.pcap');
  const gs = writeTcpMix(small, { packets: Math.floor(packets / 4), connections });
  const q = run('analyze', small, 'builtin');
  line(`whole pipeline, ${gs.packets} packets`, q, gs.packets);
  if (!q.error && !whole.error) console.log(`  peak RSS ratio (4x packets / 1x): ${(whole.maxRssMB / q.maxRssMB).toFixed(2)}`);
  rmSync(small);

  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    t0 = Date.now();
    execFileSync('tshark', ['-n', '-q', '-r', mix, '-z', 'conv,tcp'], { stdio: 'ignore', maxBuffer: 1 << 30 });
    const s = (Date.now() - t0) / 1000;
    console.log(`${'tshark -q -z conv,tcp'.padEnd(44)} ${s.toFixed(2)} s  ${rate(g.packets, s)}`);
  } catch {
    console.log('tshark not installed: skipped the comparison');
  }
  rmSync(mix);

}

function adversarial() {
  {
    // Half of each is already past the default caps (100,000).
    const n = Math.floor(1_000_000 * scale);
    const scenarios = [
      ['SYN flood, half-open connections', writeSynFlood, n],
      ['unanswered DNS queries', writeUnansweredDns, n],
      ['QUIC Initials with random CIDs', writeQuicInitialFlood, Math.floor((n * 2) / 5)],
      ['IP fragments that never complete', writeFragmentFlood, n],
    ];
    for (const [label, write, count] of scenarios) {
      const f = join(dir, 'adv.pcap');
      write(f, Math.floor(count / 2));
      const half = run('retained', f, 'builtin');
      write(f, count);
      const full = run('retained', f, 'builtin');
      const r = run('analyze', f, 'builtin');
      line(`${label} (${count})`, r, count);
      if (!full.error && !half.error) {
        console.log(`  heap in use after GC, most over the run: ${half.retainedMB.toFixed(0)} MB at ${Math.floor(count / 2)}, ` +
          `${full.retainedMB.toFixed(0)} MB at ${count} (ratio ${(full.retainedMB / half.retainedMB).toFixed(2)})`);
      }
      if (r.limits) {
        const l = r.limits;
        const counted = Object.entries(l).filter(([k, v]) => /^(evicted|omitted)/.test(k) && v > 0).map(([k, v]) => `${k} ${v}`);
        if (l.sharedEndpointRows.length > 0) counted.push(`shared rows ${l.sharedEndpointRows.join(' ')}`);
        console.log(`  counted in limits: ${counted.join(', ') || 'nothing'}`);
      }
      rmSync(f);
    }
  }
}
