/**
 * `statecap export` on the committed fixtures, read back with DuckDB: every table holds the rows
 * of the JSON reports of the same captures, value for value (the expected side below reads the
 * JSON by hand, never through src/export), and the files are valid Parquet with the documented types.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/schema.js';
import { ROOT } from '../cli/run.js';
import { big, readBack, statecap, us, type ReadBack, type Run } from './run.js';

/** The committed fixtures (named, so that the hand-written numbers below stay theirs), in the order given to both commands. */
const FIXTURES = ['dns-icmp', 'dns-tc-retry', 'dns-udp-tcp', 'dns-unanswered', 'quic-loopback', 'quickstart'].map((f) => `fixtures/${f}.pcap`);

const dir = mkdtempSync(join(tmpdir(), 'statecap-export-'));
const out = join(dir, 'export');
let reports: Report[];
let db: ReadBack;
let exportRun: Run;

beforeAll(async () => {
  // Two workers, so that captures finish out of order and the in-order append is exercised.
  const [exported, analyzed] = await Promise.all([
    statecap(['export', '--jobs', '2', '--to', out, ...FIXTURES]),
    statecap(['analyze', '-f', 'json', ...FIXTURES]),
  ]);
  exportRun = exported;
  reports = JSON.parse(analyzed.stdout) as Report[];
  db = await readBack();
}, 60_000);
afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const rows = (sql: string): Promise<Record<string, unknown>[]> => db.rows(sql);

const file = (table: string): string => `'${join(out, `${table}.parquet`)}'`;

/** Expected rows of a child list, each with its capture's id (1-based input position) and path. */
function expected<T>(list: (r: Report) => T[], row: (x: T, r: Report) => Record<string, unknown>): Record<string, unknown>[] {
  return reports.flatMap((r, i) => list(r).map((x) => ({ capture_id: i + 1, capture_path: r.capture.path, ...row(x, r) })));
}

