/**
 * The metrics of `statecap check --expect` and of grading rubrics (issue 6): one catalog that both
 * evaluates a metric over reports and documents it (`METRICS`, `metricsMarkdownTable()` for the
 * README). Every figure of the report is reachable: counts, sums, medians, per-endpoint values.
 *
 * Values are numbers, or strings for verdicts and roles. A figure that does not exist (the median
 * RTT of no answers, an endpoint absent from the capture) is the string "none" or "absent", which
 * no numeric comparison satisfies. Over several captures (a grading submission) counts and sums
 * add up, maxima take the largest, and an endpoint is stateful if it is stateful in any capture.
 */
import type { ConnState, DnsTransactionReport, QuicConnectionReport, Report, TcpFlowReport } from '../report/schema.js';
import type { StateKind } from '../state/events.js';
import { STATE_KINDS } from '../state/events.js';
import { CONN_STATES, CONN_STATE_MEANING, isConnState } from '../report/conn-states.js';
import { evictedTotal, omittedTotal } from '../report/limits.js';
import { buildScope, findEndpoint, type MergedEndpoint, type Scope, type Scoped } from './scope.js';
import {
  describeCollision, describeDnsTransaction, describeEndpoint, describeQuicConnection, describeTcpFlow, describeUnsolicited,
} from './describe.js';
import { isEmptyWhere, type Where } from './where.js';
import { TRACKERS, type AnyTrackerModule } from '../track/registry.js';

export type MetricKind = 'count' | 'bytes' | 'seconds' | 'text';

export interface MetricDoc {
  /** The name as written in expectations; <...> marks a part the user fills in. */
  name: string;
  kind: MetricKind;
  meaning: string;
  /** Whether a `where` filter narrows it (capture-level figures and endpoint[...] are not narrowed). */
  where: boolean;
}

/** A record that the metric counted or could have counted, for explanations. */
export interface EvidenceLine {
  capture: string;
  text: string;
}

/**
 * Records behind a value, described only on demand: a capture may hold a million flows, and only
 * a failed expectation's explanation names a few of them.
 */
export interface RecordList {
  readonly length: number;
  /** Plain-words lines for the first `limit` records. */
  describe(limit: number): EvidenceLine[];
}

export interface Measurement {
  value: number | string;
  kind: MetricKind;
  /** What the metric counts ("TCP connections"), for explanations. */
  noun: string;
  /** Records in scope (after `where`). */
  candidates: RecordList;
  /** The subset that contributes to the value (counted, or with a non-zero share of a sum). */
  counted: RecordList;
  /** The other candidates. */
  uncounted: RecordList;
  /** Whether the `where` filter applied to this metric. */
  narrowed: boolean;
}

type Measure = (scope: Scope) => Omit<Measurement, 'narrowed'>;
interface Resolved {
  kind: MetricKind;
  narrowed: boolean;
  measure: Measure;
}

interface MetricDef extends MetricDoc {
  pattern: RegExp;
  resolve: (match: RegExpExecArray) => Resolved | { error: string };
}

// ------------------------------------------------------------------ building blocks

function lines<T>(records: readonly Scoped<T>[], describe: (item: T) => string): RecordList {
  return {
    length: records.length,
    describe: (limit) => records.slice(0, limit).map((r) => ({ capture: r.capture, text: describe(r.item) })),
  };
}

/** Splits records into those that count and the others, as lazily described lists. */
function partition<T>(records: readonly Scoped<T>[], describe: (item: T) => string, counts: (item: T) => boolean) {
  const counted: Scoped<T>[] = [];
  const uncounted: Scoped<T>[] = [];
  for (const r of records) (counts(r.item) ? counted : uncounted).push(r);
  return { candidates: lines(records, describe), counted: lines(counted, describe), uncounted: lines(uncounted, describe), count: counted.length };
}

