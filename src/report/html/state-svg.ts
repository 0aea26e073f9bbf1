/**
 * A static state-over-time picture of one endpoint (`--svg-dir`, for markdown in CI job summaries
 * and Gradescope results, where no script runs): entries above, bytes below, step lines per kind of
 * state, restart-safe windows shaded, the peak marked with its packet, the --restart-at line.
 * Drawn from the same decimated chart data as the HTML report.
 */
import { formatBytes } from '../format.js';
import { escapeXml } from '../ladder/ladder-svg.js';
import type { EndpointChart } from './chart-data.js';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
const W = 720;
const PANEL = 150;
const LEFT = 70;
const RIGHT = 16;
const TOP = 40;
const GAP = 46;

/** An SVG path of a step line (the value holds until the next row) through (x, v). */
export function stepPath(xs: readonly number[], vs: readonly number[], sx: (x: number) => number, sy: (v: number) => number): string {
  if (xs.length === 0) return '';
  const parts = [`M${sx(xs[0]).toFixed(1)} ${sy(vs[0]).toFixed(1)}`];
  for (let i = 1; i < xs.length; i++) {
    parts.push(`H${sx(xs[i]).toFixed(1)}`);
    if (vs[i] !== vs[i - 1]) parts.push(`V${sy(vs[i]).toFixed(1)}`);
  }
  return parts.join('');
}

export function stateSvg(chart: EndpointChart): string {
  const e = escapeXml;
  const plotW = W - LEFT - RIGHT;
  const xMax = Math.max(chart.end, chart.x[chart.x.length - 1] ?? 0, 1e-6);
  const sx = (x: number): number => LEFT + (x / xMax) * plotW;
  const kinds = chart.series.filter((s) => s.kind !== 'all');
  const drawn = kinds.length > 0 ? kinds : chart.series;
  const out: string[] = [];
  const height = TOP + 2 * PANEL + GAP + 40;
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${W}" height="${height}" fill="#fff"/>`);
  out.push(`<text x="${LEFT}" y="18" font-size="14" font-weight="bold">${e(chart.name)}: state over time</text>`);
  const legend = drawn.map((s, i) => `<tspan fill="${COLORS[i % COLORS.length]}">■</tspan> ${e(s.label)}`).join('   ');
  out.push(`<text x="${LEFT}" y="32">${legend}   <tspan fill="#2ea043">■</tspan> restart-safe</text>`);

  const panel = (top: number, metric: 'entries' | 'bytes'): void => {
    const values = drawn.flatMap((s) => s[metric]);
    const vMax = Math.max(1, ...values);
    const sy = (v: number): number => top + PANEL - (v / vMax) * (PANEL - 6);
    out.push(`<rect x="${LEFT}" y="${top}" width="${plotW}" height="${PANEL}" fill="none" stroke="#d0d7de"/>`);
    for (const [a, b] of chart.windows) {
      const x0 = sx(Math.max(0, a));
      const x1 = sx(Math.min(xMax, b));
      if (x1 > x0) out.push(`<rect x="${x0.toFixed(1)}" y="${top}" width="${(x1 - x0).toFixed(1)}" height="${PANEL}" fill="#2ea043" fill-opacity="0.16"/>`);
    }
    const label = metric === 'bytes' ? formatBytes(vMax) : String(vMax);
    out.push(`<text x="${LEFT - 6}" y="${top + 10}" text-anchor="end">${e(label)}</text><text x="${LEFT - 6}" y="${top + PANEL}" text-anchor="end">0</text>`);
    out.push(`<text x="12" y="${top + PANEL / 2}" transform="rotate(-90 12 ${top + PANEL / 2})" text-anchor="middle">${metric}</text>`);
    drawn.forEach((s, i) => {
      out.push(`<path d="${stepPath(chart.x, s[metric], sx, sy)}" fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="1.6"/>`);
    });
    const peak = metric === 'bytes' ? chart.peakBytes : chart.peak;
    if (peak !== null) {
      const px = sx(peak.x).toFixed(1);
      const text = `peak ${metric === 'bytes' ? formatBytes(peak.bytes) : peak.entries} at #${peak.packet}`;
      out.push(`<line x1="${px}" y1="${top}" x2="${px}" y2="${top + PANEL}" stroke="#b35900" stroke-dasharray="4 3"/><text x="${Number(px) + 4}" y="${top + 12}" fill="#b35900">${e(text)}</text>`);
    }
    if (chart.restart !== null) {
      const rx = sx(chart.restart.x).toFixed(1);
      out.push(`<line x1="${rx}" y1="${top}" x2="${rx}" y2="${top + PANEL}" stroke="#c00" stroke-width="1.5"/><text x="${Number(rx) + 4}" y="${top + 26}" fill="#c00">${e(`restart${chart.restart.packet === null ? '' : ` after #${chart.restart.packet}`}: ${chart.restart.breaks}`)}</text>`);
    }
  };
  panel(TOP + 6, 'entries');
  panel(TOP + 6 + PANEL + GAP, 'bytes');
  const axisY = TOP + 6 + 2 * PANEL + GAP + 14;
  out.push(`<text x="${LEFT}" y="${axisY}">0 s</text><text x="${LEFT + plotW}" y="${axisY}" text-anchor="end">${e(`${xMax.toFixed(3)} s since the first packet`)}</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
