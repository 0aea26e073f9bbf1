/**
 * An analysis worker: analyses one capture at a time and hands its rows over batch by batch, only
 * when the export asks, so a finished capture waiting for its turn holds one report, never rows
 * queued without bound.
 */
import { parentPort } from 'node:worker_threads';
import { analyzeCapture } from '../pipeline.js';
import type { FromWorker, ToWorker } from './messages.js';
import { rowBatches, type RowBatch } from './rows.js';

const port = parentPort;
if (!port) throw new Error('export worker started outside a worker thread');

let batches: Iterator<RowBatch> | undefined;
const send = (m: FromWorker): void => port.postMessage(m);

port.on('message', (m: ToWorker) => {
  if (m.type === 'analyze') {
    void analyzeCapture(m.path, m.options).then((report) => {
      batches = rowBatches(report, m.captureId, m.path);
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