function counter<T>(
  noun: string, pick: (s: Scope) => Scoped<T>[], describe: (item: T) => string, predicate: (item: T) => boolean = () => true,
): Resolved {
  return {
    kind: 'count',
    narrowed: true,
    measure: (scope) => {
      const { count, ...evidence } = partition(pick(scope), describe, predicate);
      return { value: count, kind: 'count', noun, ...evidence };
    },
  };
}

function summer<T>(
  noun: string, pick: (s: Scope) => Scoped<T>[], describe: (item: T) => string, value: (item: T) => number, kind: MetricKind = 'count',
): Resolved {
  return {
    kind,
    narrowed: true,
    measure: (scope) => {
      const all = pick(scope);
      const total = all.reduce((n, r) => n + value(r.item), 0);
      const { count: _, ...evidence } = partition(all, describe, (item) => value(item) > 0);
      return { value: total, kind, noun, ...evidence };
    },
  };
}

function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/**
 * A statistic over per-record seconds. With no filter and one capture the report's own summary
 * figure is used (`fromSummary`), so check agrees with the table and JSON exactly.
 */
function secondsStat<T>(
  noun: string, pick: (s: Scope) => Scoped<T>[], describe: (item: T) => string, value: (item: T) => number | null,
  stat: (sorted: readonly number[]) => number | null, fromSummary?: (r: Report) => number | null,
): Resolved {
  return {
    kind: 'seconds',
    narrowed: true,
    measure: (scope) => {
      const all = pick(scope);
      const values: number[] = [];
      for (const r of all) {
        const v = value(r.item);
        if (v !== null) values.push(v);
      }
      values.sort((a, b) => a - b);
      const whole = fromSummary !== undefined && scope.reports.length === 1 && isEmptyWhere(scope.where);
      const result = whole ? fromSummary(scope.reports[0]) : stat(values);
      const { count: _, ...evidence } = partition(all, describe, (item) => value(item) !== null);
      return { value: result ?? 'none', kind: 'seconds', noun, ...evidence };
    },
  };
}

/** A figure of the captures themselves, not narrowed by `where`. */
function captureFigure(noun: string, value: (r: Report) => number, kind: MetricKind = 'count'): Resolved {
  return {
    kind,
    narrowed: false,
    measure: (scope) => {
      const records = scope.reports.map((r) => ({ capture: r.capture.path, item: r }));
      const total = scope.reports.reduce((n, r) => n + value(r), 0);
      const { count: _, ...evidence } = partition(records, (r) => `${r.capture.path}: ${value(r)} ${noun}`, (r) => value(r) > 0);
      return { value: total, kind, noun, ...evidence };
    },
  };
}

/** Each warning is its own record, so a failed `capture.warnings == 0` prints the warnings themselves. */
function warningList(): Resolved {
  return {
    kind: 'count',
    narrowed: false,
    measure: (scope) => {
      const records = scope.reports.flatMap((r) => [...r.warnings, ...(r.capture.error !== undefined ? [r.capture.error] : [])]
        .map((text) => ({ capture: r.capture.path, item: text })));
      const { count, ...evidence } = partition(records, (text) => text, () => true);
      return { value: count, kind: 'count', noun: 'warnings', ...evidence };
    },
  };
}

function endpointRecords(endpoints: readonly MergedEndpoint[]): Scoped<MergedEndpoint>[] {
  return endpoints.map((e) => ({ capture: e.peakInstance.capture, item: e }));
}

function endpointCounter(predicate: (e: MergedEndpoint) => boolean): Resolved {
  return {
    kind: 'count',
    narrowed: true,
    measure: (scope) => {
      const { count, ...evidence } = partition(endpointRecords(scope.endpoints), describeEndpoint, predicate);
      return { value: count, kind: 'count', noun: 'endpoints', ...evidence };
    },
  };
}

