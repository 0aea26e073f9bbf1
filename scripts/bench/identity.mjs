#!/usr/bin/env node
/**
 * Output identity: writes the JSON report (as `statecap analyze --format json` writes it) of every
 * capture under ../shared/corpus/pcaps (when present) and of small generated bench captures, then
 * compares each with a saved baseline. A speed-up must leave every byte as it was, except changes
 * made on purpose and documented.
 *
 *   node scripts/bench/identity.mjs --save DIR      write the baseline (run on the code before a change)
 *   node scripts/bench/identity.mjs --against DIR   write to a temporary folder and compare with DIR
 *   --corpus DIR: the captures' folder when this checkout is not next to ../shared (e.g. a baseline
 *   worktree of main elsewhere)
 *
 * Needs `npm run build`. Prints one line per differing report (with the first differing JSON path)
 * and exits 1 when any differs, 0 when all are identical.
 */
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeCapture, writeJson } from '../../dist/index.js';
import { writeTcpMix, writeLongLived, writeSynFlood, writeUnansweredDns, writeQuicInitialFlood, writeFragmentFlood } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const args = process.argv.slice(2);
const flag = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const saveDir = flag('--save');
const againstDir = flag('--against');
if (!saveDir === !againstDir) {
  console.error('usage: identity.mjs --save DIR | --against DIR');
  process.exit(2);
}
const outDir = saveDir ?? mkdtempSync(join(tmpdir(), 'statecap-identity-'));
mkdirSync(outDir, { recursive: true });

function* capturesUnder(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* capturesUnder(p);
    else if (/\.(pcap|pcapng|cap)$/.test(name)) yield p;
  }
}

// Options that reach the caps and the less common paths on the small generated captures.
const TIGHT = { maxFlows: 3000, maxRecords: 1500, maxPendingDns: 4000, maxEndpoints: 2500, maxQuicConnections: 1500, maxFragments: 2000 };
const jobs = [];
const corpus = flag('--corpus') ?? join(root, '..', 'shared', 'corpus', 'pcaps');
if (existsSync(corpus)) {
  for (const p of capturesUnder(corpus)) {
    const name = relative(corpus, p).replaceAll('/', '__');
    jobs.push({ name, path: p, options: {} });
    // The options the agreement scripts and docs use: other DNS ports, checksums verified, a restart.
    jobs.push({ name: `${name}.opts`, path: p, options: { dnsPorts: [137, 5353, 5355], checksums: 'verify', restartAt: { packet: 20 } } });
  }
} else console.error('identity: ../shared/corpus not found: bench captures only');

// A fixed folder: warnings name the capture's path.
const genDir = join(tmpdir(), 'statecap-identity-captures');
mkdirSync(genDir, { recursive: true });
const generated = [
  ['mix.pcap', (f) => writeTcpMix(f, { packets: 200_000, connections: 2_000 }), {}],
  ['long-lived.pcap', (f) => writeLongLived(f, { packets: 100_000, connections: 500 }), {}],
  ['syn-flood.pcap', (f) => writeSynFlood(f, 20_000), TIGHT],
  ['dns-unanswered.pcap', (f) => writeUnansweredDns(f, 20_000), TIGHT],
  ['quic-initials.pcap', (f) => writeQuicInitialFlood(f, 8_000), TIGHT],
  ['fragments.pcap', (f) => writeFragmentFlood(f, 20_000), TIGHT],
];
for (const [name, write, options] of generated) {
  const path = join(genDir, name);
  write(path);
  jobs.push({ name: `bench__${name}`, path, options, display: `bench/${name}` });
}

const t0 = Date.now();
for (const job of jobs) {
  const report = await analyzeCapture(job.path, job.options);
  // The path is part of the report: generated files get a fixed one, so that runs compare.
  if (job.display) report.capture.path = job.display;
  const out = createWriteStream(join(outDir, `${job.name}.json`));
  await writeJson(out, report, { after: '\n' });
  out.end();
  await finished(out);
}
rmSync(genDir, { recursive: true, force: true });
console.error(`identity: ${jobs.length} reports written to ${outDir} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

if (againstDir) {
  let differing = 0;
  for (const job of jobs) {
    const file = `${job.name}.json`;
    const base = join(againstDir, file);
    const now = readFileSync(join(outDir, file), 'utf8');
    if (!existsSync(base)) { console.log(`${file}: not in the baseline`); differing++; continue; }
    const before = readFileSync(base, 'utf8');
    if (before === now) continue;
    differing++;
    console.log(`${file}: differs at ${firstDifference(JSON.parse(before), JSON.parse(now), '$') ?? 'no value (same values, different text)'}`);
  }
  console.log(differing === 0 ? `identity: all ${jobs.length} reports identical to ${againstDir}` : `identity: ${differing} of ${jobs.length} reports differ`);
  if (differing === 0) rmSync(outDir, { recursive: true, force: true });
  else console.log(`identity: this run's reports are kept in ${outDir}`);
  process.exitCode = differing === 0 ? 0 : 1;
}

/** The JSON path of the first difference between two parsed reports (key order counts). */
function firstDifference(a, b, path) {
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null)) return path;
  if (typeof a !== 'object' || a === null) return a === b ? null : `${path} (${JSON.stringify(a)} -> ${JSON.stringify(b)})`;
  if (Array.isArray(a)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return a.length === b.length ? null : `${path} (length ${a.length} -> ${b.length})`;
  }
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.join() !== kb.join()) return `${path} (keys ${ka.join(',')} -> ${kb.join(',')})`;
  for (const k of ka) {
    const d = firstDifference(a[k], b[k], `${path}.${k}`);
    if (d) return d;
  }
  return null;
}
