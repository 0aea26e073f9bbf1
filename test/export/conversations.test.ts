/**
 * The udp_flows, icmp_flows and http_exchanges tables, read back with DuckDB and compared with the
 * JSON report of fixtures/conversations.pcap (which has all three), and `export --continuous`: the
 * same capture split with `editcap -c` exports the same rows as the whole file, table by table.
 * The three spawns run side by side.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/schema.js';
import { TABLES } from '../../src/export/tables.js';
import { ROOT } from '../cli/run.js';
import { big, readBack, statecap, us, type ReadBack, type Run } from './run.js';

const FIXTURE = 'fixtures/conversations.pcap';
const hasEditcap = spawnSync('editcap', ['-v']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'statecap-export-conv-'));
const whole = join(dir, 'whole');
const joined = join(dir, 'continuous');
let parts: string[] = [];
let report: Report;
let wholeRun: Run;
let joinedRun: Run | null = null;
let reversedRun: Run | null = null;
const reversed = join(dir, 'reversed');
let db: ReadBack;

beforeAll(async () => {
  if (hasEditcap) {
    // 288 packets every 50: six files, cutting TCP, UDP and HTTP conversations mid-way.
    mkdirSync(join(dir, 'parts'));
    expect(spawnSync('editcap', ['-F', 'pcap', '-c', '50', join(ROOT, FIXTURE), join(dir, 'parts', 'part.pcap')]).status).toBe(0);
    parts = readdirSync(join(dir, 'parts')).sort().map((f) => join(dir, 'parts', f));
  }
  const [w, analyzed, j, rev] = await Promise.all([
    statecap(['export', '--jobs', '1', '--to', whole, FIXTURE]),
    statecap(['analyze', '-f', 'json', FIXTURE]),
    hasEditcap ? statecap(['export', '--continuous', '--jobs', '2', '--to', joined, ...parts]) : Promise.resolve(null),
    hasEditcap ? statecap(['export', '--continuous', '--jobs', '1', '--to', reversed, parts[1], parts[0]]) : Promise.resolve(null),
  ]);
  reversedRun = rev;
  wholeRun = w;
  joinedRun = j;
  report = JSON.parse(analyzed.stdout) as Report;
  db = await readBack();
}, 60_000);
afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const rows = (sql: string): Promise<Record<string, unknown>[]> => db.rows(sql);
const file = (folder: string, table: string): string => `'${join(folder, `${table}.parquet`)}'`;
/** "address:port" (the fixture is IPv4) or a bare address (ICMP). */
const split = (e: string): { ip: string; port: number | null } => {
  const [ip, port] = e.split(':');
  return { ip, port: port === undefined ? null : Number(port) };
};

