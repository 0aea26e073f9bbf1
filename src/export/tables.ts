/**
 * The export tables (schema statecap/export-v1): one declaration per kind of row. Each says where
 * its rows are in a report and which JSON fields become columns. The writer, the README's schema
 * section and the tests all iterate over TABLES, so adding a table is one more entry here. Every table also starts with capture_id and
 * capture_path, added by rows.ts.
 */
import type {
  AnyReport, ConnState, DnsOutcome, DnsTransactionReport, EndpointReport, IdleWindow, QuicConnectionReport, Report,
  TcpFlowReport, TcpStateName, TcpTransition,
} from '../report/schema.js';
import type { DatagramFlowReport } from '../model/datagram.js';
import type { HttpExchangeReport } from '../model/http.js';
import { CONN_STATES } from '../report/conn-states.js';
import { computed, endpoint, field, sqlName, type Cell, type Column, type EnumType } from './columns.js';

export const EXPORT_SCHEMA = 'statecap/export-v1';

export interface TableSpec<R> {
  name: string;
  /** One line for the README: what a row is. */
  row: string;
  /** The rows of one capture (a failed capture has only its `captures` row). */
  rows: (report: AnyReport) => Iterable<R>;
  columns: Column<R>[];
}

const values = <T extends string>(list: readonly T[]): EnumType => ({ enum: list });

const TCP_STATES = values<TcpStateName>([
  'CLOSED', 'LISTEN', 'SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING',
  'LAST-ACK', 'TIME-WAIT',
]);
const SIDE = values<'client' | 'server'>(['client', 'server']);
const STICKY = values<EndpointReport['stickyRouting']>(['4-tuple', 'connection-id', 'none']);
const TRANSPORT = values<'stateful' | 'stateless'>(['stateful', 'stateless']);
const DNS_TRANSPORT = values<'udp' | 'tcp'>(['udp', 'tcp']);
const DNS_OUTCOMES = values<DnsOutcome>(['answered', 'unanswered', 'late', 'rejected']);
const CONN_STATE = values<ConnState>(CONN_STATES);

/** The classification every flow-like row carries (absent only in reports built by hand). */
function classification<R>(): Column<R>[] {
  return [
    field('classification.transport', TRANSPORT),
    field('classification.stickyRouting', STICKY),
    field('classification.description', 'VARCHAR'),
    field('classification.applicationState.client', 'VARCHAR'),
    field('classification.applicationState.server', 'VARCHAR'),
  ];
}

const analysed = (r: AnyReport): r is Report => !('error' in r);

function* all<P, C>(parents: Iterable<P>, children: (p: P) => Iterable<C>): Iterable<{ parent: P; child: C }> {
  for (const parent of parents) for (const child of children(parent)) yield { parent, child };
}

