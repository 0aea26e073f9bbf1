/**
 * What the state-over-time chart of one endpoint draws, from its report row: step series of
 * entries and bytes per kind of state (and in all), on one shared x of seconds since the capture's
 * first packet, decimated for drawing; the exact peaks, restart-safe windows and restart moment.
 * Used by the HTML report (uPlot) and by the static SVGs of --svg-dir.
 */
import type { EndpointReport, Report } from '../schema.js';
import { formatPackets } from '../format.js';
import { decimateRows } from './decimate.js';
import { isStateKind, kindSpec } from '../../model/state-kind.js';

export interface ChartSeries {
  /** A StateKind ("tcpConnections") or "all". */
  kind: string;
  label: string;
  entries: number[];
  bytes: number[];
}

export interface EndpointChart {
  /** Anchor of the endpoint's section. */
  id: string;
  name: string;
  /** Seconds since the capture's first packet, non-decreasing. */
  x: number[];
  /** The packet of each row (0 for the opening row before any packet). */
  packets: number[];
  /** Per kind first, then "all". */
  series: ChartSeries[];
  peak: { x: number; packet: number; entries: number; bytes: number } | null;
  peakBytes: { x: number; packet: number; entries: number; bytes: number } | null;
  /** Restart-safe (idle) windows, [start, end] in x. */
  windows: [number, number][];
  /** --restart-at, when it was asked for. */
  restart: { x: number; packet: number | null; breaks: string } | null;
  /** x of the capture's last packet. */
  end: number;
}

/** The legend of a kind: what its tracker declares (`label`); a kind no registered tracker declares shows under its own name. */
function kindLabel(kind: string): string {
  return isStateKind(kind) ? kindSpec(kind).label : kind;
}

type Point = EndpointReport['timeline'][number];

/** Default pixel buckets: a chart at most this wide draws from the decimated rows without loss. */
export const CHART_BUCKETS = 1000;

export function endpointChart(report: Report, e: EndpointReport, id: string, buckets = CHART_BUCKETS): EndpointChart {
  const t0 = report.capture.firstTime ?? e.timeline[0]?.time ?? 0;
  const end = Math.max(0, (report.capture.lastTime ?? t0) - t0);
  const kinds = Object.entries(e.timelineByKind ?? {}).filter((entry): entry is [string, Point[]] => Array.isArray(entry[1]));
  const sources: Point[][] = [...kinds.map(([, points]) => points), e.timeline];

  // Merge every source's changes in capture order; each row carries every series' current value.
  const events: { s: number; p: Point }[] = [];
  sources.forEach((points, s) => { for (const p of points) events.push({ s, p }); });
  events.sort((a, b) => a.p.packet - b.p.packet || a.p.time - b.p.time || a.s - b.s);
  const current = sources.map(() => ({ entries: 0, bytes: 0 }));
  const x: number[] = [0];
  const packets: number[] = [0];
  const columns = sources.map(() => ({ entries: [0], bytes: [0] }));
  for (let i = 0; i < events.length; i++) {
    const { s, p } = events[i];
    // Bytes in flight make no point of their own: each step shows the most bytes of its span (an
    // upper envelope), so a burst between two changes of entries still shows. Reports from before
    // maxBytes existed step at `bytes`.
    current[s] = { entries: p.entries, bytes: Math.max(p.bytes, p.maxBytes ?? p.bytes) };
    const next = events[i + 1];
    if (next !== undefined && next.p.packet === p.packet && next.p.time === p.time) continue;
    x.push(Math.max(0, p.time - t0));
    packets.push(p.packet);
    current.forEach((c, k) => { columns[k].entries.push(c.entries); columns[k].bytes.push(c.bytes); });
  }
  // The last values hold until the end of the capture.
  x.push(Math.max(end, x[x.length - 1]));
  packets.push(packets[packets.length - 1]);
  columns.forEach((c) => { c.entries.push(c.entries[c.entries.length - 1]); c.bytes.push(c.bytes[c.bytes.length - 1]); });

  const keep = decimateRows(x, columns.flatMap((c) => [c.entries, c.bytes]), buckets);
  const pick = <T>(values: T[]): T[] => keep.map((i) => values[i]);
  // Microseconds and whole bytes are all a chart can show; shorter numbers keep the page small.
  const micro = (v: number): number => Math.round(v * 1e6) / 1e6;
  const series: ChartSeries[] = columns.map((c, k) => {
    const kind = k < kinds.length ? kinds[k][0] : 'all';
    return { kind, label: kind === 'all' ? 'all state' : kindLabel(kind), entries: pick(c.entries), bytes: pick(c.bytes).map(Math.round) };
  });
  const at = (p: EndpointReport['peak']): EndpointChart['peak'] =>
    p.time === null || p.packet === null || p.entries === 0 ? null : { x: p.time - t0, packet: p.packet, entries: p.entries, bytes: p.bytes };
  const restart = e.restart !== null && e.restart.basis === 'requested' && e.restart.at.time !== null
    ? { x: e.restart.at.time - t0, packet: e.restart.at.packet, breaks: breaksText(e.restart.breaks) }
    : null;
  return {
    id, name: e.endpoint, x: pick(x).map(micro), packets: pick(packets), series,
    peak: at(e.peak), peakBytes: e.peakBytes.bytes === 0 ? null : at(e.peakBytes),
    windows: e.idleWindows.map((w) => [w.start - t0, w.end - t0]),
    restart, end,
  };
}

/** "breaks TCP 3, 4; DNS 7" (flow ids per protocol) or "breaks nothing". */
export function breaksText(b: Record<string, number[]>): string {
  const parts = Object.entries(b).filter(([, ids]) => ids.length > 0)
    .map(([proto, ids]) => `${proto.toUpperCase()} ${formatPackets(ids, 8).replaceAll('#', '')}`);
  return parts.length === 0 ? 'breaks nothing' : `breaks ${parts.join('; ')}`;
}
