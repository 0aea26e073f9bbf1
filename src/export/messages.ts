/** The messages between the export and its analysis workers (structured-cloned). */
import type { AnalyzeOptions } from '../pipeline.js';
import type { RowBatch } from './rows.js';

/** AnalyzeOptions without the progress callback, which cannot cross threads. */
export type WorkerAnalyzeOptions = Omit<AnalyzeOptions, 'onProgress' | 'progressEvery'>;

export type ToWorker =
  /** `paths`: one file, or with --continuous the files of one capture in time order. */
  | { type: 'analyze'; captureId: number; paths: string[]; options: WorkerAnalyzeOptions }
  /** The next batch of the capture analysed last; the worker answers with `batch` or `end`. */
  | { type: 'next' };

export type FromWorker =
  /** The capture is analysed; `error` when it could not be read (fully or partly), `warnings` as `analyze` prints them. */
  | { type: 'analyzed'; error: string | null; warnings: string[] }
  | { type: 'batch'; batch: RowBatch }
  | { type: 'end' };
