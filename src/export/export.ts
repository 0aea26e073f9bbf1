/**
 * `statecap export`: analyses captures in parallel (one worker thread each, `jobs` at a time) and
 * appends their rows in input order: capture k's rows are written only after capture k-1's, and a
 * worker that finishes early waits with its report until its turn. Memory is bounded by `jobs`
 * reports plus one batch, and DuckDB's own limit for the rows already written.
 */
import { Worker } from 'node:worker_threads';
import { REPORT_SCHEMA, type FailedReport } from '../report/schema.js';
import { prepareFolder, writeManifest, type Manifest } from './folder.js';
import type { FromWorker, ToWorker, WorkerAnalyzeOptions } from './messages.js';
import { rowBatches } from './rows.js';
import { EXPORT_SCHEMA } from './tables.js';
import { ParquetWriter } from './writer.js';

export interface ExportOptions {
  /** Captures analysed at once (worker threads). */
  jobs: number;
  analyze: WorkerAnalyzeOptions;
  /** statecap's version, for the manifest. */
  version: string;
  /** --continuous: the paths are the files of one capture, in time order (one `captures` row). */
  continuous?: boolean;
  /** One line per unreadable capture or warning, as `analyze` prints them. */
  err: (line: string) => void;
}

export interface ExportResult {
  manifest: Manifest;
}

/** One worker thread and the answer it owes: requests are strictly one at a time. */
class AnalysisWorker {
  // '../export/': the same file from dist/export/export.js and from the bundled dist/cli/statecap.js.
  private readonly worker = new Worker(new URL('../export/worker.js', import.meta.url));
  private pending: { resolve: (m: FromWorker) => void; reject: (e: Error) => void } | null = null;

  constructor() {
    this.worker.on('message', (m: FromWorker) => this.settle((p) => p.resolve(m)));
    this.worker.on('error', (e) => this.settle((p) => p.reject(e)));
    this.worker.on('exit', (code) => this.settle((p) => p.reject(new Error(`analysis worker exited with code ${code}`))));
  }

  private settle(f: (p: NonNullable<AnalysisWorker['pending']>) => void): void {
    const p = this.pending;
    this.pending = null;
    if (p) f(p);
  }

  request(m: ToWorker): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(m);
    });
  }

  async stop(): Promise<void> {
    this.pending = null;
    await this.worker.terminate();
  }
}

interface Job {
  worker: AnalysisWorker;
  analyzed: Promise<FromWorker | Error>;
}

export async function runExport(files: string[], dir: string, options: ExportOptions): Promise<ExportResult> {
  // The captures: one per file, or with --continuous all the files as one, named by the first.
  const units = options.continuous && files.length > 1 ? [files] : files.map((f) => [f]);
  const paths = units.map((u) => u[0]);
  prepareFolder(dir);
  const manifest: Manifest = {
    schema: EXPORT_SCHEMA, reportSchema: REPORT_SCHEMA, statecap: options.version, complete: false,
    captures: paths.length, failedCaptures: 0, tables: {},
  };
  writeManifest(dir, manifest);
  const writer = await ParquetWriter.open(dir);
  const workers = Array.from({ length: Math.max(1, Math.min(options.jobs, paths.length)) }, () => new AnalysisWorker());
  const jobs = new Map<number, Job>();
  const start = (index: number, worker: AnalysisWorker): void => {
    const m: ToWorker = { type: 'analyze', captureId: index + 1, paths: units[index], options: options.analyze };
    jobs.set(index, { worker, analyzed: worker.request(m).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))) });
  };
  try {
    workers.forEach((w, i) => i < paths.length && start(i, w));
    for (const [index, path] of paths.entries()) {
      const job = jobs.get(index) as Job;
      jobs.delete(index);
      let { worker } = job;
      const analyzed = await job.analyzed;
      if (analyzed instanceof Error || analyzed.type !== 'analyzed') {
        // A bug of ours in the analysis: the capture gets its row with the error, the rest go on.
        const error = `${path}: internal error: ${analyzed instanceof Error ? analyzed.message : `unexpected ${analyzed.type}`}`;
        const failed: FailedReport = { schema: REPORT_SCHEMA, capture: { path }, error };
        for (const batch of rowBatches(failed, index + 1, path)) writer.append(batch);
        options.err(error);
        manifest.failedCaptures++;
        await worker.stop();
        worker = new AnalysisWorker();
        workers[workers.indexOf(job.worker)] = worker;
      } else {
        if (analyzed.error) {
          options.err(analyzed.error);
          manifest.failedCaptures++;
        }
        for (const w of analyzed.warnings) options.err(`warning: ${w}`);
        // Ask for the next batch before appending this one, so the worker converts while DuckDB appends.
        let next = worker.request({ type: 'next' });
        for (;;) {
          const m = await next;
          if (m.type !== 'batch') break;
          next = worker.request({ type: 'next' });
          writer.append(m.batch);
        }
      }
      const next = index + workers.length;
      if (next < paths.length) start(next, worker);
    }
    manifest.tables = await writer.finish();
  } catch (e) {
    writer.close();
    throw e;
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
  manifest.complete = true;
  writeManifest(dir, manifest);
  return { manifest };
}