function endpointMax(value: (e: MergedEndpoint) => number, kind: MetricKind): Resolved {
  return {
    kind,
    narrowed: true,
    measure: (scope) => {
      const max = scope.endpoints.reduce((m, e) => Math.max(m, value(e)), 0);
      const { count: _, ...evidence } = partition(endpointRecords(scope.endpoints), describeEndpoint, (e) => value(e) === max && max > 0);
      return { value: max, kind, noun: 'endpoints', ...evidence };
    },
  };
}

/** A figure of one named endpoint; "absent" when the captures do not have it. Not narrowed by `where`. */
function endpointFigure(name: string, kind: MetricKind, value: (e: MergedEndpoint) => number | string): Resolved {
  return {
    kind,
    narrowed: false,
    measure: (scope) => {
      const e = findEndpoint(scope, name);
      if (e === undefined) {
        const { count: _, ...evidence } = partition(endpointRecords(scope.endpoints), describeEndpoint, () => false);
        return { value: 'absent', kind, noun: `endpoint ${name}`, ...evidence };
      }
      const { count: _, ...evidence } = partition(endpointRecords([e]), describeEndpoint, () => true);
      return { value: value(e), kind, noun: `endpoint ${name}`, ...evidence };
    },
  };
}

const tcp = (s: Scope) => s.tcp;
const dns = (s: Scope) => s.dns;
const quic = (s: Scope) => s.quic;
const flowCount = (predicate?: (f: TcpFlowReport) => boolean) => counter('TCP connections', tcp, describeTcpFlow, predicate);
const dnsCount = (predicate?: (t: DnsTransactionReport) => boolean) => counter('DNS queries', dns, describeDnsTransaction, predicate);
const quicCount = (predicate?: (c: QuicConnectionReport) => boolean) => counter('QUIC connections', quic, describeQuicConnection, predicate);
const fixed = (resolved: Resolved) => () => resolved;

const TCP_ANALYSIS = ['retransmissions', 'outOfOrder', 'duplicateAcks', 'zeroWindows', 'keepAlives'] as const;
const ENDPOINT_NAME = String.raw`endpoint\[(\[[^\]]+\](?::\d+)?|[^\[\]\s]+)\]`;

// ------------------------------------------------------------------ the catalog

