/**
 * The "Beyond one machine" path: one export per capture (as fleet jobs write them), queried as one
 * by `statecap sql` and by the README's DuckDB statements, which must run as printed. Also keeps
 * the README's generated schema and ClickHouse DDL equal to the table declarations.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/schema.js';
import { clickhouseDdl, exportSchemaMarkdown } from '../../src/export/schema-doc.js';
import { ROOT } from '../cli/run.js';
import { statecap } from './run.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'statecap-fleet-'));
const exports = join(dir, 'exports');
// Two captures served by the same DNS server, 127.53.0.1:53 (UDP, then TCP after truncation).
const CAPTURES = ['fixtures/dns-tc-retry.pcap', 'fixtures/dns-udp-tcp.pcap'];
let reports: Report[];
let quic: Report;

beforeAll(async () => {
  // One job per capture, each into its own folder two levels down (host/capture), as in the README.
  const [a, b, json, q, quicJson] = await Promise.all([
    statecap(['export', '--jobs', '1', '--to', join(exports, 'lb1', 'tc-retry'), CAPTURES[0]]),
    statecap(['export', '--jobs', '1', '--to', join(exports, 'lb2', 'udp-tcp'), CAPTURES[1]]),
    statecap(['analyze', '-f', 'json', ...CAPTURES]),
    statecap(['export', '--jobs', '1', '--to', join(dir, 'quic'), 'fixtures/quic-loopback.pcap']),
    statecap(['analyze', '-f', 'json', 'fixtures/quic-loopback.pcap']),
  ]);
  expect([a.status, b.status, q.status, a.stderr + b.stderr + q.stderr]).toEqual([0, 0, 0, '']);
  reports = JSON.parse(json.stdout) as Report[];
  quic = JSON.parse(quicJson.stdout) as Report;
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Per server over both captures: captures, most bytes held, always stateful (the README query, by hand). */
function serversByHand(): { endpoint: string; captures: number; max_peak_bytes: number; always_stateful: boolean }[] {
  const by = new Map<string, { endpoint: string; captures: number; max_peak_bytes: number; always_stateful: boolean }>();
  for (const e of reports.flatMap((r) => r.endpoints).filter((x) => x.role === 'server')) {
    const s = by.get(e.endpoint) ?? { endpoint: e.endpoint, captures: 0, max_peak_bytes: 0, always_stateful: true };
    s.captures++;
    s.max_peak_bytes = Math.max(s.max_peak_bytes, e.peakBytes.bytes);
    s.always_stateful &&= e.verdict === 'stateful';
    by.set(e.endpoint, s);
  }
  return [...by.values()].sort((x, y) => y.max_peak_bytes - x.max_peak_bytes || x.endpoint.localeCompare(y.endpoint));
}

// The tests only read the exports made above: side by side.
describe.concurrent('a fleet of exports', () => {
  it('statecap sql reads every export below the folder as one', async () => {
    const [r, peak] = await Promise.all([
      statecap(['sql', exports, '-f', 'json', 'SELECT capture_id, capture_path, packets FROM captures ORDER BY capture_path']),
      statecap(['sql', exports, '-f', 'json', '--query', 'peak-state']),
    ]);
    expect(r.stderr).toBe('');
    // Each job exported one capture, so both are capture 1 of their export; the path tells them apart.
    expect(JSON.parse(r.stdout)).toEqual(CAPTURES.map((path, i) => ({ capture_id: 1, capture_path: path, packets: reports[i].capture.packets })));
    const shared = (JSON.parse(peak.stdout) as { endpoint: string; captures: number }[]).find((row) => row.endpoint === '127.53.0.1:53/udp');
    expect(shared?.captures).toBe(2);
  });

  it("the README's DuckDB statements run as printed (with the local folder for the bucket)", async () => {
    const block = /```sql\n(INSTALL httpfs;[\s\S]*?)```/.exec(README)?.[1];
    expect(block).toBeDefined();
    const statements = block!
      .replace('INSTALL httpfs; LOAD httpfs;\n', '') // no network here: the files are local
      .replace('s3://ops-captures/statecap/**/endpoints.parquet', `${exports}/**/endpoints.parquet`);
    const [create, select] = statements.split(';').map((s) => s.trim()).filter((s) => s.length > 0);
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    try {
      await db.run(create);
      const got = (await db.runAndReadAll(select)).getRowObjectsJS().map((r) => ({ ...r, captures: Number(r.captures), max_peak_bytes: Number(r.max_peak_bytes) }));
      expect(got).toEqual(serversByHand());
      expect(got.length).toBeGreaterThan(0);
    } finally {
      db.closeSync();
      instance.closeSync();
    }
  });
});

describe.concurrent('never-restart-safe on a capture with an endpoint never idle', () => {
  it('lists the QUIC client of quic-loopback, which holds a connection from the first packet to the last', async () => {
    const r = await statecap(['sql', join(dir, 'quic'), '-f', 'json', '--query', 'never-restart-safe']);
    expect(r.stderr).toBe('');
    // By hand from the report: stateful endpoints with no idle time at all.
    const want = quic.endpoints.filter((e) => e.verdict === 'stateful' && e.idleSeconds === 0).map((e) => ({
      endpoint: e.endpoint, role: e.role, captures: 1, max_peak_entries: e.peak.entries, max_peak_bytes: e.peakBytes.bytes,
    }));
    expect(want.map((w) => [w.endpoint, w.role])).toEqual([['127.0.0.1', 'client']]);
    expect(JSON.parse(r.stdout)).toEqual(want);
  });
});

describe('the README documents the export as declared', () => {
  const between = (marker: string): string => {
    const m = new RegExp(`<!-- ${marker}:begin[^>]*-->\\n([\\s\\S]*?)<!-- ${marker}:end -->`).exec(README);
    return m?.[1] ?? '';
  };

  it('the table list is the one generated from src/export/tables.ts', () => {
    expect(between('export-schema')).toBe(exportSchemaMarkdown());
  });

  it('the ClickHouse DDL of endpoints is the generated one', () => {
    expect(between('clickhouse-endpoints')).toBe(`\`\`\`sql\n${clickhouseDdl('endpoints')}\`\`\`\n`);
  });
});
