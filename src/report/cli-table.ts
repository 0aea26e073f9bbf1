/**
 * The one place that builds cli-table3 tables, so every view looks the same and honours the
 * color decision made by the CLI: with `color: false` no ANSI escape is emitted at all
 * (cli-table3 colors its header and borders unless `style.head` and `style.border` are empty).
 */
import { createRequire } from 'node:module';
import type TableConstructor from 'cli-table3';

/**
 * cli-table3 is loaded at the first table drawn, not at start-up: with its dependencies it took
 * ~5 ms of every run's start, JSON runs included. In the bundled CLI, esbuild compiles the plain
 * `require` call into a call of its bundled copy (still run only then); unbundled (the library,
 * an ES module without `require`), Node's own require loads it.
 */
let tableClass: typeof TableConstructor | undefined;
function Table(): typeof TableConstructor {
  tableClass ??= (typeof require === 'function' ? require('cli-table3') : createRequire(import.meta.url)('cli-table3')) as typeof TableConstructor;
  return tableClass;
}

export type Cell = string | number;
export type Align = 'left' | 'right';

export interface GridOptions {
  color: boolean;
  /** Alignment per column; missing columns are left-aligned. */
  align?: Align[];
  /** Columns the table may use (a terminal's width); unlimited when absent. */
  width?: number;
  /** Headers of columns that may be left out to fit `width`, the least useful first. */
  drop?: readonly string[];
}

/** Headers of columns left out by the last renderGrid calls, for a note under the tables. */
export interface FitNote {
  dropped: string[];
}

// eslint-disable-next-line no-control-regex
const HEAD_STYLE = ['cyan'];
const BORDER_STYLE = ['grey'];

const ANSI_RE = /\u001b\[[0-9;]*m/g;

/** Display width of a cell: escapes take no room. */
function textWidth(text: string): number {
  return Math.max(...text.replace(ANSI_RE, '').split('\n').map((line) => [...line].length));
}

/** cli-table3 draws one border per column plus one, and a space of padding each side of a cell. */
function tableWidth(widths: readonly number[]): number {
  return widths.reduce((n, w) => n + w + 3, 1);
}

/** The longest word of a cell: the narrowest it can wrap to without cutting an address or a state. */
function longestWord(text: string): number {
  return Math.max(0, ...text.replace(ANSI_RE, '').split(/[\s\n]+/).map((word) => [...word].length));
}

/**
 * Which columns to keep and how wide each may be for `width` columns: leave out as few of the
 * columns named in `drop` (in that order) as needed for the rest to fit once wrapped at spaces,
 * then wrap the widest. Words are never cut. Returns null when everything fits as it is.
 */
export function fitColumns(head: readonly string[], rows: readonly (readonly string[])[], width: number, drop: readonly string[] = []):
  { keep: number[]; colWidths: (number | null)[] } | null {
  const natural = head.map((h, i) => Math.max(textWidth(h), ...rows.map((r) => textWidth(r[i] ?? ''))));
  if (tableWidth(natural) <= width) return null;
  const narrowest = head.map((h, i) => Math.max(longestWord(h), ...rows.map((r) => longestWord(r[i] ?? ''))));
  let keep = head.map((_, i) => i);
  for (const name of drop) {
    if (tableWidth(keep.map((i) => narrowest[i])) <= width) break;
    const i = keep.find((k) => head[k] === name);
    if (i !== undefined) keep = keep.filter((k) => k !== i);
  }
  const widths = keep.map((i) => natural[i]);
  while (tableWidth(widths) > width) {
    let widest = -1;
    for (let k = 0; k < widths.length; k++) {
      if (widths[k] > narrowest[keep[k]] && (widest < 0 || widths[k] > widths[widest])) widest = k;
    }
    if (widest < 0) break;
    widths[widest]--;
  }
  return { keep, colWidths: widths.map((w, k) => (w < natural[keep[k]] ? w + 2 : null)) };
}

/** A table with a header row. */
export function renderGrid(head: readonly string[], rows: readonly (readonly Cell[])[], opts: GridOptions, note?: FitNote): string {
  const text = rows.map((row) => row.map((cell) => (typeof cell === 'number' ? String(cell) : cell)));
  const fit = opts.width === undefined ? null : fitColumns(head, text, opts.width, opts.drop);
  const keep = fit?.keep ?? head.map((_, i) => i);
  if (note !== undefined && fit !== null) {
    for (const [i, h] of head.entries()) if (!keep.includes(i) && !note.dropped.includes(h)) note.dropped.push(h);
  }
  const table = new (Table())({
    head: keep.map((i) => head[i]),
    colAligns: keep.map((i) => opts.align?.[i] ?? 'left'),
    ...(fit !== null && fit.colWidths.some((w) => w !== null) ? { colWidths: fit.colWidths, wordWrap: true } : {}),
    style: { head: opts.color ? HEAD_STYLE : [], border: opts.color ? BORDER_STYLE : [], compact: true },
  });
  for (const row of text) table.push(keep.map((i) => row[i] ?? ''));
  return table.toString();
}

/** A two-column table of labelled values, without a header. */
export function renderKeyValue(rows: readonly (readonly [string, string])[], opts: { color: boolean; width?: number }): string {
  const keyWidth = Math.max(0, ...rows.map(([key]) => textWidth(key)));
  const valueWidth = Math.max(0, ...rows.map(([, value]) => textWidth(value)));
  // Too wide for the terminal: the values wrap (at spaces where they have them).
  const wrap = opts.width !== undefined && tableWidth([keyWidth, valueWidth]) > opts.width;
  const table = new (Table())({
    style: { head: [], border: opts.color ? BORDER_STYLE : [], compact: true },
    ...(wrap ? { colWidths: [keyWidth + 2, Math.max(10, (opts.width ?? 0) - keyWidth - 5)], wordWrap: true, wrapOnWordBoundary: true } : {}),
  });
  for (const [key, value] of rows) table.push([opts.color ? paint(key, 'bold', true) : key, value]);
  return table.toString();
}

const ANSI = { red: [31, 39], yellow: [33, 39], green: [32, 39], bold: [1, 22], dim: [2, 22] } as const;
export type Paint = keyof typeof ANSI;

/** Wraps text in an ANSI color when color is enabled; returns it unchanged otherwise. */
export function paint(text: string, style: Paint, enabled: boolean): string {
  if (!enabled) return text;
  const [open, close] = ANSI[style];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}