const DEFS: MetricDef[] = [
  // capture
  { name: 'capture.files', kind: 'count', where: false, meaning: 'captures analysed together (a grading submission may hold several)', pattern: /^capture\.files$/,
    resolve: fixed(captureFigure('captures', () => 1)) },
  { name: 'capture.packets', kind: 'count', where: false, meaning: 'packets read', pattern: /^capture\.packets$/,
    resolve: fixed(captureFigure('packets', (r) => r.capture.packets)) },
  { name: 'capture.bytes', kind: 'bytes', where: false, meaning: 'bytes on the wire (original lengths)', pattern: /^capture\.bytes$/,
    resolve: fixed(captureFigure('bytes', (r) => r.capture.bytes, 'bytes')) },
  { name: 'capture.duration', kind: 'seconds', where: false, meaning: 'seconds from the first to the last packet', pattern: /^capture\.duration$/,
    resolve: fixed(captureFigure('seconds', (r) => (r.capture.firstTime !== null && r.capture.lastTime !== null ? r.capture.lastTime - r.capture.firstTime : 0), 'seconds')) },
  { name: 'capture.undecoded', kind: 'count', where: false, meaning: 'packets that carried nothing statecap analyses (all reasons)', pattern: /^capture\.undecoded$/,
    resolve: fixed(captureFigure('undecoded packets', (r) => Object.values(r.capture.undecoded).reduce((n, c) => n + c, 0))) },
  { name: 'capture.warnings', kind: 'count', where: false, meaning: 'warnings (e.g. a truncated last packet)', pattern: /^capture\.warnings$/,
    resolve: fixed(warningList()) },
  { name: 'limits.evicted', kind: 'count', where: false, meaning: 'flows, fragments, DNS queries and QUIC connections evicted at table caps', pattern: /^limits\.evicted$/,
    resolve: fixed(captureFigure('evictions', (r) => evictedTotal(r.limits))) },
  { name: 'limits.omitted', kind: 'count', where: false, meaning: 'rows left out of report lists beyond --max-records (metrics over flows and transactions see only the listed ones)', pattern: /^limits\.omitted$/,
    resolve: fixed(captureFigure('rows not listed', (r) => omittedTotal(r.limits))) },

  // TCP
  { name: 'tcp.flows', kind: 'count', where: true, meaning: 'TCP connections', pattern: /^tcp\.flows$/, resolve: fixed(flowCount()) },
  { name: 'tcp.packets', kind: 'count', where: true, meaning: 'TCP packets of those connections, both directions', pattern: /^tcp\.packets$/,
    resolve: fixed(summer('TCP connections', tcp, describeTcpFlow, (f) => f.packets)) },
  { name: 'tcp.bytes', kind: 'bytes', where: true, meaning: 'TCP payload bytes, both directions', pattern: /^tcp\.bytes$/,
    resolve: fixed(summer('TCP connections', tcp, describeTcpFlow, (f) => f.payloadBytes.client + f.payloadBytes.server, 'bytes')) },
  { name: 'tcp.connState.<CODE>', kind: 'count', where: true,
    meaning: `TCP connections with that Zeek conn_state: ${CONN_STATES.join(', ')} (e.g. SF: ${CONN_STATE_MEANING.SF})`,
    pattern: /^tcp\.connState\.([A-Za-z0-9]+)$/,
    resolve: (m) => {
      const code = m[1].toUpperCase();
      if (!isConnState(code)) return { error: `unknown conn_state "${m[1]}" in metric ${m[0]} (known: ${CONN_STATES.join(', ')})` };
      return flowCount((f) => f.connState === (code as ConnState));
    } },
  { name: 'tcp.handshakes.<complete|partial|missing>', kind: 'count', where: true,
    meaning: 'TCP connections whose three-way handshake was seen complete, in part, or not at all (started before the capture)',
    pattern: /^tcp\.handshakes\.(complete|partial|missing)$/, resolve: (m) => flowCount((f) => f.handshake === m[1]) },
  { name: 'tcp.closedBy.<client|server>', kind: 'count', where: true, meaning: 'TCP connections closed first (FIN) by that side, which then holds TIME-WAIT',
    pattern: /^tcp\.closedBy\.(client|server)$/, resolve: (m) => flowCount((f) => f.closedBy === m[1]) },
  { name: 'tcp.resets', kind: 'count', where: true, meaning: 'TCP connections with a RST from either side', pattern: /^tcp\.resets$/,
    resolve: fixed(flowCount((f) => /[Rr]/.test(f.history))) },
  ...TCP_ANALYSIS.map((field): MetricDef => ({
    name: `tcp.${field}`, kind: 'count', where: true, meaning: `segments Wireshark's sequence analysis would flag as ${field}, summed over connections`,
    pattern: new RegExp(`^tcp\\.${field}$`), resolve: fixed(summer('TCP connections', tcp, describeTcpFlow, (f) => f.analysis[field])),
  })),
  { name: 'tcp.handshakeRtt.median', kind: 'seconds', where: true, meaning: 'median SYN to ACK handshake time ("none" without a handshake)',
    pattern: /^tcp\.handshakeRtt\.median$/, resolve: fixed(secondsStat('TCP connections', tcp, describeTcpFlow, (f) => f.handshakeRtt, median)) },

  // DNS
  { name: 'dns.queries', kind: 'count', where: true, meaning: 'DNS transactions (a query and its retransmissions)', pattern: /^dns\.queries$/, resolve: fixed(dnsCount()) },
  ...(['answered', 'unanswered', 'late', 'rejected'] as const).map((outcome): MetricDef => ({
    name: `dns.${outcome}`, kind: 'count', where: true,
    meaning: {
      answered: 'DNS queries answered within the timeout (any rcode)',
      unanswered: 'DNS queries with no response by the end of the capture',
      late: 'DNS queries answered after --dns-timeout',
      rejected: 'DNS queries answered by an ICMP destination unreachable',
    }[outcome],
    pattern: new RegExp(`^dns\\.${outcome}$`), resolve: fixed(dnsCount((t) => t.outcome === outcome)),
  })),
  { name: 'dns.unsolicited', kind: 'count', where: true, meaning: 'DNS responses that answer no outstanding query', pattern: /^dns\.unsolicited$/,
    resolve: fixed(counter('unsolicited DNS responses', (s) => s.unsolicited, describeUnsolicited)) },
  { name: 'dns.collisions', kind: 'count', where: true, meaning: 'DNS responses with a known ID and port but another question', pattern: /^dns\.collisions$/,
    resolve: fixed(counter('DNS ID collisions', (s) => s.collisions, describeCollision)) },
  { name: 'dns.malformed', kind: 'count', where: false, meaning: 'DNS messages that could not be decoded', pattern: /^dns\.malformed$/,
    resolve: fixed(captureFigure('malformed DNS messages', (r) => r.dns.malformed.length)) },
  { name: 'dns.retransmissions', kind: 'count', where: true, meaning: 'query retransmissions (same ID and question while outstanding)', pattern: /^dns\.retransmissions$/,
    resolve: fixed(summer('DNS queries', dns, describeDnsTransaction, (t) => t.retransmissions)) },
  { name: 'dns.retriedOverTcp', kind: 'count', where: true, meaning: 'truncated (TC) answers whose question was asked again over TCP', pattern: /^dns\.retriedOverTcp$/,
    resolve: fixed(dnsCount((t) => t.retriedOverTcp !== null)) },
  { name: 'dns.truncated', kind: 'count', where: true, meaning: 'DNS queries answered with the TC (truncated) bit', pattern: /^dns\.truncated$/,
    resolve: fixed(dnsCount((t) => t.flags?.tc === true)) },
  { name: 'dns.idReused', kind: 'count', where: true, meaning: 'queries whose ID and port the client reused while an earlier one was outstanding', pattern: /^dns\.idReused$/,
    resolve: fixed(dnsCount((t) => t.idReused)) },
  { name: 'dns.otherSource', kind: 'count', where: true, meaning: 'queries answered from an address they were not sent to (NAT, anycast, spoofing)', pattern: /^dns\.otherSource$/,
    resolve: fixed(dnsCount((t) => t.responseFrom.length > 0)) },
  { name: 'dns.rcode.<NAME>', kind: 'count', where: true, meaning: 'DNS queries answered with that rcode (NOERROR, NXDOMAIN, SERVFAIL, REFUSED ...)',
    pattern: /^dns\.rcode\.([A-Za-z][A-Za-z0-9_]*)$/, resolve: (m) => dnsCount((t) => t.rcode !== null && t.rcode.toUpperCase() === m[1].toUpperCase()) },
  { name: 'dns.rttMedian', kind: 'seconds', where: true, meaning: 'median query-to-response time in seconds ("none" without answers)', pattern: /^dns\.rttMedian$/,
    resolve: fixed(secondsStat('DNS queries', dns, describeDnsTransaction, (t) => t.rtt, median, (r) => r.dns.summary.rttMedian)) },
  { name: 'dns.rttP95', kind: 'seconds', where: true, meaning: '95th percentile query-to-response time in seconds', pattern: /^dns\.rttP95$/,
    resolve: fixed(secondsStat('DNS queries', dns, describeDnsTransaction, (t) => t.rtt, (v) => percentile(v, 0.95), (r) => r.dns.summary.rttP95)) },

  // QUIC
  { name: 'quic.connections', kind: 'count', where: true, meaning: 'QUIC connections (created by a client Initial)', pattern: /^quic\.connections$/, resolve: fixed(quicCount()) },
  { name: 'quic.handshakes.<complete|partial|initialOnly>', kind: 'count', where: true,
    meaning: 'QUIC connections whose handshake completed (server Handshake and client 1-RTT seen), got part way, or stayed at Initial packets',
    pattern: /^quic\.handshakes\.(complete|partial|initialOnly)$/,
    resolve: (m) => quicCount((c) => c.handshake === (m[1] === 'initialOnly' ? 'initial-only' : m[1])) },
  { name: 'quic.datagrams', kind: 'count', where: true, meaning: 'UDP datagrams attributed to QUIC connections', pattern: /^quic\.datagrams$/,
    resolve: fixed(summer('QUIC connections', quic, describeQuicConnection, (c) => c.datagrams)) },
  { name: 'quic.withServerName', kind: 'count', where: true, meaning: 'QUIC connections whose ClientHello carried a server name (SNI)', pattern: /^quic\.withServerName$/,
    resolve: fixed(quicCount((c) => c.serverName !== null)) },
  { name: 'quic.retries', kind: 'count', where: true, meaning: 'QUIC connections that went through a Retry', pattern: /^quic\.retries$/,
    resolve: fixed(quicCount((c) => c.retryScid !== null)) },
  { name: 'quic.migrations', kind: 'count', where: true, meaning: 'QUIC connections seen on more than one path (address or port change)', pattern: /^quic\.migrations$/,
    resolve: fixed(quicCount((c) => c.paths.length > 1)) },
  { name: 'quic.unattributed', kind: 'count', where: false, meaning: 'QUIC datagrams of no known connection', pattern: /^quic\.unattributed$/,
    resolve: fixed(captureFigure('unattributed QUIC datagrams', (r) => r.quic.unattributed.datagrams)) },

  // endpoints
  { name: 'endpoints.total', kind: 'count', where: true, meaning: 'endpoints (servers as ip:port, clients as ip)', pattern: /^endpoints\.total$/,
    resolve: fixed(endpointCounter(() => true)) },
  { name: 'endpoints.<servers|clients>', kind: 'count', where: true, meaning: 'server or client endpoints', pattern: /^endpoints\.(servers|clients)$/,
    resolve: (m) => endpointCounter((e) => e.role === (m[1] === 'servers' ? 'server' : 'client')) },
  { name: 'endpoints.<stateful|stateless>', kind: 'count', where: true, meaning: 'endpoints with that verdict', pattern: /^endpoints\.(stateful|stateless)$/,
    resolve: (m) => endpointCounter((e) => e.verdict === m[1]) },
  { name: 'endpoints.peak.entries', kind: 'count', where: true, meaning: 'the largest number of state entries any endpoint held at once', pattern: /^endpoints\.peak\.entries$/,
    resolve: fixed(endpointMax((e) => e.peakInstance.item.peak.entries, 'count')) },
  { name: 'endpoints.peak.bytes', kind: 'bytes', where: true, meaning: 'the largest `peak.bytes` of any endpoint: estimated bytes held at its moment of most entries', pattern: /^endpoints\.peak\.bytes$/,
    resolve: fixed(endpointMax((e) => e.peakInstance.item.peak.bytes, 'bytes')) },
  { name: 'endpoints.peakBytes.bytes', kind: 'bytes', where: true, meaning: 'the largest `peakBytes.bytes` of any endpoint: the most estimated bytes any endpoint held at once', pattern: /^endpoints\.peakBytes\.bytes$/,
    resolve: fixed(endpointMax((e) => e.peakInstance.item.peakBytes.bytes, 'bytes')) },

  // one endpoint
  { name: 'endpoint[<ip:port|ip>].verdict', kind: 'text', where: false, meaning: '"stateful" or "stateless" ("absent" when the endpoint is not in the capture)',
    pattern: new RegExp(`^${ENDPOINT_NAME}\\.verdict$`), resolve: (m) => endpointFigure(m[1], 'text', (e) => e.verdict) },
  { name: 'endpoint[<ip:port|ip>].role', kind: 'text', where: false, meaning: '"server" or "client"',
    pattern: new RegExp(`^${ENDPOINT_NAME}\\.role$`), resolve: (m) => endpointFigure(m[1], 'text', (e) => e.role) },
  { name: 'endpoint[<ip:port|ip>].stickyRouting', kind: 'text', where: false, meaning: '"4-tuple", "connection-id" or "none": what a load balancer in front of it must keep',
    pattern: new RegExp(`^${ENDPOINT_NAME}\\.stickyRouting$`), resolve: (m) => endpointFigure(m[1], 'text', (e) => e.peakInstance.item.stickyRouting) },
  ...(['peak', 'peakBytes'] as const).map((point): MetricDef => ({
    name: `endpoint[<ip:port|ip>].${point}.<entries|bytes|packet>`, kind: 'count', where: false,
    meaning: point === 'peak'
      ? 'the JSON `peak`: its moment of most state entries: the entries, their estimated bytes then, and the packet'
      : 'the JSON `peakBytes`: its moment of most estimated bytes: the entries then, the bytes, and the packet',
    pattern: new RegExp(`^${ENDPOINT_NAME}\\.${point}\\.(entries|bytes|packet)$`),
    resolve: (m) => {
      const field = m[2] as 'entries' | 'bytes' | 'packet';
      return endpointFigure(m[1], field === 'bytes' ? 'bytes' : 'count', (e) => e.peakInstance.item[point][field] ?? 'none');
    },
  })),
  { name: 'endpoint[<ip:port|ip>].peakByKind.<KIND>.<entries|bytes>', kind: 'count', where: false,
    meaning: `its peak of one kind of state: ${STATE_KINDS.join(', ')} (0 when it never held that kind)`,
    pattern: new RegExp(`^${ENDPOINT_NAME}\\.peakByKind\\.([A-Za-z]+)\\.(entries|bytes)$`),
    resolve: (m) => {
      const kind = m[2];
      if (!(STATE_KINDS as readonly string[]).includes(kind)) return { error: `unknown state kind "${kind}" in metric ${m[0]} (known: ${STATE_KINDS.join(', ')})` };
      const field = m[3] as 'entries' | 'bytes';
      return endpointFigure(m[1], field === 'bytes' ? 'bytes' : 'count', (e) => e.peakInstance.item.peakByKind[kind as StateKind]?.[field] ?? 0);
    } },
  { name: 'endpoint[<ip:port|ip>].meanBytes', kind: 'bytes', where: false, meaning: 'its time-weighted mean state in bytes',
    pattern: new RegExp(`^${ENDPOINT_NAME}\\.meanBytes$`), resolve: (m) => endpointFigure(m[1], 'bytes', (e) => e.peakInstance.item.meanBytes) },
  { name: 'endpoint[<ip:port|ip>].atEnd.<entries|bytes>', kind: 'count', where: false, meaning: 'state it still held at the end of the capture',
    pattern: new RegExp(`^${ENDPOINT_NAME}\\.atEnd\\.(entries|bytes)$`),
    resolve: (m) => endpointFigure(m[1], m[2] === 'bytes' ? 'bytes' : 'count', (e) => e.peakInstance.item.atEnd[m[2] as 'entries' | 'bytes']) },
  { name: 'endpoint[<ip:port|ip>].idleSeconds', kind: 'seconds', where: false, meaning: 'seconds in which it held nothing breakable (TIME-WAIT aside): a restart then breaks nothing',
    pattern: new RegExp(`^${ENDPOINT_NAME}\\.idleSeconds$`), resolve: (m) => endpointFigure(m[1], 'seconds', (e) => e.idleSeconds) },
  { name: 'endpoint[<ip:port|ip>].longestIdle', kind: 'seconds', where: false, meaning: 'its longest idle window in seconds (0 when never idle)',
    pattern: new RegExp(`^${ENDPOINT_NAME}\\.longestIdle$`), resolve: (m) => endpointFigure(m[1], 'seconds', (e) => e.peakInstance.item.longestIdle?.seconds ?? 0) },
  { name: 'endpoint[<ip:port|ip>].reasons', kind: 'count', where: false, meaning: 'how many reasons its verdict gives',
    pattern: new RegExp(`^${ENDPOINT_NAME}\\.reasons$`), resolve: (m) => endpointFigure(m[1], 'count', (e) => e.peakInstance.item.reasons.length) },
  { name: 'endpoint[<ip:port|ip>].restart.breaks.<tcp|dns|quic>', kind: 'count', where: false,
    meaning: 'what a restart at --restart-at (or at its worst moment) would break: TCP connections, DNS queries in flight, QUIC connections',
    pattern: new RegExp(`^${ENDPOINT_NAME}\\.restart\\.breaks\\.(tcp|dns|quic)$`),
    resolve: (m) => endpointFigure(m[1], 'count', (e) => e.peakInstance.item.restart?.breaks[m[2] as 'tcp' | 'dns' | 'quic'].length ?? 0) },
  // the trackers' own metrics (track/<name>/module.ts)
  ...(TRACKERS as readonly AnyTrackerModule[]).flatMap((m) => m.metrics.map((metric): MetricDef => ({
    name: metric.name, kind: metric.kind, meaning: metric.meaning, where: false, pattern: metric.pattern,
    resolve: (match) => {
      const invalid = metric.invalid?.(match) ?? null;
      if (invalid !== null) return { error: `${invalid} in metric ${match[0]}` };
      return captureFigure(metric.noun, (r) => metric.value((r as unknown as Record<string, unknown>)[m.name], match), metric.kind);
    },
  }))),
];

