/**
 * export and sql on mistakes: a folder that is not ours, captures that cannot be read among good
 * ones, SQL that DuckDB refuses. One stderr line each, exit 2, and everything computable still done.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../cli/run.js';
import { MAIN, statecap } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'statecap-export-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines = (text: string): string[] => text.split('\n').filter((l) => l.length > 0);

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    return (await db.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

// Every test works in its own folder: all of them (and the describes, consecutive concurrent ones) run side by side.
describe.concurrent('statecap export refuses a folder that is not its own', () => {
  it('leaves a non-empty folder without a manifest untouched, one line, exit 2', async () => {
    const mine = join(dir, 'photos');
    mkdirSync(mine);
    writeFileSync(join(mine, 'holiday.jpg'), 'not ours');
    const r = await statecap(['export', '--to', mine, 'fixtures/quickstart.pcap']);
    expect(r.status).toBe(2);
    expect(lines(r.stderr)).toEqual([`statecap: ${mine}: exists and is not a statecap export (no statecap-export.json); give a new or empty folder`]);
    expect(readdirSync(mine)).toEqual(['holiday.jpg']);
  });

  it('refuses standard input, which the analysis workers cannot read', async () => {
    const r = await statecap(['export', '--to', join(dir, 'stdin'), '-']);
    expect(r.status).toBe(2);
    expect(lines(r.stderr)).toEqual(['statecap: export reads capture files, not standard input (-): save the capture to a file first']);
  });

  it('refuses a file given as the folder', async () => {
    const f = join(dir, 'a-file');
    writeFileSync(f, 'x');
    const r = await statecap(['export', '--to', f, 'fixtures/quickstart.pcap']);
    expect(r.status).toBe(2);
    expect(lines(r.stderr)).toEqual([`statecap: ${f}: exists and is not a folder`]);
  });
});

// Two exports one after the other, then three sql runs (each process loads DuckDB), beside the
// file's other tests: on a loaded 2-core machine that passed the default 20 s once (a hang still fails at 60 s).
describe.concurrent('statecap export with captures that fail', { timeout: 60_000 }, () => {
  it('gives each its captures row with the error, exports the others, exit 2', async () => {
    const notCapture = join(dir, 'notes.txt');
    writeFileSync(notCapture, 'hello, this is not a capture at all\n');
    const missing = join(dir, 'missing.pcap');
    // quickstart.pcap with an absurd captured length in record 20: read up to there, then an error.
    const bytes = readFileSync(join(ROOT, 'fixtures/quickstart.pcap'));
    let offset = 24; // pcap file header; then 16-byte record headers, captured length at +8, original at +12
    for (let n = 1; n < 20; n++) offset += 16 + bytes.readUInt32LE(offset + 8);
    bytes.writeUInt32LE(0x7fffffff, offset + 8);
    bytes.writeUInt32LE(0x7fffffff, offset + 12);
    const cut = join(dir, 'corrupt.pcap');
    writeFileSync(cut, bytes);
    const out = join(dir, 'mixed');
    const r = await statecap(['export', '--jobs', '2', '--to', out, 'fixtures/dns-unanswered.pcap', notCapture, missing, cut]);
    expect(r.status).toBe(2);
    const errors = lines(r.stderr);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(new RegExp(`^statecap: ${notCapture}: `));
    expect(errors[1]).toMatch(new RegExp(`^statecap: ${missing}: `));
    expect(errors[2]).toMatch(new RegExp(`^statecap: ${cut}: `));
    expect(r.stdout).toContain(`${out}: 4 captures, 3 with errors`);

    const captures = await query(`SELECT capture_id, capture_path, error, packets FROM '${out}/captures.parquet' ORDER BY capture_id`);
    // Rows in input order; the unreadable ones have only their error; the corrupt one its 19 packets before record 20.
    expect(captures).toEqual([
      { capture_id: 1, capture_path: 'fixtures/dns-unanswered.pcap', error: null, packets: 2n },
      { capture_id: 2, capture_path: notCapture, error: errors[0].slice('statecap: '.length), packets: null },
      { capture_id: 3, capture_path: missing, error: errors[1].slice('statecap: '.length), packets: null },
      { capture_id: 4, capture_path: cut, error: errors[2].slice('statecap: '.length), packets: 19n },
    ]);
    const flows = await query(`SELECT capture_id, count(*) AS n FROM '${out}/tcp_flows.parquet' GROUP BY ALL ORDER BY 1`);
    // quickstart's TCP connections start at packets 3, 13 and 23: two begin before the damage; dns-unanswered has none.
    expect(flows).toEqual([{ capture_id: 4, n: 2n }]);
    const dns = await query(`SELECT capture_id, count(*) AS n FROM '${out}/dns_transactions.parquet' GROUP BY ALL ORDER BY 1`);
    expect(dns.map((d) => d.capture_id)).toEqual([1, 4]);
  });

  it('replaces an earlier export of its own', async () => {
    const out = join(dir, 'again');
    expect((await statecap(['export', '--jobs', '1', '--to', out, 'fixtures/quickstart.pcap', 'fixtures/dns-icmp.pcap'])).status).toBe(0);
    const r = await statecap(['export', '--jobs', '1', '--to', out, 'fixtures/dns-icmp.pcap']);
    expect(r.status).toBe(0);
    expect(await query(`SELECT capture_id, capture_path FROM '${out}/captures.parquet'`)).toEqual([{ capture_id: 1, capture_path: 'fixtures/dns-icmp.pcap' }]);
    expect(readdirSync(out).sort()).toEqual([
      'captures.parquet', 'dns_transactions.parquet', 'endpoint_timeline.parquet', 'endpoints.parquet', 'http_exchanges.parquet',
      'icmp_flows.parquet', 'quic_connections.parquet', 'restart_windows.parquet', 'statecap-export.json', 'tcp_flows.parquet',
      'tcp_transitions.parquet', 'udp_flows.parquet',
    ]);

    // sql on it: an error DuckDB raises is one line, exit 2; a good query prints JSON rows.
    const [bad, syntax, ok] = await Promise.all([
      statecap(['sql', out, 'SELECT nope FROM tcp_flows']),
      statecap(['sql', out, 'SELEC 1']),
      statecap(['sql', out, '-f', 'json', 'SELECT capture_id, qname, outcome FROM dns_transactions']),
    ]);
    expect(bad.status).toBe(2);
    expect(lines(bad.stderr)).toEqual(['statecap: Binder Error: Referenced column "nope" not found in FROM clause!']);
    expect(syntax.status).toBe(2);
    expect(lines(syntax.stderr)).toEqual(['statecap: Parser Error: syntax error at or near "SELEC"']);
    expect(ok.status).toBe(0);
    // dns-icmp.pcap: one query for a.statecap.test, refused by an ICMP port unreachable.
    expect(JSON.parse(ok.stdout)).toEqual([{ capture_id: 1, qname: 'a.statecap.test', outcome: 'rejected' }]);
  });
});

describe.concurrent('statecap sql on mistakes', { timeout: 60_000 }, () => {
  it('a folder that is not an export, an unknown named query: one line, exit 2', async () => {
    const [notExport, unknown, neither] = await Promise.all([
      statecap(['sql', join(ROOT, 'fixtures'), 'SELECT 1']),
      statecap(['sql', join(ROOT, 'fixtures'), '--query', 'nope']),
      statecap(['sql', join(ROOT, 'fixtures')]),
    ]);
    expect(notExport.status).toBe(2);
    expect(lines(notExport.stderr)).toEqual([`statecap: ${join(ROOT, 'fixtures')}: not a statecap export (no statecap-export.json in it or below it)`]);
    expect(unknown.status).toBe(2);
    expect(lines(unknown.stderr)).toEqual(['statecap: unknown query \'nope\' (known: peak-state, never-restart-safe, sticky, dns-unanswered-by-server, class-summary)']);
    expect(neither.status).toBe(2);
    expect(lines(neither.stderr)).toHaveLength(1);
  });
});

describe.concurrent('lazy loading', () => {
  it('statecap analyze never loads the DuckDB native library', async () => {
    // The diagnostic report lists the shared objects of the process: DuckDB's is duckdb.node.
    const probe = `process.argv = [process.argv[0], '${MAIN}', 'analyze', '-f', 'json', 'fixtures/quickstart.pcap'];
      process.stdout.write = () => true;
      await import('${MAIN}');
      console.error(process.report.getReport().sharedObjects.filter((s) => s.includes('duckdb')).length);`;
    const r = await statecap(['--input-type=module', '-e', probe], { node: true });
    expect(r.stderr.trim()).toBe('0');
  });
});
