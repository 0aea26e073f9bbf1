#!/usr/bin/env node
/**
 * npm run fuzz: mutates real and generated captures and runs the whole pipeline on each mutant.
 *
 *   node scripts/fuzz.mjs [--seconds N] [--seed S] [--max-runs N] [--jobs N] [--cli N]
 *                         [--timeout-ms MS] [--heap-mb MB] [--dist DIR] [--out DIR]
 *   node scripts/fuzz.mjs --replay FILE [--options JSON]
 *
 * Defaults: 60 seconds, seed 1, one worker thread per CPU (at most 4), 2000 ms per run, 512 MB of
 * heap, dist/ as built by `npm run build`, crashes saved in fuzz-crashes/ (which ignores itself).
 * The same seed gives the same mutants in the same order; --max-runs makes a run repeatable.
 * --cli N sends N mutants through the built CLI instead, checking exit codes {0,1,2}, no stack
 * trace and at most a few stderr lines, each naming the file.
 * --replay runs one saved mutant in this process and prints the outcome (and any stack in full).
 * Exit code 1 when something crashed, else 0.
 */
import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const number = (name, fallback) => {
  const v = Number(value(name, String(fallback)));
  if (!Number.isFinite(v) || v < 0) { console.error(`fuzz: ${name} needs a non-negative number`); process.exit(2); }
  return v;
};

const dist = resolve(value('--dist', join(root, 'dist')));
const out = resolve(value('--out', join(root, 'fuzz-crashes')));
const seed = number('--seed', 1);

if (flag('--replay')) {
  const { loadApi, runOne } = await import('./fuzz/check.mjs');
  const file = resolve(value('--replay'));
  let options = {};
  if (flag('--options')) options = JSON.parse(value('--options'));
  else {
    try { options = JSON.parse(readFileSync(file.replace(/\.cap$/, '.json'), 'utf8')).options ?? {}; } catch { /* no saved options */ }
  }
  const api = await loadApi(dist);
  const t0 = performance.now();
  try {
    const r = await runOne(api, file, options);
    console.log(`${r.outcome}: ${r.packets} packets in ${(performance.now() - t0).toFixed(0)} ms${r.problems.length ? `; problems: ${r.problems.join('; ')}` : ''}`);
  } catch (e) {
    console.log(`exception after ${(performance.now() - t0).toFixed(0)} ms:`);
    console.log(e instanceof Error ? e.stack : String(e));
    process.exitCode = 1;
  }
} else {
  const { generatedSeeds, fileSeeds } = await import('./fuzz/seeds.mjs');
  const { runCli, runInProcess } = await import('./fuzz/campaign.mjs');
  const seeds = [...fileSeeds([join(root, 'fixtures'), join(root, 'examples')]), ...generatedSeeds()];
  const jobs = number('--jobs', Math.min(4, cpus().length));
  console.log(`fuzz: seed ${seed}, ${seeds.length} seed captures, ${jobs} job(s), dist ${dist}`);
  if (flag('--cli')) {
    const r = await runCli({ seeds, seed, count: number('--cli', 100), jobs, dist, crashDir: out });
    console.log(`cli runs: ${r.runs}, ${(r.runs / r.seconds).toFixed(1)} runs/s, exit codes ${JSON.stringify(r.exits)}`);
    console.log(`crashes: ${r.crashes.total} (${r.crashes.bySignature.size} distinct), elapsed ${r.seconds.toFixed(1)} s`);
    process.exitCode = r.crashes.total ? 1 : 0;
  } else {
    const r = await runInProcess({
      seeds, seed, jobs, dist, crashDir: out,
      seconds: number('--seconds', 60), maxRuns: flag('--max-runs') ? number('--max-runs', 0) : Infinity,
      timeoutMs: number('--timeout-ms', 2000), heapMb: number('--heap-mb', 512),
    });
    console.log(`outcomes: ${JSON.stringify(r.outcomes)}`);
    console.log(`runs: ${r.runs}, ${(r.runs / r.seconds).toFixed(0)} runs/s, crashes: ${r.crashes.total} (${r.crashes.bySignature.size} distinct), elapsed ${r.seconds.toFixed(1)} s`);
    process.exitCode = r.crashes.total ? 1 : 0;
  }
}