/** Every metric, for documentation (README table, `--help`). */
export const METRICS: readonly MetricDoc[] = DEFS.map(({ name, kind, meaning, where }) => ({ name, kind, meaning, where }));

/** The metrics as a markdown table, for the README. */
export function metricsMarkdownTable(): string {
  const rows = METRICS.map((m) => `| \`${m.name}\` | ${m.kind} | ${m.meaning.replace(/\|/g, '\\|')} | ${m.where ? 'yes' : 'no'} |`);
  return ['| Metric | Value | Meaning | Narrowed by `where` |', '|---|---|---|---|', ...rows].join('\n') + '\n';
}

function resolveMetric(metric: string): Resolved | { error: string } {
  const name = metric.trim();
  for (const def of DEFS) {
    const match = def.pattern.exec(name);
    if (match !== null) return def.resolve(match);
  }
  const family = name.split(/[.[]/)[0];
  const near = METRICS.filter((m) => m.name.split(/[.[]/)[0] === family).map((m) => m.name);
  const hint = near.length > 0 ? `${family} metrics: ${near.join(', ')}` : `families: capture, limits, ${TRACKERS.map((m) => m.name).join(', ')}, endpoints, endpoint[...]`;
  return { error: `unknown metric "${name}" (${hint})` };
}

/** The kind of a metric, or why the name is not a metric. Used to validate expectations before any analysis. */
export function metricKind(metric: string): { kind: MetricKind } | { error: string } {
  const resolved = resolveMetric(metric);
  return 'error' in resolved ? resolved : { kind: resolved.kind };
}

/** A metric over several reports analysed together, with the records behind its value. */
export function measureMetric(reports: readonly Report[], metric: string, where: Where = {}): Measurement | { error: string } {
  const resolved = resolveMetric(metric);
  if ('error' in resolved) return resolved;
  return { ...resolved.measure(buildScope(reports, resolved.narrowed ? where : {})), narrowed: resolved.narrowed };
}

/** A metric over one report. */
export function evaluateMetric(report: Report, metric: string, where?: Where): { value: number | string } | { error: string } {
  const measured = measureMetric([report], metric, where);
  return 'error' in measured ? measured : { value: measured.value };
}

export { parseExpectation, type Expectation } from './expectation.js';
