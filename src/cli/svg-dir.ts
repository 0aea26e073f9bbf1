/**
 * `--svg-dir DIR` (with `--format markdown`): writes one state-over-time SVG per top endpoint of
 * each capture and returns the markdown that embeds them, linked relative to the markdown file
 * (or to the working directory when it goes to standard output).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { isFailed } from '../report/failed.js';
import { endpointChart } from '../report/html/chart-data.js';
import { stateSvg } from '../report/html/state-svg.js';
import type { AnyReport } from '../report/schema.js';
import { UsageError } from './options.js';

/** Endpoints pictured per capture, those holding most first. */
export const SVG_ENDPOINTS = 5;

/** A file name from an endpoint ("10.0.0.2:80" -> "10.0.0.2_80"): no separators, nothing odd. */
export function svgFileName(captureIndex: number, endpoint: string): string {
  return `${captureIndex}-${endpoint.replace(/[^A-Za-z0-9.-]+/g, '_')}.svg`;
}

export function writeStateSvgs(reports: readonly AnyReport[], dir: string, markdownPath: string | undefined): string {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UsageError(`--svg-dir ${dir}: cannot create it (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const base = markdownPath === undefined ? '.' : dirname(markdownPath);
  const lines: string[] = ['', '## State over time', ''];
  reports.forEach((r, ci) => {
    if (isFailed(r)) return;
    const shown = r.endpoints.filter((e) => e.peak.entries > 0).slice(0, SVG_ENDPOINTS);
    if (shown.length === 0) return;
    lines.push(`### \`${r.capture.path.replace(/`/g, "'")}\``, '');
    for (const e of shown) {
      const file = join(dir, svgFileName(ci, e.endpoint));
      try {
        writeFileSync(file, stateSvg(endpointChart(r, e, `ep-${ci}`)));
      } catch (err) {
        throw new UsageError(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
      }
      const href = relative(base, file).split(sep).join('/');
      lines.push(`![${e.endpoint}: state over time](${encodeURI(href)})`, '');
    }
  });
  return `${lines.join('\n')}\n`;
}
