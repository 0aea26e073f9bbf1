/**
 * The state ledger view (issue 5): endpoints by peak bytes, then one line per verdict reason and
 * what a restart would break. `statecap state` prints this view alone.
 */
import type { EndpointReport } from './schema.js';
import { renderGrid, paint } from './cli-table.js';
import type { SectionOptions } from './layout.js';
import { countOf, formatBytes, formatSeconds, moreLine } from './format.js';

const HEAD = ['Endpoint', 'Role', 'Verdict', 'Peak entries', 'At', 'Peak bytes', 'At', 'Idle', 'Sticky routing'];
const ALIGN = ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'left'] as const;

/** Endpoints by peak bytes, largest first; ties by name so the order is stable. */
export function endpointsByPeak(endpoints: readonly EndpointReport[]): EndpointReport[] {
  return [...endpoints].sort((a, b) => b.peakBytes.bytes - a.peakBytes.bytes || (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0));
}

/** "#12", or "-" for a peak never reached (an endpoint that held nothing). */
export function atPacket(packet: number | null): string {
  return packet === null ? '-' : `#${packet}`;
}

function list(ids: readonly number[]): string {
  return ids.length > 10 ? `${ids.slice(0, 10).join(', ')} …` : ids.join(', ');
}

/** "restart at packet #16 (most state held) breaks 1 TCP connection (3)". */
export function restartLine(e: EndpointReport): string | null {
  if (e.restart === null) return null;
  const r = e.restart;
  const at = r.at.packet !== null ? `packet #${r.at.packet}` : 'the requested time';
  const basis = r.basis === 'worst' ? ' (most state held)' : '';
  const parts: string[] = [];
  if (r.breaks.tcp.length > 0) parts.push(`${countOf(r.breaks.tcp.length, 'TCP connection', 'TCP connections')} (${list(r.breaks.tcp)})`);
  if (r.breaks.dns.length > 0) parts.push(`${countOf(r.breaks.dns.length, 'DNS query', 'DNS queries')} in flight (${list(r.breaks.dns)})`);
  if (r.breaks.quic.length > 0) parts.push(`${countOf(r.breaks.quic.length, 'QUIC connection', 'QUIC connections')} (${list(r.breaks.quic)})`);
  return `restart at ${at}${basis} breaks ${parts.length > 0 ? parts.join(', ') : 'nothing'}`;
}

export function endpointsSection(endpoints: readonly EndpointReport[], opts: SectionOptions): string {
  if (endpoints.length === 0) return 'Endpoints: none';
  const sorted = endpointsByPeak(endpoints);
  const shown = sorted.slice(0, opts.maxRows);
  const rows = shown.map((e) => [
    e.endpoint,
    e.role,
    paint(e.verdict, e.verdict === 'stateful' ? 'yellow' : 'green', opts.color),
    e.peak.entries,
    atPacket(e.peak.packet),
    formatBytes(e.peakBytes.bytes),
    atPacket(e.peakBytes.packet),
    formatSeconds(e.idleSeconds),
    e.stickyRouting,
  ]);
  const lines = [`Endpoints (${endpoints.length}) by peak state`, renderGrid(HEAD, rows, { color: opts.color, align: [...ALIGN], width: opts.width, drop: ['Sticky routing', 'At', 'Idle'] }, opts.note)];
  const more = moreLine(endpoints.length, shown.length, 'endpoints');
  if (more !== null) lines.push(more);
  for (const e of shown) {
    for (const reason of e.reasons) lines.push(`${e.endpoint}: ${reason}`);
    const restart = restartLine(e);
    if (restart !== null) lines.push(`${e.endpoint}: ${restart}`);
  }
  return lines.join('\n');
}