describe('statecap export of the fixtures', () => {
  it('exits 0 and lists every table with its row count', () => {
    expect(exportRun.stderr).toBe('');
    expect(exportRun.status).toBe(0);
    const flows = reports.reduce((n, r) => n + r.tcp.flows.length, 0);
    expect(exportRun.stdout).toContain(`${out}: ${FIXTURES.length} captures, 0 with errors`);
    expect(exportRun.stdout).toMatch(new RegExp(`tcp_flows +${flows} rows +tcp_flows\\.parquet`));
    const manifest = JSON.parse(readFileSync(join(out, 'statecap-export.json'), 'utf8'));
    expect(manifest).toMatchObject({ schema: 'statecap/export-v1', reportSchema: 'statecap/report-v1', complete: true, captures: FIXTURES.length });
  });

  it('captures: one row per capture in input order, with the summary counts', async () => {
    const got = await rows(`SELECT capture_id, capture_path, error, format, packets, bytes, epoch_us(first_time) AS first_us,
      epoch_us(last_time) AS last_us, link_types, tcp_summary_flows, dns_summary_queries, dns_summary_unanswered,
      dns_summary_rtt_median, quic_summary_connections, options_dns_ports, warnings,
      map_keys(dns_summary_rcodes) AS rcode_names, map_values(dns_summary_rcodes) AS rcode_counts FROM ${file('captures')} ORDER BY capture_id`);
    expect(got).toEqual(reports.map((r, i) => ({
      capture_id: i + 1,
      capture_path: FIXTURES[i],
      error: null,
      format: r.capture.format,
      packets: big(r.capture.packets),
      bytes: big(r.capture.bytes),
      first_us: us(r.capture.firstTime),
      last_us: us(r.capture.lastTime),
      link_types: r.capture.linkTypes,
      tcp_summary_flows: big(r.tcp.summary.flows),
      dns_summary_queries: big(r.dns.summary.queries),
      dns_summary_unanswered: big(r.dns.summary.unanswered),
      dns_summary_rtt_median: r.dns.summary.rttMedian,
      quic_summary_connections: big(r.quic.summary.connections),
      options_dns_ports: r.options.dnsPorts,
      warnings: r.warnings,
      rcode_names: Object.keys(r.dns.summary.rcodes),
      rcode_counts: Object.values(r.dns.summary.rcodes).map(big),
    })));
  });

  it('tcp_flows: every flow, with endpoints split into address and port', async () => {
    const got = await rows(`SELECT capture_id, capture_path, id, client, client_ip, client_port, server_ip, server_port,
      first_packet, last_packet, packets, payload_bytes_client, payload_bytes_server, epoch_us(start) AS start_us,
      epoch_us(end_time) AS end_us, handshake, final_state_client, final_state_server, closed_by, conn_state, history,
      analysis_retransmissions, handshake_rtt, directions_client_isn, directions_server_mss, directions_client_sack_permitted,
      tunnel, classification_transport, classification_sticky_routing
      FROM ${file('tcp_flows')} ORDER BY capture_id, id`);
    expect(got.length).toBeGreaterThan(0);
    expect(got).toEqual(expected((r) => r.tcp.flows, (f) => ({
      id: big(f.id),
      client: f.client,
      client_ip: f.client.split(':')[0], // the fixtures are IPv4: "address:port"
      client_port: Number(f.client.split(':')[1]),
      server_ip: f.server.split(':')[0],
      server_port: Number(f.server.split(':')[1]),
      first_packet: big(f.firstPacket),
      last_packet: big(f.lastPacket),
      packets: big(f.packets),
      payload_bytes_client: big(f.payloadBytes.client),
      payload_bytes_server: big(f.payloadBytes.server),
      start_us: us(f.start),
      end_us: us(f.end),
      handshake: f.handshake,
      final_state_client: f.finalState.client,
      final_state_server: f.finalState.server,
      closed_by: f.closedBy,
      conn_state: f.connState,
      history: f.history,
      analysis_retransmissions: big(f.analysis.retransmissions),
      handshake_rtt: f.handshakeRtt,
      directions_client_isn: f.directions.client.isn,
      directions_server_mss: f.directions.server.mss,
      directions_client_sack_permitted: f.directions.client.sackPermitted,
      tunnel: f.tunnel,
      classification_transport: f.classification?.transport,
      classification_sticky_routing: f.classification?.stickyRouting,
    })));
  });

  it('tcp_transitions: every state change of every flow, in report order', async () => {
    const got = await rows(`SELECT capture_id, capture_path, flow_id, packet, epoch_us(time) AS time_us, endpoint, from_state, to_state
      FROM ${file('tcp_transitions')}`);
    expect(got.length).toBeGreaterThan(0);
    expect(got).toEqual(expected((r) => r.tcp.flows.flatMap((f) => f.transitions.map((t) => ({ f, t }))), ({ f, t }) => ({
      flow_id: big(f.id), packet: big(t.packet), time_us: us(t.time), endpoint: t.endpoint, from_state: t.from, to_state: t.to,
    })));
  });

  it('dns_transactions: every transaction with its packets, outcome and flags', async () => {
    const got = await rows(`SELECT capture_id, capture_path, index, id, client_ip, client_port, server, transport, qname, qtype,
      query_packets, response_packets, epoch_us(query_time) AS query_us, epoch_us(response_time) AS response_us, rtt, rcode,
      flags_aa, flags_tc, answers, outcome, retried_over_tcp, id_reused FROM ${file('dns_transactions')}`);
    expect(got.length).toBeGreaterThan(0);
    expect(got).toEqual(expected((r) => r.dns.transactions, (t) => ({
      index: big(t.index),
      id: t.id,
      client_ip: t.client.split(':')[0],
      client_port: Number(t.client.split(':')[1]),
      server: t.server,
      transport: t.transport,
      qname: t.qname,
      qtype: t.qtype,
      query_packets: t.queryPackets.map(big),
      response_packets: t.responsePackets.map(big),
      query_us: us(t.queryTime),
      response_us: us(t.responseTime),
      rtt: t.rtt,
      rcode: t.rcode,
      flags_aa: t.flags?.aa ?? null,
      flags_tc: t.flags?.tc ?? null,
      answers: big(t.answers),
      outcome: t.outcome,
      retried_over_tcp: big(t.retriedOverTcp),
      id_reused: t.idReused,
    })));
  });

  it('quic_connections: every connection with its CIDs, ALPN and transport parameters', async () => {
    const got = await rows(`SELECT capture_id, id, server_port, version, client_initial_dcid, cids_server, datagrams,
      bytes_client, handshake, server_name, alpn, transport_parameters['max_idle_timeout'] AS idle, epoch_us(end_time) AS end_us
      FROM ${file('quic_connections')}`);
    expect(got.length).toBeGreaterThan(0);
    expect(got).toEqual(expected((r) => r.quic.connections, (c) => ({
      id: big(c.id),
      server_port: Number(c.server.split(':')[1]),
      version: c.version,
      client_initial_dcid: c.clientInitialDcid,
      cids_server: c.cids.server,
      datagrams: big(c.datagrams),
      bytes_client: big(c.bytes.client),
      handshake: c.handshake,
      server_name: c.serverName,
      alpn: c.alpn,
      idle: c.transportParameters?.max_idle_timeout === undefined ? null : String(c.transportParameters.max_idle_timeout),
      end_us: us(c.end),
    })).map(({ capture_path: _, ...rest }) => rest));
  });

  it('endpoints: every ledger row with its verdict, peaks and restart analysis', async () => {
    const got = await rows(`SELECT capture_id, capture_path, endpoint, endpoint_ip, endpoint_port, role, transport, verdict, reasons, sticky_routing,
      peak_entries, peak_bytes, epoch_us(peak_time) AS peak_us, peak_bytes_bytes, peak_bytes_packet, mean_bytes, at_end_bytes,
      idle_seconds, idle_window_count, longest_idle_seconds, restart_at_packet, restart_basis, restart_breaks_tcp, restart_breaks_quic
      FROM ${file('endpoints')}`);
    expect(got).toEqual(expected((r) => r.endpoints, (e) => {
      // Clients are a bare address, servers address:port, with /udp or /tcp when one ip:port serves both.
      const [ip, port] = e.endpoint.replace(/\/(tcp|udp)$/, '').split(':');
      return {
        endpoint: e.endpoint,
        endpoint_ip: ip,
        endpoint_port: port === undefined ? null : Number(port),
        role: e.role,
        transport: e.transport ?? null,
        verdict: e.verdict,
        reasons: e.reasons,
        sticky_routing: e.stickyRouting,
        peak_entries: big(e.peak.entries),
        peak_bytes: big(e.peak.bytes),
        peak_us: us(e.peak.time),
        peak_bytes_bytes: big(e.peakBytes.bytes),
        peak_bytes_packet: big(e.peakBytes.packet),
        mean_bytes: e.meanBytes,
        at_end_bytes: big(e.atEnd.bytes),
        idle_seconds: e.idleSeconds,
        idle_window_count: big(e.idleWindowCount),
        longest_idle_seconds: e.longestIdle?.seconds ?? null,
        restart_at_packet: big(e.restart?.at.packet ?? null),
        restart_basis: e.restart?.basis ?? null,
        restart_breaks_tcp: e.restart ? e.restart.breaks.tcp.map(big) : null,
        restart_breaks_quic: e.restart ? e.restart.breaks.quic.map(big) : null,
      };
    }));
  });

  it('endpoint_timeline and restart_windows: every point and every idle window', async () => {
    const timeline = await rows(`SELECT capture_id, capture_path, endpoint, role, epoch_us(time) AS time_us, packet, entries, bytes
      FROM ${file('endpoint_timeline')}`);
    expect(timeline).toEqual(expected((r) => r.endpoints.flatMap((e) => e.timeline.map((p) => ({ e, p }))), ({ e, p }) => ({
      endpoint: e.endpoint, role: e.role, time_us: us(p.time), packet: big(p.packet), entries: big(p.entries), bytes: big(p.bytes),
    })));
    const windows = await rows(`SELECT capture_id, capture_path, endpoint, role, epoch_us(start) AS start_us, epoch_us(end_time) AS end_us,
      seconds, from_packet, to_packet FROM ${file('restart_windows')}`);
    expect(windows.length).toBeGreaterThan(0);
    expect(windows).toEqual(expected((r) => r.endpoints.flatMap((e) => e.idleWindows.map((w) => ({ e, w }))), ({ e, w }) => ({
      endpoint: e.endpoint, role: e.role, start_us: us(w.start), end_us: us(w.end), seconds: w.seconds,
      from_packet: big(w.fromPacket), to_packet: big(w.toPacket),
    })));
  });
});

