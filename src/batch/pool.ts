/**
 * `--jobs N`: captures analyzed in N worker threads while the command consumes the reports in
 * input order. The command announces the captures it will ask for (`prefetch`), then asks for each
 * in order (`take`); a worker starts a capture only while fewer than 2N finished or running ones
 * wait to be taken, so memory holds a bounded number of reports whatever the batch's size.
 * Standard input ('-') is never sent to a worker: the command analyzes it in-process.
 */
import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import type { AnalyzeOptions } from '../pipeline.js';
import type { AnyReport } from '../report/schema.js';
import type { ResultMessage, TaskMessage } from './worker.js';
import type { ReportNotes } from './report-notes.js';

/** A report a worker wrote as text (TaskMessage.text), with what the command says of it. */
export interface ReportText {
  text: Uint8Array;
  notes: ReportNotes;
}

interface Task {
  id: number;
  path: string;
  options: AnalyzeOptions;
  text?: TaskMessage['text'];
  result: Promise<AnyReport | ReportText>;
  resolve: (r: AnyReport | ReportText) => void;
  reject: (e: Error) => void;
  started: boolean;
}

/** Options a worker can receive: callbacks (progress) stay behind. */
function cloneable(options: AnalyzeOptions): AnalyzeOptions {
  const { onProgress: _onProgress, progressEvery: _every, ...rest } = options;
  return rest;
}

export class AnalysisPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  /** Announced tasks in input order; `taken` of them were handed to the command. */
  private readonly queue: Task[] = [];
  private readonly running = new Map<number, Task>();
  private taken = 0;
  private nextId = 0;
  private closed = false;

  /** The worker is dist/batch/worker.js from both dist/batch/pool.js and the bundled dist/cli/statecap.js. */
  constructor(readonly jobs: number, private readonly workerUrl = new URL('../batch/worker.js', import.meta.url)) {}

  /**
   * Announces captures the command will take in this order; with `text`, the workers write each
   * report in that format and the command takes them with takeText.
   */
  prefetch(paths: readonly string[], options: AnalyzeOptions, text?: TaskMessage['text']): void {
    for (const path of paths) {
      if (path === '-') continue;
      let resolve!: (r: AnyReport | ReportText) => void;
      let reject!: (e: Error) => void;
      const result = new Promise<AnyReport | ReportText>((res, rej) => { resolve = res; reject = rej; });
      result.catch(() => {}); // observed by take(); never an unhandled rejection meanwhile
      this.queue.push({ id: this.nextId++, path, options: cloneable(options), text, result, resolve, reject, started: false });
    }
    this.dispatch();
  }

  /** The report of the next announced capture, if it is `path`; undefined when it was not announced. */
  take(path: string): Promise<AnyReport> | undefined {
    const task = this.next(path, false);
    return task?.result as Promise<AnyReport> | undefined;
  }

  /** The text of the next announced capture (announced with `text`), if it is `path`; else undefined. */
  takeText(path: string): Promise<ReportText> | undefined {
    const task = this.next(path, true);
    return task?.result as Promise<ReportText> | undefined;
  }

  private next(path: string, asText: boolean): Task | undefined {
    const task = this.queue[this.taken];
    if (task === undefined || task.path !== path || (task.text !== undefined) !== asText) return undefined;
    this.queue[this.taken] = undefined as unknown as Task; // let the report go once consumed
    this.taken++;
    this.dispatch();
    return task;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
    this.idle.length = 0;
  }

  private dispatch(): void {
    const window = 2 * this.jobs;
    for (let i = this.taken; i < this.queue.length && i < this.taken + window; i++) {
      const task = this.queue[i];
      if (task.started) continue;
      const worker = this.freeWorker();
      if (worker === undefined) return;
      task.started = true;
      this.running.set(task.id, task);
      worker.ref(); // a task in flight keeps the process alive
      worker.postMessage({ id: task.id, path: task.path, options: task.options, text: task.text } satisfies TaskMessage);
    }
  }

  private freeWorker(): Worker | undefined {
    if (this.closed) return undefined;
    const free = this.idle.pop();
    if (free !== undefined) return free;
    if (this.workers.length >= this.jobs) return undefined;
    // Loaded with the first worker: node:worker_threads took ~10 ms of every start-up, one-capture runs included.
    const threads = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
    const worker = new threads.Worker(this.workerUrl);
    worker.on('message', (m: ResultMessage) => this.finished(worker, m));
    worker.on('error', (e) => this.failAll(e));
    this.workers.push(worker);
    return worker;
  }

  private finished(worker: Worker, m: ResultMessage): void {
    const task = this.running.get(m.id);
    this.running.delete(m.id);
    worker.unref();
    this.idle.push(worker);
    if (task !== undefined) {
      if ('report' in m) task.resolve(m.report as AnyReport);
      else if ('text' in m) task.resolve({ text: m.text, notes: m.notes });
      else {
        const e = new Error(m.error);
        if (m.stack !== undefined) e.stack = m.stack;
        task.reject(e);
      }
    }
    this.dispatch();
  }

  /** A worker died (out of memory, a crash in a native module): every task in flight fails with it. */
  private failAll(e: Error): void {
    for (const task of this.running.values()) task.reject(e);
    this.running.clear();
  }
}
