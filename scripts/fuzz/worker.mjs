/**
 * Worker thread of the fuzzer: receives mutants, writes each to the worker's one reused temp file,
 * runs the whole pipeline and every renderer on it, and posts back the outcome. An exception is
 * reported with its stack; a hang or an out-of-memory is noticed by the main thread (which then
 * terminates this worker and starts another).
 */
import { writeFileSync, rmSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';
import { loadApi, runOne } from './check.mjs';

const api = await loadApi(workerData.dist);
const file = workerData.file;

parentPort.on('message', async (job) => {
  if (job === 'exit') { rmSync(file, { force: true }); process.exit(0); }
  const t0 = performance.now();
  let result;
  try {
    writeFileSync(file, job.bytes);
    result = { id: job.id, ...(await runOne(api, file, job.options, job.render)) };
  } catch (e) {
    result = { id: job.id, outcome: 'exception', message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined };
  }
  result.ms = performance.now() - t0;
  result.heapMb = getHeapStatistics().used_heap_size / 1048576;
  parentPort.postMessage(result);
});
parentPort.postMessage({ ready: true });