const captures: TableSpec<AnyReport> = {
  name: 'captures',
  row: 'one per capture given, including those that could not be read (then `error` says why)',
  rows: (r) => [r],
  columns: [
    computed<AnyReport>('error', 'VARCHAR', (r) => ('error' in r ? r.error : r.capture.error ?? null)),
    field('schema', 'VARCHAR'),
    field('capture.format', values(['pcap', 'pcapng'])),
    field('capture.compressed', 'BOOLEAN'),
    field('capture.linkTypes', 'VARCHAR[]'),
    field('capture.packets', 'BIGINT'),
    field('capture.bytes', 'BIGINT'),
    field('capture.firstTime', 'TIMESTAMPTZ'),
    field('capture.lastTime', 'TIMESTAMPTZ'),
    field('capture.undecoded', 'MAP(VARCHAR, BIGINT)'),
    field('capture.files', 'VARCHAR[]'),
    field('options.dnsPorts', 'USMALLINT[]'),
    field('options.dnsTimeout', 'DOUBLE'),
    field('options.timeWait', 'DOUBLE'),
    field('options.checksums', values(['ignore', 'verify'])),
    field('tcp.summary.flows', 'BIGINT'),
    field('tcp.summary.packets', 'BIGINT'),
    field('tcp.summary.handshakes.complete', 'BIGINT'),
    field('tcp.summary.handshakes.partial', 'BIGINT'),
    field('tcp.summary.handshakes.missing', 'BIGINT'),
    field('tcp.summary.retransmissions', 'BIGINT'),
    field('tcp.summary.connStates', 'MAP(VARCHAR, BIGINT)'),
    field('dns.summary.queries', 'BIGINT'),
    field('dns.summary.answered', 'BIGINT'),
    field('dns.summary.unanswered', 'BIGINT'),
    field('dns.summary.late', 'BIGINT'),
    field('dns.summary.rejected', 'BIGINT'),
    field('dns.summary.unsolicited', 'BIGINT'),
    field('dns.summary.malformed', 'BIGINT'),
    field('dns.summary.rttMedian', 'DOUBLE'),
    field('dns.summary.rttP95', 'DOUBLE'),
    field('dns.summary.rcodes', 'MAP(VARCHAR, BIGINT)'),
    field('dns.tcpFramingGaps', 'BIGINT'),
    field('quic.summary.connections', 'BIGINT'),
    field('quic.summary.handshakes.complete', 'BIGINT'),
    field('quic.summary.handshakes.partial', 'BIGINT'),
    field('quic.summary.handshakes.initialOnly', 'BIGINT'),
    field('quic.unattributed.datagrams', 'BIGINT'),
    field('udp.summary.flows', 'BIGINT'),
    field('udp.summary.packets', 'BIGINT'),
    field('udp.summary.exchanges', 'BIGINT'),
    field('icmp.summary.flows', 'BIGINT'),
    field('icmp.summary.packets', 'BIGINT'),
    field('icmp.summary.exchanges', 'BIGINT'),
    field('http.summary.exchanges', 'BIGINT'),
    field('http.summary.requests', 'BIGINT'),
    field('http.summary.responses', 'BIGINT'),
    field('http.summary.malformed', 'BIGINT'),
    field('costModel.name', 'VARCHAR'),
    field('limits.evictedFlows', 'BIGINT'),
    field('limits.evictedOpenFlows', 'BIGINT'),
    field('limits.evictedFragments', 'BIGINT'),
    field('limits.evictedDnsQueries', 'BIGINT'),
    field('limits.evictedQuicConnections', 'BIGINT'),
    field('limits.omittedFlows', 'BIGINT'),
    field('limits.omittedDnsTransactions', 'BIGINT'),
    field('limits.omittedDnsRows', 'BIGINT'),
    field('limits.omittedQuicConnections', 'BIGINT'),
    field('limits.evictedUdpFlows', 'BIGINT'),
    field('limits.evictedIcmpFlows', 'BIGINT'),
    field('limits.omittedUdpFlows', 'BIGINT'),
    field('limits.omittedIcmpFlows', 'BIGINT'),
    field('limits.omittedHttpExchanges', 'BIGINT'),
    field('limits.sharedEndpointRows', 'VARCHAR[]'),
    field('warnings', 'VARCHAR[]'),
  ].map(unprefix('capture')),
};

const tcpFlows: TableSpec<TcpFlowReport> = {
  name: 'tcp_flows',
  row: 'one per TCP connection (`tcp.flows[]`)',
  rows: (r) => (analysed(r) ? r.tcp.flows : []),
  columns: [
    field('id', 'BIGINT'),
    ...endpoint<TcpFlowReport>('client'),
    ...endpoint<TcpFlowReport>('server'),
    field('firstPacket', 'BIGINT'),
    field('lastPacket', 'BIGINT'),
    field('packets', 'BIGINT'),
    field('payloadBytes.client', 'BIGINT'),
    field('payloadBytes.server', 'BIGINT'),
    field('start', 'TIMESTAMPTZ'),
    field('end', 'TIMESTAMPTZ'),
    field('handshake', values<TcpFlowReport['handshake']>(['complete', 'partial', 'missing'])),
    field('finalState.client', TCP_STATES),
    field('finalState.server', TCP_STATES),
    field('closedBy', SIDE),
    field('connState', CONN_STATE),
    field('history', 'VARCHAR'),
    field('analysis.retransmissions', 'BIGINT'),
    field('analysis.outOfOrder', 'BIGINT'),
    field('analysis.duplicateAcks', 'BIGINT'),
    field('analysis.zeroWindows', 'BIGINT'),
    field('analysis.keepAlives', 'BIGINT'),
    field('analysis.windowFull', 'BIGINT'),
    field('analysis.lostSegments', 'BIGINT'),
    field('maxBytesInFlight.client', 'BIGINT'),
    field('maxBytesInFlight.server', 'BIGINT'),
    field('handshakeRtt', 'DOUBLE'),
    ...(['client', 'server'] as const).flatMap((side): Column<TcpFlowReport>[] => [
      field(`directions.${side}.isn`, 'UINTEGER'),
      field(`directions.${side}.mss`, 'USMALLINT'),
      field(`directions.${side}.windowScale`, 'USMALLINT'),
      field(`directions.${side}.sackPermitted`, 'BOOLEAN'),
      field(`directions.${side}.timestamps`, 'BOOLEAN'),
      field(`directions.${side}.nextSeq`, 'BIGINT'),
      field(`directions.${side}.lastAck`, 'BIGINT'),
      field(`directions.${side}.packets`, 'BIGINT'),
      field(`directions.${side}.payloadBytes`, 'BIGINT'),
    ]),
    field('tunnel', 'VARCHAR[]'),
    field('vlan', 'USMALLINT[]'),
    ...classification<TcpFlowReport>(),
  ],
};

