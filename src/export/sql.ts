/**
 * `statecap sql`: SQL over an export with an in-memory DuckDB. Each export table is a view of its
 * Parquet file; a folder holding exports (one per capture, as a fleet writes them) is read as one,
 * each view then the union of their files.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import type { DuckDBListType, DuckDBMapType, DuckDBStructType, DuckDBType } from '@duckdb/node-api';
import { join } from 'node:path';
import { csvField } from '../grade/formats.js';
import { renderGrid } from '../report/cli-table.js';
import { isEnum } from './columns.js';
import { ExportFolderError, SqlError } from './errors.js';
import { MANIFEST, readManifest, tableFile } from './folder.js';
import { TABLES } from './tables.js';
import { loadDuckDB, openDuckDB, quoteIdent, quoteString } from './writer.js';

/** DuckDB's type ids, set when DuckDB is loaded (it is loaded lazily, so not imported at the top). */
let duckdbTypeIds: Pick<typeof import('@duckdb/node-api'), 'DuckDBTypeId'>;

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
  duckdbTypeIds = duckdb;
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
    const columnTypes = reader.columnTypes();
    const rows = reader.getRowsJson().map((row) => row.map((v, i) => plain(v, columnTypes[i])));
    return { columns: reader.columnNames(), types: columnTypes.map(String), rows };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * A value of DuckDB's JSON form made plain: 64- and 128-bit integers (text there) become numbers
 * when a double holds them exactly, maps become objects, lists and structs are followed inside.
 */
function plain(v: unknown, type: DuckDBType): unknown {
  if (v === null || v === undefined) return null;
  const { DuckDBTypeId: T } = duckdbTypeIds;
  switch (type.typeId) {
    case T.BIGINT: case T.UBIGINT: case T.HUGEINT: case T.UHUGEINT:
      return typeof v === 'string' && Number.isSafeInteger(Number(v)) ? Number(v) : v;
    case T.LIST: case T.ARRAY:
      return (v as unknown[]).map((x) => plain(x, (type as DuckDBListType).valueType));
    case T.MAP: {
      const t = type as DuckDBMapType;
      return Object.fromEntries((v as { key: unknown; value: unknown }[]).map((e) => [String(plain(e.key, t.keyType)), plain(e.value, t.valueType)]));
    }
    case T.STRUCT: {
      const t = type as DuckDBStructType;
      return Object.fromEntries(t.entryNames.map((name, i) => [name, plain((v as Record<string, unknown>)[name], t.entryTypes[i])]));
    }
    default:
      return v;
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
  const numeric = result.types.map((t) => /^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|DOUBLE|FLOAT|DECIMAL\(.*\))$/.test(t));
  const align = numeric.map((n) => (n ? 'right' : 'left') as 'right' | 'left');
  const rows = result.rows.map((r) => r.map(text));
  return `${renderGrid(result.columns, rows, { color, align })}\n(${rows.length} row${rows.length === 1 ? '' : 's'})\n`;
}
