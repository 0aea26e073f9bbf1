/**
 * `--format zeek`: conn.log and dns.log in Zeek's TSV format (the #separator, #fields and #types
 * header of Zeek's ASCII writer, the same column names, "-" for unset and "(empty)" for empty), so
 * zeek-cut and the scripts users already have read statecap's results.
 *
 * Columns statecap does not know are unset rather than guessed: service (no protocol detection
 * beyond DNS and QUIC), local_orig/local_resp (no Site::local_nets), missed_bytes and the IP byte
 * counts (not kept per flow), DNS answers and TTLs (only their count is kept). Each row's uid is
 * derived from the capture path and the flow's id, so the same capture gives the same uids.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Report } from './schema.js';

const require = createRequire(import.meta.url);
const dnsTypes = require('dns-packet/types') as { toType(name: string): number };
const dnsClasses = require('dns-packet/classes') as { toClass(name: string): number };

const CONN_FIELDS: [string, string][] = [
  ['ts', 'time'], ['uid', 'string'], ['id.orig_h', 'addr'], ['id.orig_p', 'port'], ['id.resp_h', 'addr'], ['id.resp_p', 'port'],
  ['proto', 'enum'], ['service', 'string'], ['duration', 'interval'], ['orig_bytes', 'count'], ['resp_bytes', 'count'],
  ['conn_state', 'string'], ['local_orig', 'bool'], ['local_resp', 'bool'], ['missed_bytes', 'count'], ['history', 'string'],
  ['orig_pkts', 'count'], ['orig_ip_bytes', 'count'], ['resp_pkts', 'count'], ['resp_ip_bytes', 'count'],
  ['tunnel_parents', 'set[string]'], ['ip_proto', 'count'],
];

const DNS_FIELDS: [string, string][] = [
  ['ts', 'time'], ['uid', 'string'], ['id.orig_h', 'addr'], ['id.orig_p', 'port'], ['id.resp_h', 'addr'], ['id.resp_p', 'port'],
  ['proto', 'enum'], ['trans_id', 'count'], ['rtt', 'interval'], ['query', 'string'], ['qclass', 'count'], ['qclass_name', 'string'],
  ['qtype', 'count'], ['qtype_name', 'string'], ['rcode', 'count'], ['rcode_name', 'string'], ['AA', 'bool'], ['TC', 'bool'],
  ['RD', 'bool'], ['RA', 'bool'], ['Z', 'count'], ['answers', 'vector[string]'], ['TTLs', 'vector[interval]'], ['rejected', 'bool'],
];

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'];
/** Zeek's names for query classes (base/protocols/dns/consts.zeek). */
const ZEEK_CLASS: Record<number, string> = { 1: 'C_INTERNET', 3: 'C_CHAOS', 4: 'C_HESIOD', 254: 'C_NONE', 255: 'C_ANY' };

type Cell = string | number | boolean | null;

