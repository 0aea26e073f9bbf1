/** Child process of the benchmark: analyzes one capture and prints time, peak RSS and counts as JSON. */
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
  const r = await analyzeCapture(path, { reader, ...extra });
  result = 'error' in r ? { error: r.error } : {
    packets: r.capture.packets, tcpFlows: r.tcp.flows.length, dnsQueries: r.dns.summary.queries,
    quicConnections: r.quic.connections.length, endpoints: r.endpoints.length, limits: r.limits,
  };
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(JSON.stringify({ ...result, seconds, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
