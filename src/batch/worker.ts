/**
 * A worker thread of the analysis pool (see pool.ts): analyzes the captures it is sent, one at a
 * time, and posts each report back. Reports cross as structured clones, which keep key order and
 * values, so the JSON written from them is byte-identical to an in-process analysis. When the
 * command only writes the report as text (`text`), the worker writes it here and sends the bytes
 * (transferred, not copied) with what the command prints on stderr: the command's thread then does
 * no serializing and no cloning, and a batch uses every core.
 */
import { parentPort } from 'node:worker_threads';
import { analyzeCapture, type AnalyzeOptions } from '../pipeline.js';
import { ByteCollector, writeReportText, type StreamedFormat } from '../report/streamed-text.js';
import { notesOf, type ReportNotes } from './report-notes.js';

export interface TaskMessage {
  id: number;
  path: string;
  options: AnalyzeOptions;
  text?: { format: StreamedFormat; view: 'analyze' | 'state' };
}

export type ResultMessage =
  | { id: number; report: unknown }
  | { id: number; text: Uint8Array; notes: ReportNotes }
  | { id: number; error: string; stack?: string };

const port = parentPort;
if (port === null) throw new Error('batch/worker.js runs only as a worker thread');
async function run(task: TaskMessage): Promise<void> {
  const report = await analyzeCapture(task.path, task.options);
  if (task.text === undefined) {
    port?.postMessage({ id: task.id, report } satisfies ResultMessage);
    return;
  }
  const sink = new ByteCollector();
  await writeReportText(sink, report, task.text.format, task.text.view);
  const text = sink.bytes();
  port?.postMessage({ id: task.id, text, notes: notesOf(report) } satisfies ResultMessage, [text.buffer]);
}

port.on('message', (task: TaskMessage) => {
  run(task).then(
    () => {},
    (e: unknown) => {
      const err = e instanceof Error ? e : new Error(String(e));
      port.postMessage({ id: task.id, error: err.message, stack: err.stack } satisfies ResultMessage);
    },
  );
});
