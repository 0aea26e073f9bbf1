/**
 * Writes row batches into Parquet through an embedded DuckDB. Rows go through DuckDB appenders into
 * a database file in the export folder (so memory stays within DuckDB's limit however many
 * captures come), and each table is then copied once to a zstd-compressed Parquet file. Enum
 * columns are cast to ENUM on the way out, which Parquet stores dictionary-encoded.
 * DuckDB is imported here only, when an export or a query runs: `analyze` never loads it.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBAppender, DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { isEnum, type Cell, type EnumType, type SqlType } from './columns.js';
import { STAGING, tableFile } from './folder.js';
import type { RowBatch } from './rows.js';
import { TABLES, type Table } from './tables.js';

type DuckDB = typeof import('@duckdb/node-api');

/** DuckDB's memory ceiling for an export; beyond it, it spills to the staging folder. */
const MEMORY_LIMIT = '512MB';

/** Every table also has these first two columns. */
const KEY_COLUMNS = [{ name: 'capture_id', type: 'INTEGER' }, { name: 'capture_path', type: 'VARCHAR' }] as const;

/** Loads DuckDB, with a one-line error when the optional native package is missing or broken. */
export async function loadDuckDB(): Promise<DuckDB> {
  try {
    return await import('@duckdb/node-api');
  } catch (e) {
    throw new Error(`cannot load DuckDB (@duckdb/node-api): ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Opens a DuckDB that never reaches the network for extensions (Parquet and JSON are built in). */
export async function openDuckDB(duckdb: DuckDB, path: string, options: Record<string, string> = {}): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> {
  const instance = await duckdb.DuckDBInstance.create(path, {
    autoinstall_known_extensions: 'false',
    ...options,
  });
  const connection = await instance.connect();
  // Timestamps print in UTC whatever the machine's zone, so output is the same everywhere.
  await connection.run("SET TimeZone = 'UTC'");
  return { instance, connection };
}

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
export const quoteString = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/**
 * The staging type of a column, and the cast that turns it into the column's type at the copy.
 * Enums stay VARCHAR until then, so unforeseen values still load. BIGINT and TIMESTAMPTZ stage as
 * DOUBLE: DuckDB's appender takes a number for a DOUBLE natively, while BIGINT needs a bigint and
 * TIMESTAMPTZ a value object per cell, which cost more than the rest of the append together.
 */
function staging(type: SqlType | EnumType): { type: string; cast?: (column: string) => string } {
  if (isEnum(type)) return { type: 'VARCHAR' };
  if (type === 'BIGINT') return { type: 'DOUBLE', cast: (c) => `CAST(${c} AS BIGINT)` };
  // Microseconds to a TIMESTAMP, read as UTC (the session's zone) into TIMESTAMPTZ.
  if (type === 'TIMESTAMPTZ') return { type: 'DOUBLE', cast: (c) => `CAST(make_timestamp(CAST(${c} AS BIGINT)) AS TIMESTAMPTZ)` };
  return { type };
}

type Append = (a: DuckDBAppender, v: Cell) => void;

function appenderFor(duckdb: DuckDB, type: SqlType | EnumType): Append {
  const { LIST, MAP, VARCHAR, BIGINT, USMALLINT, listValue, mapValue } = duckdb;
  const list = (t: ReturnType<typeof LIST>): Append => (a, v) => a.appendList(listValue(v as Cell[] as string[]), t);
  const map = (t: ReturnType<typeof MAP>): Append => (a, v) => {
    const m = v as { keys: string[]; values: (string | bigint)[] };
    a.appendMap(mapValue(m.keys.map((key, i) => ({ key, value: m.values[i] }))), t);
  };
  if (isEnum(type)) return (a, v) => a.appendVarchar(v as string);
  switch (type) {
    case 'BOOLEAN': return (a, v) => a.appendBoolean(v as boolean);
    case 'USMALLINT': return (a, v) => a.appendUSmallInt(v as number);
    case 'INTEGER': return (a, v) => a.appendInteger(v as number);
    case 'UINTEGER': return (a, v) => a.appendUInteger(v as number);
    case 'BIGINT': case 'TIMESTAMPTZ': case 'DOUBLE': return (a, v) => a.appendDouble(v as number);
    case 'VARCHAR': return (a, v) => a.appendVarchar(v as string);
    case 'VARCHAR[]': return list(LIST(VARCHAR));
    case 'BIGINT[]': return list(LIST(BIGINT));
    case 'USMALLINT[]': return list(LIST(USMALLINT));
    case 'MAP(VARCHAR, BIGINT)': return map(MAP(VARCHAR, BIGINT));
    case 'MAP(VARCHAR, VARCHAR)': return map(MAP(VARCHAR, VARCHAR));
  }
}

interface Staged {
  table: Table;
  appender: DuckDBAppender;
  appends: Append[];
  rows: number;
}

export class ParquetWriter {
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly instance: DuckDBInstance,
    private readonly db: DuckDBConnection,
    private readonly staged: Map<string, Staged>,
  ) {}

  /** Creates the staging tables in `dir` (which prepareFolder made ready). */
  static async open(dir: string): Promise<ParquetWriter> {
    const duckdb = await loadDuckDB();
    mkdirSync(join(dir, STAGING), { recursive: true });
    const { instance, connection } = await openDuckDB(duckdb, join(dir, STAGING, 'rows.duckdb'), {
      memory_limit: MEMORY_LIMIT,
      temp_directory: join(dir, STAGING, 'spill'),
    });
    const staged = new Map<string, Staged>();
    for (const table of TABLES) {
      const columns = [...KEY_COLUMNS, ...table.columns].map((c) => `${quoteIdent(c.name)} ${staging(c.type).type}`);
      await connection.run(`CREATE TABLE ${quoteIdent(table.name)} (${columns.join(', ')})`);
      const appends = [...KEY_COLUMNS, ...table.columns].map((c) => appenderFor(duckdb, c.type));
      staged.set(table.name, { table, appender: await connection.createAppender(table.name), appends, rows: 0 });
    }
    return new ParquetWriter(dir, instance, connection, staged);
  }

  append(batch: RowBatch): void {
    const s = this.staged.get(batch.table);
    if (!s) throw new Error(`no export table ${batch.table}`);
    const { appender, appends } = s;
    for (const row of batch.rows) {
      for (let i = 0; i < appends.length; i++) {
        const v = row[i];
        if (v === null) appender.appendNull();
        else appends[i](appender, v);
      }
      appender.endRow();
    }
    s.rows += batch.rows.length;
  }

  /** Copies every table to its Parquet file and removes the staging database; returns rows per table. */
  async finish(): Promise<Record<string, { file: string; rows: number }>> {
    const written: Record<string, { file: string; rows: number }> = {};
    for (const s of this.staged.values()) s.appender.closeSync();
    for (const { table, rows } of this.staged.values()) {
      const casts: string[] = [];
      for (const c of table.columns) {
        const cast = staging(c.type).cast;
        if (cast) casts.push(`${cast(quoteIdent(c.name))} AS ${quoteIdent(c.name)}`);
        if (!isEnum(c.type)) continue;
        const seen = await this.db.runAndReadAll(`SELECT DISTINCT ${quoteIdent(c.name)} FROM ${quoteIdent(table.name)} WHERE ${quoteIdent(c.name)} IS NOT NULL ORDER BY 1`);
        const extra = seen.getRowsJS().map((r) => String(r[0])).filter((v) => !(c.type as EnumType).enum.includes(v));
        const members = [...c.type.enum, ...extra].map(quoteString).join(', ');
        casts.push(`CAST(${quoteIdent(c.name)} AS ENUM(${members})) AS ${quoteIdent(c.name)}`);
      }
      const select = casts.length > 0 ? `SELECT * REPLACE (${casts.join(', ')})` : 'SELECT *';
      const file = tableFile(table.name);
      await this.db.run(`COPY (${select} FROM ${quoteIdent(table.name)}) TO ${quoteString(join(this.dir, file))} (FORMAT parquet, COMPRESSION zstd)`);
      written[table.name] = { file, rows };
    }
    this.close();
    rmSync(join(this.dir, STAGING), { recursive: true, force: true });
    return written;
  }

  /** Releases DuckDB (also after a failure; the staging folder is then left for the next export to clear). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.closeSync();
    this.instance.closeSync();
  }
}
