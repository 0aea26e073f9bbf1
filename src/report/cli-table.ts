/**
 * The one place that builds cli-table3 tables, so every view looks the same and honours the
 * color decision made by the CLI: with `color: false` no ANSI escape is emitted at all
 * (cli-table3 colors its header and borders unless `style.head` and `style.border` are empty).
 */
import Table from 'cli-table3';

export type Cell = string | number;
export type Align = 'left' | 'right';

export interface GridOptions {
  color: boolean;
  /** Alignment per column; missing columns are left-aligned. */
  align?: Align[];
}

const HEAD_STYLE = ['cyan'];
const BORDER_STYLE = ['grey'];

/** A table with a header row. */
export function renderGrid(head: readonly string[], rows: readonly (readonly Cell[])[], opts: GridOptions): string {
  const table = new Table({
    head: [...head],
    colAligns: head.map((_, i) => opts.align?.[i] ?? 'left'),
    style: { head: opts.color ? HEAD_STYLE : [], border: opts.color ? BORDER_STYLE : [], compact: true },
  });
  for (const row of rows) table.push(row.map((cell) => (typeof cell === 'number' ? String(cell) : cell)));
  return table.toString();
}

/** A two-column table of labelled values, without a header. */
export function renderKeyValue(rows: readonly (readonly [string, string])[], opts: { color: boolean }): string {
  const table = new Table({ style: { head: [], border: opts.color ? BORDER_STYLE : [], compact: true } });
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