type TransitionRow = { parent: TcpFlowReport; child: TcpTransition };

const tcpTransitions: TableSpec<TransitionRow> = {
  name: 'tcp_transitions',
  row: 'one per state change of one end of a TCP connection (`tcp.flows[].transitions[]`)',
  rows: (r) => all(analysed(r) ? r.tcp.flows : [], (f) => f.transitions),
  columns: [
    computed<TransitionRow>('flow_id', 'BIGINT', (t) => t.parent.id),
    field('child.packet', 'BIGINT'),
    field('child.time', 'TIMESTAMPTZ'),
    field('child.endpoint', SIDE),
    field('child.from', TCP_STATES),
    field('child.to', TCP_STATES),
  ].map(unprefix('child')),
};

const dnsTransactions: TableSpec<DnsTransactionReport> = {
  name: 'dns_transactions',
  row: 'one per DNS query and its answers (`dns.transactions[]`)',
  rows: (r) => (analysed(r) ? r.dns.transactions : []),
  columns: [
    field('index', 'BIGINT'),
    field('id', 'USMALLINT'),
    ...endpoint<DnsTransactionReport>('client'),
    ...endpoint<DnsTransactionReport>('server'),
    field('transport', DNS_TRANSPORT),
    field('qname', 'VARCHAR'),
    field('qtype', 'VARCHAR'),
    field('qclass', 'VARCHAR'),
    field('queryPackets', 'BIGINT[]'),
    field('responsePackets', 'BIGINT[]'),
    field('queryTime', 'TIMESTAMPTZ'),
    field('responseTime', 'TIMESTAMPTZ'),
    field('rtt', 'DOUBLE'),
    field('rcode', values(['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'])),
    field('flags.aa', 'BOOLEAN'),
    field('flags.tc', 'BOOLEAN'),
    field('flags.rd', 'BOOLEAN'),
    field('flags.ra', 'BOOLEAN'),
    field('answers', 'BIGINT'),
    field('outcome', DNS_OUTCOMES),
    field('retransmissions', 'BIGINT'),
    field('duplicateResponses', 'BIGINT'),
    field('retriedOverTcp', 'BIGINT'),
    field('responseFrom', 'VARCHAR[]'),
    field('idReused', 'BOOLEAN'),
    ...classification<DnsTransactionReport>(),
  ],
};

const quicConnections: TableSpec<QuicConnectionReport> = {
  name: 'quic_connections',
  row: 'one per QUIC connection (`quic.connections[]`)',
  rows: (r) => (analysed(r) ? r.quic.connections : []),
  columns: [
    field('id', 'BIGINT'),
    ...endpoint<QuicConnectionReport>('client'),
    ...endpoint<QuicConnectionReport>('server'),
    field('version', 'VARCHAR'),
    field('versions', 'VARCHAR[]'),
    field('clientInitialDcid', 'VARCHAR'),
    field('clientScid', 'VARCHAR'),
    field('serverScid', 'VARCHAR'),
    field('retryScid', 'VARCHAR'),
    field('cids.client', 'VARCHAR[]'),
    field('cids.server', 'VARCHAR[]'),
    field('firstPacket', 'BIGINT'),
    field('lastPacket', 'BIGINT'),
    field('datagrams', 'BIGINT'),
    field('datagramsByDirection.client', 'BIGINT'),
    field('datagramsByDirection.server', 'BIGINT'),
    field('packets.client', 'BIGINT'),
    field('packets.server', 'BIGINT'),
    field('bytes.client', 'BIGINT'),
    field('bytes.server', 'BIGINT'),
    field('start', 'TIMESTAMPTZ'),
    field('end', 'TIMESTAMPTZ'),
    field('handshake', values<QuicConnectionReport['handshake']>(['complete', 'partial', 'initial-only'])),
    field('serverName', 'VARCHAR'),
    field('alpn', 'VARCHAR[]'),
    field('cipherSuite', 'VARCHAR'),
    field('transportParameters', 'MAP(VARCHAR, VARCHAR)'),
    field('ended', 'VARCHAR'),
    ...classification<QuicConnectionReport>(),
  ],
};

