/**
 * `--continuous f0 f1 …` (issue 15): a capture split with `editcap -c` (mid-flow, mid-DNS
 * transaction) and analyzed as one gives the whole file's report, packet numbers included; files
 * out of time order are refused, naming both.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, statecapAsync as statecap } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'statecap-continuous-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hasEditcap = spawnSync('editcap', ['-v']).status === 0;

/** Splits `name` every `count` packets, keeping classic pcap; the pieces in file-name (= time) order. */
let splits = 0;
function split(name: string, count: number): string[] {
  const out = join(dir, `${name}-${count}-${++splits}`);
  mkdirSync(out);
  const p = spawnSync('editcap', ['-F', 'pcap', '-c', String(count), fixture(name), join(out, 'part.pcap')]);
  expect(p.status).toBe(0);
  return readdirSync(out).sort().map((f) => join(out, f));
}

type Json = { capture: Record<string, unknown>; warnings: string[] } & Record<string, unknown>;

function withoutPaths(r: Json): Json {
  const { path: _, files: __, ...capture } = r.capture;
  return { ...r, capture };
}

// Each test splits into its own folder, so they run side by side.
describe.skipIf(!hasEditcap).concurrent('--continuous', () => {
  for (const [name, count] of [['quickstart.pcap', 7], ['dns-udp-tcp.pcap', 3], ['quic-loopback.pcap', 5]] as const) {
    it(`analyzes ${name} split every ${count} packets as the whole file`, async () => {
      const parts = split(name, count);
      expect(parts.length).toBeGreaterThan(1);
      const [wholeRun, r] = await Promise.all([
        statecap(['analyze', '-f', 'json', fixture(name)]),
        statecap(['analyze', '-f', 'json', '--continuous', ...parts]),
      ]);
      const whole = JSON.parse(wholeRun.stdout) as Json;
      expect(r.stderr).toBe('');
      const joined = JSON.parse(r.stdout) as Json;
      expect(joined.capture.files).toEqual(parts);
      expect(joined.capture.path).toBe(parts[0]);
      expect(withoutPaths(joined)).toEqual(withoutPaths(whole));
    });
  }

  it('without --continuous, the pieces are separate captures (flows cut at the boundary)', async () => {
    const parts = split('quickstart.pcap', 7);
    const r = JSON.parse((await statecap(['analyze', '-f', 'json', ...parts])).stdout) as Json[];
    expect(r).toHaveLength(parts.length);
  });

  it('refuses files out of time order, naming both', async () => {
    const parts = split('quickstart.pcap', 20); // packets 1-20 and 21-36
    const r = await statecap(['analyze', '--continuous', parts[1], parts[0]]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^statecap: ${parts[0].replace(/[.]/g, '\\.')}: starts at 1795809259\\.297743, before the end of ${parts[1].replace(/[.]/g, '\\.')} \\(1795809260\\.908124\\): give --continuous files in time order\n$`));
  });
});
