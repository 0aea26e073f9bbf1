/**
 * A fuzz campaign: deterministic mutants of the seeds (same seed, same sequence), run in worker
 * threads against the built pipeline, or through the built CLI as child processes. Every run must
 * end in a report or a FailedReport; an exception, a run over the time limit (hang) or a heap over
 * the limit is a crash: the mutant is saved with what was done to it and how it failed.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createRng } from './rng.mjs';
import { mutate } from './mutate.mjs';

/** Where mutants are written: tmpfs when there is one (no disk writes per run). */
export function scratchDir() {
  return existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
}

/** Analysis options for one run: mostly defaults, sometimes tiny table caps, checksum checks, other readers. */
export function optionsFor(rng) {
  const o = {};
  if (rng.chance(0.5)) o.reader = 'builtin';
  if (rng.chance(0.1)) o.checksums = 'verify';
  if (rng.chance(0.2)) {
    o.maxFlows = rng.range(1, 3); o.maxFragments = rng.range(1, 3); o.maxPendingDns = rng.range(1, 3); o.maxQuicConnections = rng.range(1, 3);
    o.maxRecords = rng.range(0, 2); o.maxEndpoints = rng.range(1, 3);
  }
  if (rng.chance(0.1)) o.restartAt = rng.chance(0.5) ? { packet: rng.range(1, 30) } : { secondsAfterStart: rng.int(3) / 10 };
  if (rng.chance(0.1)) { o.dnsTimeout = 0.001; o.timeWait = 0.001; }
  if (rng.chance(0.05)) o.dnsPorts = [443, 5353];
  return o;
}

/** The same option values as CLI arguments. */
export function optionArgs(o) {
  const args = [];
  if (o.reader) args.push('--reader', o.reader);
  if (o.checksums) args.push('--checksums', o.checksums);
  if (o.maxFlows) args.push('--max-flows', String(o.maxFlows), '--max-fragments', String(o.maxFragments),
    '--max-pending-dns', String(o.maxPendingDns), '--max-quic-connections', String(o.maxQuicConnections),
    '--max-records', String(o.maxRecords), '--max-endpoints', String(o.maxEndpoints));
  if (o.restartAt) args.push('--restart-at', 'packet' in o.restartAt ? String(o.restartAt.packet) : `+${o.restartAt.secondsAfterStart}`);
  if (o.dnsTimeout) args.push('--dns-timeout', String(o.dnsTimeout), '--time-wait', String(o.timeWait));
  if (o.dnsPorts) args.push('--dns-port', o.dnsPorts.join(','));
  return args;
}

/** The mutant sequence of a seed: call next() for the i-th mutant, its seed name, ops and options. */
export function mutantStream(seed, seeds) {
  const rng = createRng(seed);
  let index = 0;
  return {
    next() {
      const base = rng.pick(seeds);
      const { bytes, ops } = mutate(rng, base.bytes, seeds);
      const options = optionsFor(rng);
      return { index: index++, seed: base.name, bytes, ops, options };
    },
  };
}

/** Crash bookkeeping: one signature per distinct failure, the first few mutants of each saved. */
export class CrashLog {
  constructor(dir, { keepPerSignature = 3, print = console.log } = {}) {
    this.dir = resolve(dir);
    this.keep = keepPerSignature;
    this.print = print;
    this.bySignature = new Map();
    this.total = 0;
  }

  add(kind, mutant, detail) {
    this.total++;
    const stack = (detail.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)).slice(0, 5).map((l) => l.trim());
    const message = (detail.message ?? '').split('\n')[0];
    const signature = `${kind}: ${message.replace(/\d+/g, 'N')} @ ${stack[0] ?? ''}`;
    let entry = this.bySignature.get(signature);
    if (!entry) {
      entry = { kind, message, stack, count: 0, files: [] };
      this.bySignature.set(signature, entry);
    }
    entry.count++;
    if (entry.files.length >= this.keep) return;
    mkdirSync(this.dir, { recursive: true });
    // The folder ignores itself, so crash files never end up in a commit.
    if (!existsSync(join(this.dir, '.gitignore'))) writeFileSync(join(this.dir, '.gitignore'), '*\n');
    const hash = createHash('sha256').update(mutant.bytes).digest('hex').slice(0, 12);
    const base = join(this.dir, `${kind}-${hash}`);
    writeFileSync(`${base}.cap`, mutant.bytes);
    writeFileSync(`${base}.json`, `${JSON.stringify({
      kind, message, stack, seed: mutant.seed, mutant: mutant.index, ops: mutant.ops, options: mutant.options, ms: detail.ms,
      stderr: detail.stderr, status: detail.status,
    }, null, 1)}\n`);
    entry.files.push(`${base}.cap`);
    this.print(`CRASH (${kind}) mutant ${mutant.index} of ${mutant.seed}: ${message}`);
    for (const l of stack) this.print(`    ${l}`);
    this.print(`  ops: ${mutant.ops.join('; ')}`);
    this.print(`  options: ${JSON.stringify(mutant.options)}`);
    this.print(`  saved ${base}.cap`);
  }
}

