/**
 * `statecap sql`: SQL over an export with an in-memory DuckDB. Each export table is a view of its
 * Parquet file; a folder holding exports (one per capture, as a fleet writes them) is read as one,
 * each view then the union of their files.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { csvField } from '../grade/formats.js';
import { renderGrid } from '../report/cli-table.js';
import { isEnum } from './columns.js';
import { ExportFolderError, SqlError } from './errors.js';
import { MANIFEST, readManifest, tableFile } from './folder.js';
import { TABLES } from './tables.js';
import { loadDuckDB, openDuckDB, quoteIdent, quoteString } from './writer.js';

/** How deep below the folder given `sql` looks for exports. */
const MAX_DEPTH = 6;

export type SqlFormat = 'table' | 'json' | 'csv';
export const SQL_FORMATS: readonly SqlFormat[] = ['table', 'json', 'csv'];

export interface QueryResult {
  columns: string[];
  types: string[];
  /** JSON-ready values: integers that fit a double as numbers, timestamps as text in UTC. */
  rows: unknown[][];
}

/**
 * The export folders under `dir`: itself, or else every export found below it (not below an
 * export), sorted by path: the layout a fleet leaves in object storage, one export per capture.
 */
export function exportFolders(dir: string): string[] {
  if (existsSync(join(dir, MANIFEST))) {
    readManifest(dir);
    return [dir];
  }
  const found: string[] = [];
  // Deep enough for date/host/capture layouts, bounded so that a wrong folder fails fast.
  const walk = (d: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch (e) {
      throw new ExportFolderError(`${d}: cannot read (${(e as NodeJS.ErrnoException).code ?? e})`);
    }
    for (const name of names) {
      const p = join(d, name);
      if (!statSync(p, { throwIfNoEntry: false })?.isDirectory()) continue;
      if (existsSync(join(p, MANIFEST))) found.push(p);
      else if (depth < MAX_DEPTH) walk(p, depth + 1);
    }
  };
  walk(dir, 1);
  if (found.length === 0) throw new ExportFolderError(`${dir}: not a statecap export (no ${MANIFEST} in it or below it)`);
  for (const f of found) readManifest(f);
  return found;
}

export async function runSql(dir: string, sql: string): Promise<QueryResult> {
  const folders = exportFolders(dir);
  const duckdb = await loadDuckDB();
  const { instance, connection } = await openDuckDB(duckdb, ':memory:');
  try {
    for (const table of TABLES) {
      const files = folders.map((f) => join(f, tableFile(table.name))).filter((f) => existsSync(f));
      if (files.length > 0) {
        const list = files.map(quoteString).join(', ');
        await connection.run(`CREATE VIEW ${quoteIdent(table.name)} AS SELECT * FROM read_parquet([${list}], union_by_name = true)`);
      } else {
        // An export older than the table: an empty table with its columns, so queries still bind.
        const columns = ['capture_id INTEGER', 'capture_path VARCHAR', ...table.columns.map((c) => `${quoteIdent(c.name)} ${isEnum(c.type) ? 'VARCHAR' : c.type}`)];
        await connection.run(`CREATE TABLE ${quoteIdent(table.name)} (${columns.join(', ')})`);
      }
    }
    let reader;
    try {
      reader = await connection.runAndReadAll(sql);
    } catch (e) {
      throw new SqlError((e as Error).message.split('\n')[0]);
    }
    const types = reader.columnTypes().map(String);
    const integer = types.map((t) => /^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|UHUGEINT)$/.test(t));
    const rows = reader.getRowsJson().map((row) => row.map((v, i) => (integer[i] && typeof v === 'string' && Number.isSafeInteger(Number(v)) ? Number(v) : v)));
    return { columns: reader.columnNames(), types, rows };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** A value as text in a table or CSV: lists and maps as JSON, NULL as an empty cell. */
function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function formatResult(result: QueryResult, format: SqlFormat, color: boolean): string {
  if (format === 'json') {
    const objects = result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c, row[i]])));
    return `${JSON.stringify(objects, null, 2)}\n`;
  }
  if (format === 'csv') {
    // RFC 4180 §2: records end with CRLF.
    return [result.columns, ...result.rows.map((r) => r.map(text))].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
  }
  const numeric = result.types.map((t) => /INT|DOUBLE|FLOAT|DECIMAL/.test(t) && !t.endsWith(']'));
  const align = numeric.map((n) => (n ? 'right' : 'left') as 'right' | 'left');
  const rows = result.rows.map((r) => r.map(text));
  return `${renderGrid(result.columns, rows, { color, align })}\n(${rows.length} row${rows.length === 1 ? '' : 's'})\n`;
}
