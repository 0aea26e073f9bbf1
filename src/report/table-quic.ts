/** One row per QUIC connection: endpoints, version, what the handshake revealed, paths (issue 4). */
import type { QuicReport } from './schema.js';
import { renderGrid, paint } from './cli-table.js';
import { formatPackets, listedCount, moreLine, shortenHex } from './format.js';

const HEAD = ['#', 'Client', 'Server', 'Version', 'SNI', 'ALPN', 'CIDs client / server', 'Datagrams c / s', 'Handshake', 'Paths'];

function cids(list: readonly string[]): string {
  if (list.length === 0) return '-';
  const first = shortenHex(list[0]);
  return list.length > 1 ? `${first} +${list.length - 1}` : first;
}

export function quicSection(quic: QuicReport, opts: { color: boolean; maxRows: number }): string | null {
  if (quic.summary.connections === 0 && quic.unattributed.datagrams === 0) return null;
  const shown = quic.connections.slice(0, opts.maxRows);
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
  if (rows.length > 0) lines.push(renderGrid(HEAD, rows, { color: opts.color }));
  const more = moreLine(quic.connections.length, shown.length, 'QUIC connections', quic.summary.connections);
  if (more !== null) lines.push(more);
  if (quic.unattributed.datagrams > 0) {
    lines.push(`Unattributed QUIC datagrams: ${quic.unattributed.datagrams} (${formatPackets(quic.unattributed.packets)})`);
  }
  return lines.join('\n');
}