/**
 * Each run prints JSON and, in turn, one of the other formats. The table goes through cli-table3,
 * which costs more than the analysis of a small capture, so it gets 1 run in 10.
 */
const RENDERERS = ['table', 'markdown', 'ndjson', 'markdown', 'ndjson', 'markdown', 'ndjson', 'markdown', 'ndjson', 'json'];

/** Numbers each runner's temp file (several campaigns may share a process, e.g. in tests). */
let runnersMade = 0;

/** One worker thread and the job it is running. */
class Runner {
  constructor(index, opts, onResult) {
    this.index = index;
    this.opts = opts;
    this.onResult = onResult;
    this.file = join(scratchDir(), `statecap-fuzz-${process.pid}-${runnersMade++}.cap`);
    this.job = null;
    this.timer = null;
    this.start();
  }

  start() {
    this.ready = new Promise((resolveReady) => {
      this.worker = new Worker(new URL('./worker.mjs', import.meta.url), {
        workerData: { dist: this.opts.dist, file: this.file },
        resourceLimits: { maxOldGenerationSizeMb: this.opts.heapMb, maxYoungGenerationSizeMb: 64 },
        stdout: true, stderr: true,
      });
      this.worker.on('message', (m) => {
        if (m.ready) { resolveReady(); return; }
        this.finish(m);
      });
      this.worker.on('exit', (code) => {
        const job = this.job;
        this.restart();
        if (job) this.settle(job, { outcome: 'uncaught', message: `worker exited with code ${code}` });
      });
      this.worker.on('error', (e) => {
        const job = this.job;
        const oom = e?.code === 'ERR_WORKER_OUT_OF_MEMORY';
        this.restart();
        if (job) this.settle(job, { outcome: oom ? 'memory' : 'uncaught', message: oom ? `heap over ${this.opts.heapMb} MB` : e?.message, stack: e?.stack });
      });
    });
  }

  restart() {
    clearTimeout(this.timer);
    const old = this.worker;
    old.removeAllListeners();
    old.on('error', () => {});
    old.terminate();
    this.start();
  }

  run(job) {
    this.job = job;
    this.timer = setTimeout(() => {
      if (this.job !== job) return;
      this.restart();
      this.settle(job, { outcome: 'hang', message: `no result within ${this.opts.timeoutMs} ms` });
    }, this.opts.timeoutMs);
    this.worker.postMessage({ id: job.index, bytes: job.bytes, options: job.options, render: job.render ?? RENDERERS[job.index % RENDERERS.length] });
  }

  finish(result) {
    const job = this.job;
    if (!job || result.id !== job.index) return;
    clearTimeout(this.timer);
    if (result.outcome !== 'exception' && result.heapMb > this.opts.heapMb * 0.8) {
      this.restart();
      this.settle(job, { ...result, outcome: 'heap', message: `heap at ${result.heapMb.toFixed(0)} MB after this run (limit ${this.opts.heapMb} MB)` });
      return;
    }
    this.settle(job, result);
  }

  settle(job, result) {
    this.job = null;
    this.onResult(job, result);
  }

  async stop() {
    clearTimeout(this.timer);
    this.worker.removeAllListeners();
    await this.worker.terminate();
    rmSync(this.file, { force: true });
  }
}

/**
 * Runs mutants in-process (worker threads) until `seconds` pass or `maxRuns` mutants ran.
 * @returns {Promise<{runs:number, seconds:number, outcomes:Record<string,number>, crashes:CrashLog}>}
 */
