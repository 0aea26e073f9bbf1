/**
 * An analysis worker: analyses one capture at a time and hands its rows over batch by batch, only
 * when the export asks, so a finished capture waiting for its turn holds one report, never rows
 * queued without bound.
 */
import { parentPort } from 'node:worker_threads';
import { analyzeCapture, analyzeContinuous } from '../pipeline.js';
import type { FromWorker, ToWorker } from './messages.js';
import { rowBatches, type RowBatch } from './rows.js';

const port = parentPort;
if (!port) throw new Error('export worker started outside a worker thread');

let batches: Iterator<RowBatch> | undefined;
const send = (m: FromWorker): void => port.postMessage(m);

port.on('message', (m: ToWorker) => {
  if (m.type === 'analyze') {
    const analysis = m.paths.length > 1 ? analyzeContinuous(m.paths, m.options) : analyzeCapture(m.paths[0], m.options);
    void analysis.then((report) => {
      // A series is named by its first file, as the report's capture.path is.
      batches = rowBatches(report, m.captureId, m.paths[0]);
      const error = 'error' in report ? report.error : report.capture.error ?? null;
      send({ type: 'analyzed', error, warnings: 'error' in report ? [] : report.warnings });
    });
    return;
  }
  const next = batches?.next();
  if (!next || next.done) {
    batches = undefined;
    send({ type: 'end' });
  } else {
    send({ type: 'batch', batch: next.value });
  }
});
