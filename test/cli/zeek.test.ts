/**
 * `--format zeek` (issue 15): conn.log and dns.log in Zeek's TSV format, read back with the logic
 * of Zeek baselines' parser (../shared/tools/zeek_agreement.py `parse_log`, ported below) and, when
 * ../shared is present, with that script itself against statecap's JSON report.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, statecap, ROOT, statecapAsync, type CliResult } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'statecap-zeek-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** zeek_agreement.py's parse_log: header lines skipped, #fields names the columns, rows split on tabs. */
function parseLog(text: string): { cols: string[]; types: string[]; rows: Record<string, string>[] } {
  let cols: string[] = [];
  let types: string[] = [];
  const rows: Record<string, string>[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('#fields')) cols = line.split('\t').slice(1);
    else if (line.startsWith('#types')) types = line.split('\t').slice(1);
    else if (!line.startsWith('#')) rows.push(Object.fromEntries(line.split('\t').map((v, i) => [cols[i], v])));
  }
  return { cols, types, rows };
}

const Q = fixture('quickstart.pcap');
const out = join(dir, 'logs');
const run = statecap(['analyze', '-f', 'zeek', '-o', out, Q]);
const conn = readFileSync(join(out, 'conn.log'), 'utf8');
const dns = readFileSync(join(out, 'dns.log'), 'utf8');

/** `analyze -f json Q`, spawned once for the tests that read it. */
let jsonRun: Promise<CliResult> | undefined;
const reportJson = (): Promise<CliResult> => (jsonRun ??= statecapAsync(['analyze', '-f', 'json', Q]));

describe.concurrent('--format zeek', () => {
  it('writes both logs with Zeek\'s header, column names and types', () => {
    expect(run).toMatchObject({ status: 0, stdout: '' });
    expect(conn.split('\n').slice(0, 5)).toEqual(['#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\tconn']);
    const c = parseLog(conn);
    // Zeek 7's conn.log columns, as in the corpus baselines.
    expect(c.cols).toEqual(['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'service', 'duration', 'orig_bytes',
      'resp_bytes', 'conn_state', 'local_orig', 'local_resp', 'missed_bytes', 'history', 'orig_pkts', 'orig_ip_bytes', 'resp_pkts',
      'resp_ip_bytes', 'tunnel_parents', 'ip_proto']);
    expect(c.types).toHaveLength(c.cols.length);
    expect(parseLog(dns).cols.slice(0, 10)).toEqual(['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'trans_id', 'rtt', 'query']);
  });

  it('has a conn row per TCP flow and DNS conversation, a dns row per query, tied by uid', async () => {
    const [json] = await Promise.all([reportJson(), statecapAsync(['analyze', '-f', 'zeek', '-o', join(dir, 'again'), Q])]);
    const report = JSON.parse(json.stdout) as {
      tcp: { flows: { client: string; server: string; connState: string; history: string; payloadBytes: { client: number } }[] };
      dns: { transactions: { id: number; qname: string; rcode: string | null }[] };
    };
    const c = parseLog(conn).rows;
    const tcp = c.filter((r) => r.proto === 'tcp');
    expect(tcp.map((r) => [`${r['id.orig_h']}:${r['id.orig_p']}`, `${r['id.resp_h']}:${r['id.resp_p']}`, r.conn_state, r.history, Number(r.orig_bytes)]))
      .toEqual(report.tcp.flows.map((f) => [f.client, f.server, f.connState, f.history, f.payloadBytes.client]));
    // Three UDP DNS conversations: two answered (SF), the one rejected by ICMP never answered (S0).
    expect(c.filter((r) => r.proto === 'udp').map((r) => [r.service, r.conn_state, r.history])).toEqual([['dns', 'SF', 'Dd'], ['dns', 'SF', 'Dd'], ['dns', 'S0', 'D']]);
    const d = parseLog(dns).rows;
    expect(d.map((r) => [Number(r.trans_id), r.query, r.rcode_name])).toEqual(report.dns.transactions.map((t) => [t.id, t.qname, t.rcode ?? '-']));
    const uids = new Set(c.map((r) => r.uid));
    expect(d.every((r) => uids.has(r.uid))).toBe(true);
    expect(c.find((r) => r.proto === 'tcp' && r['id.resp_p'] === '53')?.service).toBe('dns'); // DNS over TCP
    // The same capture gives the same uids (the second run, into 'again', made above).
    expect(readFileSync(join(dir, 'again', 'conn.log'), 'utf8')).toBe(conn);
  });

  const tools = join(ROOT, '..', 'shared', 'tools', 'zeek_agreement.py');
  it.skipIf(!existsSync(tools))('agrees with statecap\'s JSON when read by zeek_agreement.py', async () => {
    const json = join(dir, 'report.json');
    writeFileSync(json, (await reportJson()).stdout);
    const script = [
      'import sys, json', `sys.path.insert(0, ${JSON.stringify(join(ROOT, '..', 'shared', 'tools'))})`, 'import zeek_agreement as z',
      `rep = json.load(open(${JSON.stringify(json)}))`,
      `_, conn = z.parse_log(open(${JSON.stringify(join(out, 'conn.log'))}).read())`,
      `_, dns = z.parse_log(open(${JSON.stringify(join(out, 'dns.log'))}).read())`,
      'print(json.dumps([list(z.conn_compare(conn, rep)[:3]), list(z.dns_compare(dns, rep)[:2])]))',
    ].join('\n');
    const p = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
    expect(p.stderr).toBe('');
    // 3 TCP rows, conn_state and history all agreeing; 4 distinct DNS (trans_id, query) pairs all agreeing.
    expect(JSON.parse(p.stdout)).toEqual([[3, 3, 3], [4, 4]]);
  });
});
