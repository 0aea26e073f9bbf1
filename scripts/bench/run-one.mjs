/**
 * Child process of the benchmark: analyzes one capture and prints time, peak RSS and counts as JSON.
 * Mode 'retained' (run with --expose-gc) also collects garbage every 100,000 packets and reports the
 * most heap still in use after it: what the analysis holds, whatever V8's lazy collection leaves.
 */
import { analyzeCapture } from '../../dist/index.js';
import { readCapture } from '../../dist/capture/open.js';

const [mode, path, reader = 'builtin', ...rest] = process.argv.slice(2);
const extra = rest.length ? JSON.parse(rest[0]) : {};
const t0 = process.hrtime.bigint();
let result;
if (mode === 'reader') {
  let n = 0;
  const summary = await readCapture(path, () => { n++; }, { reader });
  result = { packets: n, error: summary.error?.message ?? null };
} else {
  let retainedMB = 0;
  const sample = () => {
    globalThis.gc();
    retainedMB = Math.max(retainedMB, process.memoryUsage().heapUsed / 1e6);
  };
  const watch = mode === 'retained' ? { progressEvery: 100_000, onProgress: sample } : {};
  const r = await analyzeCapture(path, { reader, ...extra, ...watch });
  if (mode === 'retained') sample(); // the finished report is held too
  result = 'error' in r ? { error: r.error } : {
    packets: r.capture.packets, tcpFlows: r.tcp.flows.length, dnsQueries: r.dns.summary.queries,
    quicConnections: r.quic.connections.length, endpoints: r.endpoints.length, limits: r.limits,
    ...(mode === 'retained' ? { retainedMB } : {}),
  };
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(JSON.stringify({ ...result, seconds, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
