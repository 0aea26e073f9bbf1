/**
 * A worker thread of the analysis pool (see pool.ts): analyzes the captures it is sent, one at a
 * time, and posts each report back. Reports cross as structured clones, which keep key order and
 * values, so the JSON written from them is byte-identical to an in-process analysis.
 */
import { parentPort } from 'node:worker_threads';
import { analyzeCapture, type AnalyzeOptions } from '../pipeline.js';

export interface TaskMessage {
  id: number;
  path: string;
  options: AnalyzeOptions;
}

export type ResultMessage =
  | { id: number; report: unknown }
  | { id: number; error: string; stack?: string };

const port = parentPort;
if (port === null) throw new Error('batch/worker.js runs only as a worker thread');
port.on('message', (task: TaskMessage) => {
  analyzeCapture(task.path, task.options).then(
    (report) => port.postMessage({ id: task.id, report } satisfies ResultMessage),
    (e: unknown) => {
      const err = e instanceof Error ? e : new Error(String(e));
      port.postMessage({ id: task.id, error: err.message, stack: err.stack } satisfies ResultMessage);
    },
  );
});