describe('the Parquet files', () => {
  const tables = ['captures', 'tcp_flows', 'tcp_transitions', 'dns_transactions', 'quic_connections', 'udp_flows', 'icmp_flows',
    'http_exchanges', 'endpoints', 'endpoint_timeline', 'restart_windows'];

  it('begin and end with the magic PAR1', () => {
    for (const t of tables) {
      const bytes = readFileSync(join(out, `${t}.parquet`));
      expect(bytes.subarray(0, 4).toString('latin1'), t).toBe('PAR1');
      expect(bytes.subarray(bytes.length - 4).toString('latin1'), t).toBe('PAR1');
    }
  });

  it('carry the documented Parquet types (parquet_schema)', async () => {
    const schema = async (t: string, column: string) => {
      const [r] = await rows(`SELECT type, converted_type, logical_type FROM parquet_schema(${file(t)}) WHERE name = '${column}'`);
      return r;
    };
    // capture_id INTEGER -> INT32; counts BIGINT -> INT64; ports USMALLINT -> INT32 annotated UINT_16.
    expect(await schema('tcp_flows', 'capture_id')).toMatchObject({ type: 'INT32', converted_type: 'INT_32' });
    expect(await schema('tcp_flows', 'packets')).toMatchObject({ type: 'INT64', converted_type: 'INT_64' });
    expect(await schema('tcp_flows', 'client_port')).toMatchObject({ type: 'INT32', converted_type: 'UINT_16' });
    expect(await schema('tcp_flows', 'directions_client_isn')).toMatchObject({ type: 'INT32', converted_type: 'UINT_32' });
    // Times: INT64 microseconds since the epoch, adjusted to UTC.
    const start = await schema('tcp_flows', 'start');
    expect(start).toMatchObject({ type: 'INT64', converted_type: 'TIMESTAMP_MICROS' });
    expect(start.logical_type).toMatch(/isAdjustedToUTC=1.*MicroSeconds/);
    // Text and enums: UTF8 byte arrays; enums dictionary-encoded.
    expect(await schema('tcp_flows', 'conn_state')).toMatchObject({ type: 'BYTE_ARRAY', converted_type: 'UTF8' });
    expect(await schema('dns_transactions', 'rtt')).toMatchObject({ type: 'DOUBLE' });
    expect(await schema('captures', 'compressed')).toMatchObject({ type: 'BOOLEAN' });
    const encodings = await rows(`SELECT path_in_schema, encodings FROM parquet_metadata(${file('tcp_flows')})
      WHERE path_in_schema IN ('conn_state', 'final_state_client', 'handshake', 'closed_by')`);
    expect(encodings.map((e) => e.encodings)).toEqual(['RLE_DICTIONARY', 'RLE_DICTIONARY', 'RLE_DICTIONARY', 'RLE_DICTIONARY']);
    expect((await rows(`SELECT compression FROM parquet_metadata(${file('tcp_flows')}) LIMIT 1`))[0].compression).toBe('ZSTD');
  });
});