describe('udp_flows, icmp_flows and http_exchanges', () => {
  it('exports the fixture without errors', () => {
    expect(wholeRun.stderr).toBe('');
    expect(wholeRun.status).toBe(0);
    // conversations.pcap: two UDP flows (echo on :7007, a stream on :9009), one ping, nine HTTP exchanges.
    expect(wholeRun.stdout).toMatch(/udp_flows +2 rows +udp_flows\.parquet/);
    expect(wholeRun.stdout).toMatch(/icmp_flows +1 rows +icmp_flows\.parquet/);
    expect(wholeRun.stdout).toMatch(/http_exchanges +9 rows +http_exchanges\.parquet/);
  });

  for (const proto of ['udp', 'icmp'] as const) {
    it(`${proto}_flows: every flow of \`${proto}.flows\`, value for value`, async () => {
      const got = await rows(`SELECT capture_id, capture_path, id, client, client_ip, client_port, server, server_ip, server_port,
        first_packet, last_packet, epoch_us(start) AS start_us, epoch_us(end_time) AS end_us, duration, packets_client, packets_server,
        payload_bytes_client, payload_bytes_server, conn_state, exchanges, unanswered, pattern, ended, state_server_socket_demux,
        state_middlebox_conntrack_from_packet, state_middlebox_conntrack_to_packet, state_middlebox_conntrack_seconds
        FROM ${file(whole, `${proto}_flows`)} ORDER BY id`);
      expect(got.length).toBe(proto === 'udp' ? 2 : 1);
      expect(got).toEqual(report[proto].flows.map((f) => ({
        capture_id: 1,
        capture_path: FIXTURE,
        id: big(f.id),
        client: f.client,
        client_ip: split(f.client).ip,
        client_port: split(f.client).port,
        server: f.server,
        server_ip: split(f.server).ip,
        server_port: split(f.server).port,
        first_packet: big(f.firstPacket),
        last_packet: big(f.lastPacket),
        start_us: us(f.start),
        end_us: us(f.end),
        duration: f.duration,
        packets_client: big(f.packets.client),
        packets_server: big(f.packets.server),
        payload_bytes_client: big(f.payloadBytes.client),
        payload_bytes_server: big(f.payloadBytes.server),
        conn_state: f.connState,
        exchanges: big(f.exchanges),
        unanswered: big(f.unanswered),
        pattern: f.pattern,
        ended: f.ended,
        state_server_socket_demux: f.state.serverSocketDemux,
        state_middlebox_conntrack_from_packet: big(f.state.middleboxConntrack.fromPacket),
        state_middlebox_conntrack_to_packet: big(f.state.middleboxConntrack.toPacket),
        state_middlebox_conntrack_seconds: f.state.middleboxConntrack.seconds,
      })));
    });
  }

  it('ICMP endpoints are bare addresses: no port', async () => {
    expect(await rows(`SELECT client_ip, client_port, server_ip, server_port FROM ${file(whole, 'icmp_flows')}`))
      .toEqual([{ client_ip: '127.0.0.1', client_port: null, server_ip: '127.0.0.4', server_port: null }]);
  });

  it('http_exchanges: every exchange of `http.exchanges`, cookies as names and hashes, tokens summarised', async () => {
    const got = await rows(`SELECT capture_id, capture_path, flow, client_ip, client_port, server, server_port, request_packet,
      response_packet, method, host, path, status, version, cookies_sent, cookies_sent_hashes, cookies_set, cookies_set_hashes,
      authorization_scheme, token_kind, token_alg, token_claims, token_hash
      FROM ${file(whole, 'http_exchanges')} ORDER BY request_packet`);
    expect(got).toEqual(report.http.exchanges.map((x) => ({
      capture_id: 1,
      capture_path: FIXTURE,
      flow: big(x.flow),
      client_ip: split(x.client).ip,
      client_port: split(x.client).port,
      server: x.server,
      server_port: split(x.server).port,
      request_packet: big(x.requestPacket),
      response_packet: big(x.responsePacket),
      method: x.method,
      host: x.host,
      path: x.path,
      status: x.status,
      version: x.version,
      cookies_sent: x.cookiesSent.map((c) => c.name),
      cookies_sent_hashes: x.cookiesSent.map((c) => c.hash),
      cookies_set: x.cookiesSet.map((c) => c.name),
      cookies_set_hashes: x.cookiesSet.map((c) => c.hash),
      authorization_scheme: x.authorization,
      token_kind: x.token?.kind ?? null,
      token_alg: x.token?.alg ?? null,
      token_claims: x.token?.claims ?? null,
      token_hash: x.token?.hash ?? null,
    })));
    // Two of the nine carry a Bearer JWT (HS256, claims sub role exp): its summary, never the token.
    expect(got.filter((g) => g.authorization_scheme === 'Bearer').map((g) => [g.token_kind, g.token_alg, g.token_claims]))
      .toEqual([['jwt', 'HS256', ['sub', 'role', 'exp']], ['jwt', 'HS256', ['sub', 'role', 'exp']]]);
    // Every exchange is joined to its TCP connection.
    const [{ orphans }] = await rows(`SELECT count(*) AS orphans FROM ${file(whole, 'http_exchanges')} h
      ANTI JOIN ${file(whole, 'tcp_flows')} f ON f.capture_id = h.capture_id AND f.id = h.flow`);
    expect(orphans).toBe(0n);
  });

  it('the captures row counts them, and enums are dictionary-encoded', async () => {
    expect(await rows(`SELECT udp_summary_flows, icmp_summary_flows, http_summary_exchanges, files FROM ${file(whole, 'captures')}`))
      .toEqual([{ udp_summary_flows: 2n, icmp_summary_flows: 1n, http_summary_exchanges: 9n, files: null }]);
    for (const [table, column] of [['udp_flows', 'conn_state'], ['udp_flows', 'pattern'], ['icmp_flows', 'ended'], ['http_exchanges', 'method']]) {
      const [m] = await rows(`SELECT encodings FROM parquet_metadata(${file(whole, table)}) WHERE path_in_schema = '${column}'`);
      expect(m.encodings, `${table}.${column}`).toBe('RLE_DICTIONARY');
    }
  });
});

describe.skipIf(!hasEditcap)('export --continuous', () => {
  it('exports the split files as one capture', () => {
    expect(parts).toHaveLength(6);
    expect(joinedRun?.stderr).toBe('');
    expect(joinedRun?.status).toBe(0);
    expect(joinedRun?.stdout).toContain(`${joined}: 1 capture, 0 with errors`);
  });

  it('one captures row, named by the first file, listing them all', async () => {
    const [c] = await rows(`SELECT capture_id, capture_path, files, packets FROM ${file(joined, 'captures')}`);
    expect(c).toEqual({ capture_id: 1, capture_path: parts[0], files: parts, packets: 288n });
  });

  // Every table, packet numbers included, equals the whole file's but for the capture's path.
  for (const table of TABLES.map((t) => t.name)) {
    it(`${table}: the same rows as the whole file`, async () => {
      const drop = table === 'captures' ? 'capture_path, files' : 'capture_path';
      const select = (folder: string) => `SELECT * EXCLUDE (${drop}) FROM ${file(folder, table)}`;
      const want = await rows(select(whole));
      const got = await rows(select(joined));
      if (['tcp_flows', 'udp_flows', 'icmp_flows', 'http_exchanges', 'endpoints'].includes(table)) expect(want.length).toBeGreaterThan(0);
      expect(got).toEqual(want);
      const [{ paths }] = await rows(`SELECT list(DISTINCT capture_path) AS paths FROM ${file(joined, table)}`);
      expect(paths).toEqual(want.length > 0 ? [parts[0]] : null);
    });
  }

  it('files out of time order: one line naming both, exit 2, and the captures row says why', async () => {
    const error = `${parts[0]}: starts at`;
    expect(reversedRun?.status).toBe(2);
    expect(reversedRun?.stderr).toMatch(new RegExp(`^statecap: ${error.replace(/[.]/g, '\\.')} [0-9.]+, before the end of ${parts[1].replace(/[.]/g, '\\.')} \\([0-9.]+\\): give --continuous files in time order\n$`));
    expect(reversedRun?.stdout).toContain(`${reversed}: 1 capture, 1 with errors`);
    const [c] = await rows(`SELECT capture_path, error FROM ${file(reversed, 'captures')}`);
    expect(c.capture_path).toBe(parts[1]);
    expect(c.error).toBe(reversedRun?.stderr.slice('statecap: '.length, -1));
  });
});
