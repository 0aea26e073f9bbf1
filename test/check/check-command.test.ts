/**
 * `statecap check` as a command: exit codes 0/1/2, expectations validated before any capture is
 * read, failures printed with their actual values, JUnit written, the lead's analysis options
 * accepted. The analyzer is a stub returning hand-built reports, so this tests the command alone.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { register, runCheckCommand } from '../../src/cli/commands/check.js';
import type { CommandDeps } from '../../src/cli/commands/deps.js';
import { toAnalyzeOptions } from '../../src/cli/options.js';
import type { AnalyzeOptions } from '../../src/pipeline.js';
import type { AnyReport } from '../../src/report/schema.js';
import { failedReport, sampleReport } from '../report/factory.js';
import { parseXml } from './xml.js';

const dir = mkdtempSync(join(tmpdir(), 'statecap-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Harness {
  deps: CommandDeps;
  out: string[];
  err: string[];
  analyzed: { path: string; options: AnalyzeOptions }[];
}

function harness(): Harness {
  const h: Harness = { out: [], err: [], analyzed: [], deps: undefined as unknown as CommandDeps };
  h.deps = {
    analyze: async (path: string, options: AnalyzeOptions): Promise<AnyReport> => {
      h.analyzed.push({ path, options });
      return path.startsWith('broken') ? failedReport(path, `${path}: not a capture file (magic 0x7f454c46)`) : sampleReport(path);
    },
    toAnalyzeOptions,
    out: (t) => h.out.push(t),
    err: (t) => h.err.push(t),
    color: false,
  };
  return h;
}

describe('runCheckCommand', () => {
  it('exits 0 when every expectation holds for every capture', async () => {
    const h = harness();
    const code = await runCheckCommand(['a.pcap', 'b.pcap'], { expect: ['tcp.flows == 4', 'endpoint[10.0.0.53:53].verdict == stateless'], format: 'table' }, h.deps);
    expect(code).toBe(0);
    expect(h.out.join('')).toContain('4 passed, 0 failed');
    expect(h.err).toEqual([]);
  });

  it('exits 1 when one fails, printing the actual value and where to look', async () => {
    const h = harness();
    const code = await runCheckCommand(['a.pcap'], { expect: ['tcp.flows >= 1', 'tcp.retransmissions == 0'], format: 'table' }, h.deps);
    expect(code).toBe(1);
    const out = h.out.join('');
    expect(out).toContain('FAIL tcp.retransmissions == 0 (actual 2)');
    expect(out).toContain('TCP flow 3 10.0.0.1:51002 → 10.0.0.2:443 (packets #14–#24)');
  });

  it('exits 2 for an unknown metric, naming it, before reading any capture', async () => {
    const h = harness();
    const code = await runCheckCommand(['a.pcap'], { expect: ['tcp.flows >= 1', 'tcp.flowz > 1'], format: 'table' }, h.deps);
    expect(code).toBe(2);
    expect(h.analyzed).toEqual([]);
    expect(h.err).toHaveLength(1);
    expect(h.err[0]).toMatch(/^statecap: expectation "tcp\.flowz > 1": unknown metric "tcp\.flowz"/);
    expect(h.err[0].trimEnd().split('\n')).toHaveLength(1);
  });

  it('exits 2 for an unreadable capture, still checking the others', async () => {
    const h = harness();
    const code = await runCheckCommand(['broken.pcap', 'a.pcap'], { expect: ['tcp.flows == 4'], format: 'table' }, h.deps);
    expect(code).toBe(2);
    expect(h.err).toEqual(['statecap: broken.pcap: not a capture file (magic 0x7f454c46)\n']);
    expect(h.out.join('')).toContain('1 passed, 0 failed, 1 error\n');
  });

  it('exits 2 for a bad analysis option value, with one line', async () => {
    const h = harness();
    const code = await runCheckCommand(['a.pcap'], { expect: ['tcp.flows == 4'], format: 'table', dnsTimeout: 'soon' }, h.deps);
    expect(code).toBe(2);
    expect(h.err).toEqual(["statecap: option --dns-timeout: 'soon' is not a number from 0 to 9007199254740991\n"]);
  });

  it('writes JUnit XML next to the normal output', async () => {
    const h = harness();
    const junit = join(dir, 'results.xml');
    const code = await runCheckCommand(['a.pcap', 'broken.pcap'], { expect: ['dns.late == 0'], format: 'table', junit }, h.deps);
    expect(code).toBe(2);
    const { root, problems } = parseXml(readFileSync(junit, 'utf8'));
    expect(problems).toEqual([]);
    expect(root?.attributes).toMatchObject({ tests: '2', failures: '1', errors: '1' });
  });

  it('prints JSON, NDJSON and markdown', async () => {
    const json = harness();
    expect(await runCheckCommand(['a.pcap'], { expect: ['quic.connections == 2'], format: 'json' }, json.deps)).toBe(0);
    expect(JSON.parse(json.out.join(''))).toMatchObject({ passed: 1, failed: 0, errors: 0, results: [{ metric: 'quic.connections', actual: 2, expected: 2 }] });

    const nd = harness();
    await runCheckCommand(['a.pcap', 'b.pcap'], { expect: ['quic.connections == 2'], format: 'ndjson' }, nd.deps);
    const lines = nd.out.join('').trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; capture: string });
    expect(lines.map((l) => [l.type, l.capture])).toEqual([['expectation', 'a.pcap'], ['expectation', 'b.pcap']]);

    const md = harness();
    await runCheckCommand(['a.pcap'], { expect: ['quic.connections == 3'], format: 'markdown' }, md.deps);
    expect(md.out.join('')).toMatch(/^# statecap check: 0 passed, 1 failed\n/);
  });

  it('rejects an unknown format', async () => {
    const h = harness();
    expect(await runCheckCommand(['a.pcap'], { expect: ['tcp.flows == 4'], format: 'xml' }, h.deps)).toBe(2);
    expect(h.err).toEqual(['statecap: --format xml is not one of table, json, markdown, ndjson\n']);
  });
});

describe('register', () => {
  /** Stands in for the lead's addAnalysisOptions. */
  function addAnalysisOptions(cmd: Command): Command {
    return cmd
      .option('--dns-timeout <seconds>', 'late threshold', '5')
      .option('--dns-port <port...>');
  }

  it('parses the command line and passes analysis options through', async () => {
    const h = harness();
    const program = new Command('statecap').exitOverride();
    register(program, { ...h.deps, addAnalysisOptions });
    const before = process.exitCode;
    await program.parseAsync(['check', 'a.pcap', '--dns-timeout', '2', '--dns-port', '5353', '--format', 'markdown',
      '--expect', 'dns.late == 1', 'tcp.flows >= 1'], { from: 'user' });
    expect(process.exitCode).toBe(0);
    process.exitCode = before;
    expect(h.analyzed).toEqual([{ path: 'a.pcap', options: { dnsTimeout: 2, dnsPorts: [5353] } }]);
    expect(h.out.join('')).toMatch(/^# statecap check: 2 passed, 0 failed/);
  });
});