/**
 * The named queries, each against a reference computed here by hand from the JSON reports (so the
 * expectations follow the analysis if its numbers change, but never go through the SQL).
 */
describe('named queries on the fixtures export', () => {
  const query = async (name: string) => {
    const { runSql } = await import('../../src/export/sql.js');
    const { namedQuery } = await import('../../src/export/queries.js');
    const r = await runSql(out, namedQuery(name)!.sql);
    return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i]])));
  };
  const servers = () => reports.flatMap((r, i) => r.endpoints.filter((e) => e.role === 'server').map((e) => ({ e, i, r })));
  const byKey = <T>(list: T[], key: (x: T) => string): Map<string, T[]> => {
    const m = new Map<string, T[]>();
    for (const x of list) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
    return m;
  };

  it('peak-state: each server at its moment of most bytes, largest first', async () => {
    // Per server, the row with the most bytes held (peakBytes); on a tie the earlier capture.
    const want = [...byKey(servers(), (s) => s.e.endpoint).values()].map((rows) => {
      const best = rows.reduce((a, b) => (b.e.peakBytes.bytes > a.e.peakBytes.bytes ? b : a));
      return {
        endpoint: best.e.endpoint, peak_bytes: best.e.peakBytes.bytes, entries_then: best.e.peakBytes.entries,
        capture: best.r.capture.path, packet: best.e.peakBytes.packet, captures: rows.length,
      };
    }).sort((a, b) => b.peak_bytes - a.peak_bytes || a.endpoint.localeCompare(b.endpoint));
    const got = (await query('peak-state')).map(({ time: _, ...rest }) => rest);
    expect(got).toEqual(want);
    // The QUIC server leads: three connections at 80000 bytes each (the cost model's QUIC entry) dwarf TCP and DNS.
    expect(got[0]).toMatchObject({ endpoint: '127.0.0.1:4433', capture: 'fixtures/quic-loopback.pcap', captures: 1 });
    // 127.53.0.1:53 serves over UDP and TCP in both dns-tc-retry and dns-udp-tcp: one row per transport, two captures each.
    expect(got.find((g) => g.endpoint === '127.53.0.1:53/udp')?.captures).toBe(2);
    expect(got.find((g) => g.endpoint === '127.53.0.1:53/tcp')?.captures).toBe(2);
  });

  it('never-restart-safe: endpoints stateful in every capture and never idle', async () => {
    const all = reports.flatMap((r) => r.endpoints);
    const want = [...byKey(all, (e) => `${e.endpoint} ${e.role}`).values()]
      .filter((rows) => rows.every((e) => e.verdict === 'stateful' && e.idleSeconds === 0))
      .map((rows) => ({
        endpoint: rows[0].endpoint, role: rows[0].role, captures: rows.length,
        max_peak_entries: Math.max(...rows.map((e) => e.peak.entries)), max_peak_bytes: Math.max(...rows.map((e) => e.peakBytes.bytes)),
      }))
      .sort((a, b) => b.role.localeCompare(a.role) || b.max_peak_bytes - a.max_peak_bytes || a.endpoint.localeCompare(b.endpoint));
    // quic-loopback's client 127.0.0.1 is never idle there, but quickstart leaves it idle between its
    // connections: no endpoint of these six captures qualifies (fleet.test.ts has one that does).
    expect(want).toEqual([]);
    expect(await query('never-restart-safe')).toEqual(want);
  });

  it('sticky: client and server pairs whose conversations need a sticky key', async () => {
    const conversations = reports.flatMap((r) => [
      ...r.tcp.flows.map((f) => ({ r, kind: 'tcp', client: f.client, server: f.server, sticky: f.classification?.stickyRouting })),
      ...r.quic.connections.map((c) => ({ r, kind: 'quic', client: c.client, server: c.server, sticky: c.classification?.stickyRouting })),
      ...r.dns.transactions.map((t) => ({ r, kind: 'dns', client: t.client, server: t.server, sticky: t.classification?.stickyRouting })),
    ]).filter((c) => c.sticky !== 'none');
    const want = [...byKey(conversations, (c) => `${c.client.split(':')[0]} ${c.server} ${c.sticky}`).values()].map((rows) => ({
      client: rows[0].client.split(':')[0], server: rows[0].server, sticky_routing: rows[0].sticky,
      kinds: [...new Set(rows.map((c) => c.kind))].sort(), conversations: rows.length,
      captures: new Set(rows.map((c) => c.r.capture.path)).size,
    })).sort((a, b) => b.conversations - a.conversations || a.client.localeCompare(b.client) || a.server.localeCompare(b.server));
    expect(want.length).toBeGreaterThan(0);
    expect(await query('sticky')).toEqual(want);
  });

  it('dns-unanswered-by-server: servers that left queries unanswered', async () => {
    const all = reports.flatMap((r) => r.dns.transactions.map((t) => ({ r, t })));
    const want = [...byKey(all, (x) => x.t.server).values()].map((rows) => {
      const n = (o: string) => rows.filter((x) => x.t.outcome === o).length;
      return {
        server: rows[0].t.server, queries: rows.length, unanswered: n('unanswered'), late: n('late'), rejected: n('rejected'),
        unanswered_pct: Math.round((1000 * n('unanswered')) / rows.length) / 10, captures: new Set(rows.map((x) => x.r.capture.path)).size,
      };
    }).filter((w) => w.unanswered > 0).sort((a, b) => b.unanswered - a.unanswered || a.server.localeCompare(b.server));
    // dns-unanswered.pcap: two queries to 127.53.0.2:53 and no answer at all.
    expect(want).toEqual([{ server: '127.53.0.2:53', queries: 2, unanswered: 2, late: 0, rejected: 0, unanswered_pct: 100, captures: 1 }]);
    expect(await query('dns-unanswered-by-server')).toEqual(want);
  });

  it("class-summary: each measure's min, nearest-rank quartiles and max over the captures", async () => {
    const measures: [string, (r: Report) => number][] = [
      ['packets', (r) => r.capture.packets],
      ['tcp_flows', (r) => r.tcp.summary.flows],
      ['tcp_handshakes_complete', (r) => r.tcp.summary.handshakes.complete],
      ['dns_queries', (r) => r.dns.summary.queries],
      ['dns_unanswered', (r) => r.dns.summary.unanswered],
      ['quic_connections', (r) => r.quic.summary.connections],
      ['stateful_servers', (r) => r.endpoints.filter((e) => e.role === 'server' && e.verdict === 'stateful').length],
      ['server_peak_bytes', (r) => Math.max(0, ...r.endpoints.filter((e) => e.role === 'server').map((e) => e.peakBytes.bytes))],
    ];
    // Nearest rank: the value at rank ceil(q * n) of the sorted list.
    const rank = (sorted: number[], q: number) => sorted[Math.ceil(q * sorted.length) - 1];
    const want = measures.map(([measure, f]) => {
      const v = reports.map(f).sort((a, b) => a - b);
      return { measure, captures: v.length, min: v[0], p25: rank(v, 0.25), median: rank(v, 0.5), p75: rank(v, 0.75), max: v[v.length - 1] };
    });
    // The six fixtures have 2, 2, 12, 16, 36 and 62 packets: ranks 2, 3 and 5 of six.
    expect(want[0]).toEqual({ measure: 'packets', captures: 6, min: 2, p25: 2, median: 12, p75: 36, max: 62 });
    expect(await query('class-summary')).toEqual(want);
  });
});