/** UDP and ICMP flows share one row shape (model/datagram.ts). */
function datagramFlows(proto: 'udp' | 'icmp'): TableSpec<DatagramFlowReport> {
  return {
    name: `${proto}_flows`,
    row: `one per ${proto.toUpperCase()} flow (\`${proto}.flows[]\`)${proto === 'icmp' ? '; its endpoints are bare addresses (`_port` null)' : ''}`,
    rows: (r) => (analysed(r) ? r[proto]?.flows ?? [] : []),
    columns: [
      field('id', 'BIGINT'),
      ...endpoint<DatagramFlowReport>('client'),
      ...endpoint<DatagramFlowReport>('server'),
      field('firstPacket', 'BIGINT'),
      field('lastPacket', 'BIGINT'),
      field('start', 'TIMESTAMPTZ'),
      field('end', 'TIMESTAMPTZ'),
      field('duration', 'DOUBLE'),
      field('packets.client', 'BIGINT'),
      field('packets.server', 'BIGINT'),
      field('payloadBytes.client', 'BIGINT'),
      field('payloadBytes.server', 'BIGINT'),
      field('connState', values<DatagramFlowReport['connState']>(['S0', 'SF', 'SHR', 'OTH'])),
      field('exchanges', 'BIGINT'),
      field('unanswered', 'BIGINT'),
      field('pattern', values<DatagramFlowReport['pattern']>(['request-response', 'stream', 'one-way'])),
      field('ended', values<DatagramFlowReport['ended']>(['timeout', 'capture-end', 'evicted'])),
      field('state.serverSocketDemux', 'VARCHAR'),
      field('state.middleboxConntrack.fromPacket', 'BIGINT'),
      field('state.middleboxConntrack.toPacket', 'BIGINT'),
      field('state.middleboxConntrack.seconds', 'DOUBLE'),
    ],
  };
}

/**
 * HTTP exchanges hold no secret value, and neither does their table: cookie names and short hashes
 * (for linking only), the Authorization scheme, a token's kind, JWT `alg` and claim names.
 * Cookies become two parallel lists, names and hashes, as SQL has no list of records here.
 */
