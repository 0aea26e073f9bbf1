/** One row per QUIC connection: endpoints, version, what the handshake revealed, paths (issue 4). */
import type { QuicConnectionReport, QuicReport } from './schema.js';
import { sortRows, type SectionOptions, type SortKey } from './layout.js';
import { renderGrid, paint } from './cli-table.js';
import { formatPackets, listedCount, moreLine, shortenHex } from './format.js';

const HEAD = ['#', 'Client', 'Server', 'Version', 'SNI', 'ALPN', 'CIDs client / server', 'Datagrams c / s', 'Handshake', 'Paths'];

/** Left out first on a narrow terminal. */
const DROP = ['CIDs client / server', 'Paths', 'Datagrams c / s', 'Version', 'ALPN'];

function measure(c: QuicConnectionReport, key: SortKey): number {
  switch (key) {
    case 'start': return c.start;
    case 'packets': return c.datagrams;
    case 'bytes': return c.bytes.client + c.bytes.server;
    case 'duration': return c.end - c.start;
    case 'problems': return c.handshake === 'complete' ? 0 : 1;
    default: return c.id;
  }
}

function cids(list: readonly string[]): string {
  if (list.length === 0) return '-';
  const first = shortenHex(list[0]);
  return list.length > 1 ? `${first} +${list.length - 1}` : first;
}

export function quicSection(quic: QuicReport, opts: SectionOptions): string | null {
  if (quic.summary.connections === 0 && quic.unattributed.datagrams === 0) return null;
  const shown = sortRows(quic.connections, opts.sort, measure).slice(0, opts.maxRows);
  const rows = shown.map((c) => [
    c.id,
    c.client,
    c.server,
    c.versions.length > 1 ? c.versions.join(' → ') : (c.version ?? '-'),
    c.serverName ?? '-',
    c.alpn.length > 0 ? c.alpn.join(', ') : '-',
    `${cids(c.cids.client)} / ${cids(c.cids.server)}`,
    `${c.datagramsByDirection.client} / ${c.datagramsByDirection.server}`,
    c.handshake === 'complete' ? c.handshake : paint(c.handshake, 'yellow', opts.color),
    c.paths.length > 1 ? `${c.paths.length} (migrated at ${formatPackets(c.paths.slice(1).map((p) => p.firstPacket), 3)})` : String(c.paths.length),
  ]);
  const lines = [`QUIC connections (${listedCount(quic.connections.length, quic.summary.connections)})`];
  if (rows.length > 0) lines.push(renderGrid(HEAD, rows, { color: opts.color, width: opts.width, drop: DROP }, opts.note));
  const more = moreLine(quic.connections.length, shown.length, 'QUIC connections', quic.summary.connections);
  if (more !== null) lines.push(more);
  if (quic.unattributed.datagrams > 0) {
    lines.push(`Unattributed QUIC datagrams: ${quic.unattributed.datagrams} (${formatPackets(quic.unattributed.packets)})`);
  }
  return lines.join('\n');
}