/** Zeek's ASCII writer: \xHH for the separator, backslash and non-printables; "(empty)" and "-". */
function cell(v: Cell): string {
  if (v === null) return '-';
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  if (typeof v === 'number') return String(v);
  if (v === '') return '(empty)';
  if (v === '-') return '\\x2d';
  return v.replace(/[\x00-\x1f\x7f-\uffff\\]/g, (c) => (c.charCodeAt(0) > 0xff ? c : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

function header(path: string, fields: readonly [string, string][]): string[] {
  return [
    '#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', `#path\t${path}`,
    `#fields\t${fields.map((f) => f[0]).join('\t')}`, `#types\t${fields.map((f) => f[1]).join('\t')}`,
  ];
}

/** "[2001:db8::1]:443" or "10.0.0.1:443" as Zeek's (address, port). */
export function splitEndpoint(endpoint: string): [string, number | null] {
  const m = /^\[(.*)\]:(\d+)$/.exec(endpoint) ?? /^(.*):(\d+)$/.exec(endpoint);
  return m === null ? [endpoint.replace(/^\[|\]$/g, ''), null] : [m[1], Number(m[2])];
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A Zeek-shaped uid ("C" and 17 base-62 characters) from the capture and the connection. */
export function zeekUid(capture: string, key: string): string {
  let n = BigInt(`0x${createHash('sha256').update(`${capture}\0${key}`).digest('hex').slice(0, 26)}`);
  let out = '';
  for (let i = 0; i < 17; i++) {
    out += BASE62[Number(n % 62n)];
    n /= 62n;
  }
  return `C${out}`;
}

function time(t: number | null): string | null {
  return t === null || !Number.isFinite(t) ? null : t.toFixed(6);
}

function row(values: Cell[]): string {
  return values.map(cell).join('\t');
}

function typeNumber(name: string | null): number | null {
  if (name === null) return null;
  const unknown = /^(?:UNKNOWN_|TYPE)(\d+)$/.exec(name);
  if (unknown !== null) return Number(unknown[1]);
  const n = dnsTypes.toType(name);
  return n > 0 ? n : null;
}

interface Lines { conn: { ts: number; line: string }[]; dns: { ts: number; line: string }[] }

function collect(report: Report, into: Lines): void {
  const path = report.capture.path;
  const dnsConn = new Map<string, { uid: string; first: number; last: number; packets: { c: number; s: number } }>();
  const dnsOverTcp = new Set(report.dns.transactions.filter((t) => t.transport === 'tcp').map((t) => `${t.client} ${t.server}`));
  for (const f of report.tcp.flows) {
    const [oh, op] = splitEndpoint(f.client);
    const [rh, rp] = splitEndpoint(f.server);
    const uid = zeekUid(path, `tcp ${f.id}`);
    dnsConn.set(`tcp ${f.client} ${f.server}`, { uid, first: f.start, last: f.end, packets: { c: 0, s: 0 } });
    into.conn.push({ ts: f.start, line: row([
      time(f.start), uid, oh, op, rh, rp, 'tcp', dnsOverTcp.has(`${f.client} ${f.server}`) ? 'dns' : null, f.packets > 1 ? (f.end - f.start).toFixed(6) : null,
      f.payloadBytes.client, f.payloadBytes.server, f.connState, null, null, null, f.history,
      f.directions.client.packets, null, f.directions.server.packets, null, f.tunnel.length > 0 ? f.tunnel.join(',') : null, 6,
    ]) });
  }
  for (const c of report.quic.connections) {
    const [oh, op] = splitEndpoint(c.client);
    const [rh, rp] = splitEndpoint(c.server);
    into.conn.push({ ts: c.start, line: row([
      time(c.start), zeekUid(path, `quic ${c.id}`), oh, op, rh, rp, 'udp', 'quic', c.datagrams > 1 ? (c.end - c.start).toFixed(6) : null,
      c.bytes.client, c.bytes.server, null, null, null, null, null,
      c.datagramsByDirection.client, null, c.datagramsByDirection.server, null, null, 17,
    ]) });
  }
  // DNS over UDP: one conn row per client and server address and port, as Zeek's UDP connections.
  for (const t of report.dns.transactions) {
    const key = `${t.transport} ${t.client} ${t.server}`;
    const end = t.responseTime ?? t.queryTime;
    let conn = dnsConn.get(key);
    if (conn === undefined) {
      conn = { uid: zeekUid(path, key), first: t.queryTime, last: end, packets: { c: 0, s: 0 } };
      dnsConn.set(key, conn);
    }
    conn.first = Math.min(conn.first, t.queryTime);
    conn.last = Math.max(conn.last, end);
    conn.packets.c += t.queryPackets.length;
    conn.packets.s += t.responsePackets.length;
    const [oh, op] = splitEndpoint(t.client);
    const [rh, rp] = splitEndpoint(t.server);
    const qclass = t.qclass === null ? null : dnsClasses.toClass(t.qclass) || null;
    const rcode = t.rcode === null ? null : RCODES.indexOf(t.rcode.toUpperCase());
    into.dns.push({ ts: t.queryTime, line: row([
      time(t.queryTime), conn.uid, oh, op, rh, rp, t.transport, t.id, t.rtt === null ? null : t.rtt.toFixed(6),
      t.qname, qclass, qclass === null ? null : (ZEEK_CLASS[qclass] ?? String(qclass)), typeNumber(t.qtype), t.qtype,
      rcode === null || rcode < 0 ? null : rcode, t.rcode,
      t.flags?.aa ?? null, t.flags?.tc ?? null, t.flags?.rd ?? null, t.flags?.ra ?? null, null, null, null,
      t.rcode === 'REFUSED',
    ]) });
  }
  for (const [key, conn] of dnsConn) {
    if (!key.startsWith('udp ')) continue;
    const [, client, server] = key.split(' ');
    const [oh, op] = splitEndpoint(client);
    const [rh, rp] = splitEndpoint(server);
    into.conn.push({ ts: conn.first, line: row([
      time(conn.first), conn.uid, oh, op, rh, rp, 'udp', 'dns', conn.last > conn.first ? (conn.last - conn.first).toFixed(6) : null,
      null, null, conn.packets.s > 0 ? 'SF' : 'S0', null, null, null, conn.packets.s > 0 ? 'Dd' : 'D',
      conn.packets.c, null, conn.packets.s, null, null, 17,
    ]) });
  }
}

/** conn.log and dns.log of the reports, rows in time order as Zeek writes them. */
export function renderZeekLogs(reports: readonly Report[]): { conn: string; dns: string } {
  const lines: Lines = { conn: [], dns: [] };
  for (const r of reports) collect(r, lines);
  const body = (list: { ts: number; line: string }[]) => list.sort((a, b) => a.ts - b.ts).map((l) => l.line);
  return {
    conn: `${[...header('conn', CONN_FIELDS), ...body(lines.conn)].join('\n')}\n`,
    dns: `${[...header('dns', DNS_FIELDS), ...body(lines.dns)].join('\n')}\n`,
  };
}