describe('sql output formats', () => {
  it('json: integers as numbers, maps as objects, lists as arrays; csv: RFC 4180 with lists as JSON', async () => {
    const { runSql, formatResult } = await import('../../src/export/sql.js');
    const r = await runSql(out, `SELECT capture_path, packets, dns_summary_rcodes, link_types FROM captures ORDER BY capture_id`);
    expect(JSON.parse(formatResult(r, 'json', false))).toEqual(reports.map((x) => ({
      capture_path: x.capture.path, packets: x.capture.packets, dns_summary_rcodes: x.dns.summary.rcodes, link_types: x.capture.linkTypes,
    })));
    const csv = formatResult(r, 'csv', false).split('\r\n');
    expect(csv[0]).toBe('capture_path,packets,dns_summary_rcodes,link_types');
    // A JSON object holds commas and quotes: quoted, inner quotes doubled.
    const quickstart = reports.findIndex((x) => x.capture.path === 'fixtures/quickstart.pcap');
    expect(csv[1 + quickstart]).toBe('fixtures/quickstart.pcap,36,"{""NOERROR"":2,""NXDOMAIN"":1}","[""ETHERNET (1)""]"');
    expect(csv).toHaveLength(reports.length + 2); // header, rows, and the empty string after the last CRLF
  });
});