const httpExchanges: TableSpec<HttpExchangeReport> = {
  name: 'http_exchanges',
  row: 'one per HTTP/1.x request and its response (`http.exchanges[]`); `flow` is the `id` of its row in `tcp_flows`',
  rows: (r) => (analysed(r) ? r.http?.exchanges ?? [] : []),
  columns: [
    field('flow', 'BIGINT'),
    ...endpoint<HttpExchangeReport>('client'),
    ...endpoint<HttpExchangeReport>('server'),
    field('requestPacket', 'BIGINT'),
    field('responsePacket', 'BIGINT'),
    // RFC 9110 §9 methods; others (WebDAV, ...) join the dictionary as they are seen.
    field('method', values(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'])),
    field('host', 'VARCHAR'),
    field('path', 'VARCHAR'),
    field('status', 'USMALLINT'),
    field('version', values(['HTTP/1.0', 'HTTP/1.1'])),
    computed<HttpExchangeReport>('cookies_sent', 'VARCHAR[]', (x) => x.cookiesSent.map((c) => c.name)),
    computed<HttpExchangeReport>('cookies_sent_hashes', 'VARCHAR[]', (x) => x.cookiesSent.map((c) => c.hash)),
    computed<HttpExchangeReport>('cookies_set', 'VARCHAR[]', (x) => x.cookiesSet.map((c) => c.name)),
    computed<HttpExchangeReport>('cookies_set_hashes', 'VARCHAR[]', (x) => x.cookiesSet.map((c) => c.hash)),
    field('authorization', 'VARCHAR'),
    field('token.kind', values(['jwt', 'opaque'])),
    field('token.alg', 'VARCHAR'),
    field('token.claims', 'VARCHAR[]'),
    field('token.hash', 'VARCHAR'),
  ],
};

const endpoints: TableSpec<EndpointReport> = {
  name: 'endpoints',
  row: 'one per endpoint of the state ledger (`endpoints[]`)',
  rows: (r) => (analysed(r) ? r.endpoints : []),
  columns: [
    ...endpoint<EndpointReport>('endpoint'),
    field('role', SIDE),
    field('transport', values<'tcp' | 'udp'>(['tcp', 'udp'])),
    field('verdict', TRANSPORT),
    field('reasons', 'VARCHAR[]'),
    field('stickyRouting', STICKY),
    ...(['peak', 'peakBytes'] as const).flatMap((p): Column<EndpointReport>[] => [
      field(`${p}.entries`, 'BIGINT'),
      field(`${p}.bytes`, 'BIGINT'),
      field(`${p}.time`, 'TIMESTAMPTZ'),
      field(`${p}.packet`, 'BIGINT'),
    ]),
    field('meanBytes', 'DOUBLE'),
    field('atEnd.entries', 'BIGINT'),
    field('atEnd.bytes', 'BIGINT'),
    field('idleWindowCount', 'BIGINT'),
    field('idleWindowsOmitted', 'BIGINT'),
    field('idleSeconds', 'DOUBLE'),
    field('longestIdle.start', 'TIMESTAMPTZ'),
    field('longestIdle.end', 'TIMESTAMPTZ'),
    field('longestIdle.seconds', 'DOUBLE'),
    field('restart.at.packet', 'BIGINT'),
    field('restart.at.time', 'TIMESTAMPTZ'),
    field('restart.basis', values(['requested', 'worst'])),
    field('restart.breaks.tcp', 'BIGINT[]'),
    field('restart.breaks.dns', 'BIGINT[]'),
    field('restart.breaks.quic', 'BIGINT[]'),
    field('timelineCompressed', 'BOOLEAN'),
  ],
};

type TimelineRow = { parent: EndpointReport; child: EndpointReport['timeline'][number] };

const endpointTimeline: TableSpec<TimelineRow> = {
  name: 'endpoint_timeline',
  row: 'one per change of the entries an endpoint holds (`endpoints[].timeline[]`); bytes in flight between two rows are in `max_bytes` and `mean_bytes`',
  rows: (r) => all(analysed(r) ? r.endpoints : [], (e) => e.timeline),
  columns: [
    ...endpoint<TimelineRow>('parent.endpoint'),
    field('parent.role', SIDE),
    field('child.time', 'TIMESTAMPTZ'),
    field('child.packet', 'BIGINT'),
    field('child.entries', 'BIGINT'),
    field('child.bytes', 'BIGINT'),
    field('child.maxBytes', 'BIGINT'),
    field('child.meanBytes', 'BIGINT'),
  ].map(unprefix('parent', 'child')),
};

type WindowRow = { parent: EndpointReport; child: IdleWindow };

const restartWindows: TableSpec<WindowRow> = {
  name: 'restart_windows',
  row: 'one per restart-safe (idle) window of an endpoint (`endpoints[].idleWindows[]`)',
  rows: (r) => all(analysed(r) ? r.endpoints : [], (e) => e.idleWindows),
  columns: [
    ...endpoint<WindowRow>('parent.endpoint'),
    field('parent.role', SIDE),
    field('child.start', 'TIMESTAMPTZ'),
    field('child.end', 'TIMESTAMPTZ'),
    field('child.seconds', 'DOUBLE'),
    field('child.fromPacket', 'BIGINT'),
    field('child.toPacket', 'BIGINT'),
  ].map(unprefix('parent', 'child')),
};

/** Rows of a child list are {parent, child}; their columns are named as in the child (plus the parent's). */
function unprefix(...prefixes: string[]) {
  return <R>(c: Column<R>): Column<R> => {
    const p = prefixes.find((x) => c.name.startsWith(`${x}_`));
    return p ? { ...c, name: sqlName(c.name.slice(p.length + 1)) } : c;
  };
}

/** A table with its row type erased: column names and types, and the cells of a report's rows. */
export interface Table {
  name: string;
  row: string;
  columns: readonly Pick<Column<unknown>, 'name' | 'type'>[];
  /** The cells of each row, after `lead` (the capture's id and path): one array per row, nothing copied. */
  cells: (report: AnyReport, lead: readonly Cell[]) => Iterable<Cell[]>;
}

function erase<R>(spec: TableSpec<R>): Table {
  return {
    name: spec.name,
    row: spec.row,
    columns: spec.columns.map(({ name, type }) => ({ name, type })),
    *cells(report, lead) {
      for (const row of spec.rows(report)) {
        const cells = [...lead];
        for (const c of spec.columns) cells.push(c.value(row));
        yield cells;
      }
    },
  };
}

/** Every table, in the order they are written and documented. */
export const TABLES: readonly Table[] = [
  erase(captures), erase(tcpFlows), erase(tcpTransitions), erase(dnsTransactions), erase(quicConnections),
  erase(datagramFlows('udp')), erase(datagramFlows('icmp')), erase(httpExchanges), erase(endpoints), erase(endpointTimeline), erase(restartWindows),
];
