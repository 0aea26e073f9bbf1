/**
 * The state ledger view (issue 5): endpoints by peak bytes, then one line per verdict reason and
 * what a restart would break. `statecap state` prints this view alone.
 */
import { TRACKERS } from '../track/registry.js';
import type { EndpointReport, IdleWindow, StateLossReport } from './schema.js';
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

/** Restart-safe windows listed per endpoint, longest first. */
export const WINDOWS_SHOWN = 3;

/** "#30–end (6.74 s)", "start–#2 (27 µs)". */
export function windowText(w: IdleWindow): string {
  const from = w.fromPacket === null ? 'start' : `#${w.fromPacket}`;
  const to = w.toPacket === null ? 'end' : `#${w.toPacket}`;
  return `${from}–${to} (${formatSeconds(w.seconds)})`;
}

/** "restart-safe 10.8 s in 4 windows, longest #30–end (6.74 s), #10–#12 (2.02 s), #20–#22 (2.01 s)". */
export function windowsLine(e: EndpointReport): string {
  const count = e.idleWindowCount ?? e.idleWindows.length;
  if (count === 0) return 'restart-safe: never (it held breakable state from the start to the end of the capture)';
  const longest = [...e.idleWindows].sort((a, b) => b.seconds - a.seconds || a.start - b.start).slice(0, WINDOWS_SHOWN);
  return `restart-safe ${formatSeconds(e.idleSeconds)} in ${countOf(count, 'window', 'windows')}, longest ${longest.map(windowText).join(', ')}`;
}

/** "restart at packet #16 (most state held) breaks 1 TCP connection (3)". */
export function restartLine(e: EndpointReport, stateLoss: readonly StateLossReport[] = []): string | null {
  if (e.restart === null) return null;
  const r = e.restart;
  const at = r.at.packet !== null ? `packet #${r.at.packet}` : 'the requested time';
  const basis = r.basis === 'worst' ? ' (most state held)' : '';
  // With --restart-at each broken flow comes with its packets: "3 #10–#25".
  const spans = new Map((r.flows ?? []).map((f) => [`${f.proto}:${f.id}`, `#${f.firstPacket}–#${f.lastPacket}`]));
  const ids = (proto: string, list: readonly number[]): string => {
    const shown = list.slice(0, 10).map((id) => {
      const span = spans.get(`${proto}:${id}`);
      return span === undefined ? `${id}` : `${id} ${span}`;
    });
    return list.length > 10 ? `${shown.join(', ')} …` : shown.join(', ');
  };
  const parts: string[] = [];
  if (r.breaks.tcp.length > 0) parts.push(`${countOf(r.breaks.tcp.length, 'TCP connection', 'TCP connections')} (${ids('tcp', r.breaks.tcp)})`);
  if (r.breaks.dns.length > 0) parts.push(`${countOf(r.breaks.dns.length, 'DNS query', 'DNS queries')} in flight (${ids('dns', r.breaks.dns)})`);
  if (r.breaks.quic.length > 0) parts.push(`${countOf(r.breaks.quic.length, 'QUIC connection', 'QUIC connections')} (${ids('quic', r.breaks.quic)})`);
  for (const [proto, list] of Object.entries(r.breaks)) {
    if (proto === 'tcp' || proto === 'dns' || proto === 'quic' || list.length === 0) continue;
    const label = TRACKERS.find((m) => m.name === proto)?.label ?? proto;
    parts.push(`${countOf(list.length, `${label} flow`, `${label} flows`)} (${ids(proto, list)})`);
  }
  // The what-if and what happened, as one story: a broken flow whose loss the capture shows.
  const seen = stateLoss.filter((l) => l.endpoint === e.endpoint && l.flow !== undefined && r.breaks.tcp.includes(l.flow));
  const observed = seen.length > 0
    ? `; the capture shows it: ${seen.slice(0, 3).map((l) => `flow ${l.flow} was lost at packet #${l.packet} (${l.kind})`).join(', ')}`
    : '';
  return `restart at ${at}${basis} breaks ${parts.length > 0 ? parts.join(', ') : 'nothing'}${observed}`;
}

export function endpointsSection(
  endpoints: readonly EndpointReport[], opts: SectionOptions, stateLoss: readonly StateLossReport[] = [],
): string {
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
    lines.push(`${e.endpoint}: ${windowsLine(e)}`);
    const restart = restartLine(e, stateLoss);
    if (restart !== null) lines.push(`${e.endpoint}: ${restart}`);
  }
  return lines.join('\n');
}
