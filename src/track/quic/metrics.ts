/** The `check` metrics of QUIC (quic.*) and the records they count: every QUIC connection. */
import type { QuicConnectionReport, Report } from '../../report/schema.js';
import { formatPacketRange } from '../../report/format.js';
import { captureFigure, counter, fixed, recordsOf, summer, type CheckRecords, type MetricDef } from '../../check/blocks.js';

export function describeQuicConnection(c: QuicConnectionReport): string {
  const sni = c.serverName === null ? 'no SNI' : `SNI ${c.serverName}`;
  const alpn = c.alpn.length > 0 ? `ALPN ${c.alpn.join(',')}` : 'no ALPN';
  return `QUIC connection ${c.id} ${c.client} → ${c.server} (packets ${formatPacketRange(c.firstPacket, c.lastPacket)}): ` +
    `version ${c.version ?? 'unknown'}, ${sni}, ${alpn}, handshake ${c.handshake}`;
}

const quic = recordsOf<QuicConnectionReport>('quic');
const quicCount = (predicate?: (c: QuicConnectionReport) => boolean) => counter('QUIC connections', quic, describeQuicConnection, predicate);

export const QUIC_RECORDS: readonly CheckRecords[] = [{
  list: 'quic',
  *conversations(report: Report) {
    for (const c of report.quic.connections) yield [c, { client: c.client, server: c.server, transport: 'quic', serverName: c.serverName }];
  },
}];

export const QUIC_METRICS: readonly MetricDef[] = [
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
];
