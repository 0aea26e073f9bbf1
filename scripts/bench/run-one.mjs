/**
 * Child process of the benchmark: one measurement of one capture, printed as one JSON line.
 * Modes:
 *  - reader:   the capture reader alone (records counted, nothing decoded);
 *  - decode:   reader + decodePacket on every record;
 * *  - cli:      `statecap analyze --format json --output /dev/null FILE...` end to end, module loading
 *              included (extra args after the file list, e.g. --jobs 2);
 *  - retained: the library pipeline (run with --expose-gc), collecting garbage every 100,000 packets:
 *              the most heap still in use after a GC, i.e. what the analysis holds.
 * Every mode reports seconds and peak RSS of this process.
 */
const [mode, file, extraJson = '{}'] = process.argv.slice(2);
const extra = JSON.parse(extraJson);
const t0 = process.hrtime.bigint();
let result = {};
if (mode === 'reader' || mode === 'decode') {
  const { readCapture } = await import('../../dist/capture/open.js');
  const { PacketDecoder } = await import('../../dist/decode/decode.js');
  const decoder = new PacketDecoder(); // as the pipeline decodes: one packet struct, filled again
  let n = 0, tcp = 0;
  const decode = mode === 'decode';
  const summary = await readCapture(file, (r) => {
    n++;
    if (decode && decoder.decode(r).tcp !== undefined) tcp++;
  }, { reader: extra.reader ?? 'builtin' });
  result = { packets: n, tcpPackets: decode ? tcp : undefined, error: summary.error?.message ?? null };
} else if (mode === 'cli') {
  const files = file.split('\n');
  process.argv = [process.argv[0], 'statecap', 'analyze', '--format', 'json', '--output', '/dev/null', ...(extra.args ?? []), ...files];
  await import('../../dist/cli/statecap.js');
  // main() sets exitCode; wait for the output to close (it awaits finished(file)).
  result = { exitCode: process.exitCode ?? 0 };
} else if (mode === 'retained') {
  const { analyzeCapture } = await import('../../dist/index.js');
  let retainedMB = 0;
  const sample = () => {
    globalThis.gc();
    retainedMB = Math.max(retainedMB, process.memoryUsage().heapUsed / 1e6);
  };
  const r = await analyzeCapture(file, { ...(extra.options ?? {}), progressEvery: 100_000, onProgress: sample });
  sample(); // the finished report is held too
  result = 'error' in r ? { error: r.error } : { packets: r.capture.packets, retainedMB, limits: r.limits };
} else throw new Error(`unknown mode ${mode}`);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
process.stdout.write(`${JSON.stringify({ ...result, seconds, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