export async function runInProcess({ seeds, seed, seconds, maxRuns = Infinity, jobs = 1, dist, timeoutMs = 2000, heapMb = 512, crashDir, print = console.log }) {
  const stream = mutantStream(seed, seeds);
  const crashes = new CrashLog(crashDir, { print });
  const outcomes = {};
  let runs = 0;
  let issued = 0;
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  let done;
  const finished = new Promise((r) => { done = r; });
  let active = 0;

  const onResult = (job, result) => {
    runs++;
    active--;
    outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
    if (['exception', 'hang', 'memory', 'heap', 'uncaught'].includes(result.outcome)) crashes.add(result.outcome, job, result);
    // A report that breaks the contract (a multi-line error, NaN in the JSON) counts as a crash too.
    if (result.problems?.length) crashes.add('contract', job, { message: result.problems.join('; '), ms: result.ms });
    dispatch(runners.find((r) => r.job === null));
  };
  const runners = Array.from({ length: jobs }, (_, i) => new Runner(i, { dist, timeoutMs, heapMb }, onResult));
  // A progress line a minute on long runs.
  const progress = setInterval(() => {
    const s = (performance.now() - t0) / 1000;
    print(`... ${runs} runs in ${s.toFixed(0)} s (${(runs / s).toFixed(0)}/s), ${crashes.total} crashes`);
  }, 60_000);
  progress.unref();

  const dispatch = async (runner) => {
    if (!runner) return;
    if (performance.now() >= deadline || issued >= maxRuns) {
      if (active === 0) done();
      return;
    }
    const job = stream.next();
    issued++;
    active++;
    runner.job = job; // claimed before the await so no other result dispatches to it
    await runner.ready;
    runner.run(job);
  };

  await Promise.all(runners.map((r) => r.ready));
  for (const r of runners) dispatch(r);
  await finished;
  clearInterval(progress);
  await Promise.all(runners.map((r) => r.stop()));
  return { runs, seconds: (performance.now() - t0) / 1000, outcomes, crashes };
}

/**
 * Runs one capture in a worker thread with the same guards as a campaign (time limit, heap limit)
 * and every renderer. Resolves to the outcome: report, stopped, failed, or a crash kind with its
 * message and stack. For regression tests of saved crashers.
 */
export async function runGuarded({ dist, bytes, options = {}, timeoutMs = 5000, heapMb = 512 }) {
  let resolveResult;
  const result = new Promise((r) => { resolveResult = r; });
  const runner = new Runner(0, { dist, timeoutMs, heapMb }, (_job, r) => resolveResult(r));
  await runner.ready;
  runner.run({ index: 0, bytes, options, render: 'all' });
  const r = await result;
  await runner.stop();
  return r;
}

const STACK_LINE = /^\s+at /m;
/** "A few lines": one per warning or error a capture can produce. */
export const MAX_STDERR_LINES = 4;

/** What is wrong with one CLI run (empty when it behaved). */
export function cliProblems({ status, signal, stdout, stderr }, file, format) {
  const problems = [];
  if (signal) problems.push(`killed by ${signal}`);
  else if (![0, 1, 2].includes(status)) problems.push(`exit code ${status}`);
  if (STACK_LINE.test(stderr)) problems.push('stack trace on stderr');
  const lines = stderr.split('\n').filter((l) => l.length > 0);
  if (lines.length > MAX_STDERR_LINES) problems.push(`${lines.length} lines on stderr`);
  for (const l of lines) if (!l.includes(file)) { problems.push(`stderr line does not name the file: ${l.slice(0, 120)}`); break; }
  if (format === 'json' && status !== null && !signal) {
    try { JSON.parse(stdout); } catch { problems.push('stdout is not JSON'); }
  }
  return problems;
}

function spawnCli(main, args, timeoutMs) {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [main, ...args], { env: { ...process.env, NO_COLOR: '1', CI: '1' } });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolveRun({ status, signal: signal === 'SIGKILL' ? 'timeout' : signal, stdout, stderr });
    });
  });
}

const FORMATS = ['json', 'table', 'ndjson', 'markdown'];

/** Runs `count` mutants through the built CLI, `jobs` at a time. */
export async function runCli({ seeds, seed, count, jobs = 2, dist, timeoutMs = 20000, crashDir, print = console.log }) {
  const stream = mutantStream(seed, seeds);
  const crashes = new CrashLog(crashDir, { print });
  const main = join(resolve(dist), 'cli/main.js');
  const exits = {};
  let runs = 0;
  const t0 = performance.now();
  const lane = async (slot) => {
    const file = join(scratchDir(), `statecap-fuzz-cli-${process.pid}-${slot}.cap`);
    try {
      for (;;) {
        if (runs >= count) return;
        runs++;
        const m = stream.next();
        const format = FORMATS[m.index % FORMATS.length];
        writeFileSync(file, m.bytes);
        const result = await spawnCli(main, ['analyze', file, '--format', format, ...optionArgs(m.options)], timeoutMs);
        exits[result.signal ?? result.status] = (exits[result.signal ?? result.status] ?? 0) + 1;
        const problems = cliProblems(result, file, format);
        if (problems.length) crashes.add('cli', { ...m, options: { ...m.options, format } }, { message: problems.join('; '), stderr: result.stderr, status: result.status });
      }
    } finally {
      rmSync(file, { force: true });
    }
  };
  await Promise.all(Array.from({ length: jobs }, (_, i) => lane(i)));
  return { runs, seconds: (performance.now() - t0) / 1000, exits, crashes };
}
