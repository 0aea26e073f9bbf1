/**
 * Columns of the export tables, declared from the report's JSON paths.
 * A column's name is its JSON path in snake_case with dots as underscores (`payloadBytes.client` ->
 * `payload_bytes_client`), except where SQL reserves the word (`end` -> `end_time`, `from` ->
 * `from_state`, `authorization` -> `authorization_scheme`). Pure code: no DuckDB here, so workers can turn reports into rows cheaply.
 */
import { parseEndpoint } from '../flow/endpoint.js';

/** The SQL types of export columns (DuckDB names; the Parquet types are in the README). */
export type SqlType =
  | 'BOOLEAN' | 'USMALLINT' | 'INTEGER' | 'UINTEGER' | 'BIGINT' | 'DOUBLE' | 'VARCHAR' | 'TIMESTAMPTZ'
  | 'VARCHAR[]' | 'BIGINT[]' | 'USMALLINT[]' | 'MAP(VARCHAR, BIGINT)' | 'MAP(VARCHAR, VARCHAR)';

/**
 * A cell as it travels from a worker to the writer: already in the form its appender takes.
 * BIGINT and TIMESTAMPTZ (microseconds since the epoch) travel as numbers, exact below 2^53,
 * which every count, packet number and microsecond time of a report is. Lists and maps travel as
 * JSON text. So every append is one native call with a plain value: no bigint, and no DuckDB value
 * object whose native memory would wait for the garbage collector.
 */
export type Cell = string | number | boolean | null;

/** A dictionary-encoded column: its known values, in the order SQL sorts them. */
export interface EnumType { enum: readonly string[] }

export interface Column<R> {
  name: string;
  type: SqlType | EnumType;
  value: (row: R) => Cell;
}

export const isEnum = (t: SqlType | EnumType): t is EnumType => typeof t === 'object';

/** `payloadBytes.client` -> `payload_bytes_client`. */
export function snakeName(path: string): string {
  return path.replace(/\./g, '_').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Words SQL reserves that the report uses as field names, and the column names they get. */
const RESERVED: Readonly<Record<string, string>> = {
  end: 'end_time', from: 'from_state', to: 'to_state',
  // HTTP's Authorization field holds only the scheme (Bearer, Basic, ...): the name says so.
  authorization: 'authorization_scheme',
};

/** A snake_case name SQL can use unquoted. */
export function sqlName(name: string): string {
  return RESERVED[name] ?? name;
}

const columnName = (path: string): string => sqlName(snakeName(path));

function getter(path: string): (row: unknown) => unknown {
  const keys = path.split('.');
  return (row) => {
    let v: unknown = row;
    for (const k of keys) {
      if (v === null || v === undefined) return null;
      v = (v as Record<string, unknown>)[k];
    }
    return v ?? null;
  };
}

/** Seconds since the epoch (a report time) -> microseconds, the unit of Parquet TIMESTAMP(MICROS). */
export function micros(seconds: number): number {
  return Math.round(seconds * 1e6);
}

/** Converts a report value to the cell its SQL type takes; null stays null. */
export function toCell(type: SqlType | EnumType, v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (isEnum(type)) return String(v);
  switch (type) {
    case 'TIMESTAMPTZ': return micros(v as number);
    case 'VARCHAR[]': case 'BIGINT[]': case 'USMALLINT[]': case 'MAP(VARCHAR, BIGINT)': return JSON.stringify(v);
    // Values of mixed types (transport parameters: numbers and text) become text.
    case 'MAP(VARCHAR, VARCHAR)': return JSON.stringify(Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, String(x)])));
    default: return v as Cell;
  }
}

/** A column read from the JSON path `path` of the row. */
export function field<R>(path: string, type: SqlType | EnumType): Column<R> {
  const get = getter(path);
  return { name: columnName(path), type, value: (row) => toCell(type, get(row)) };
}

/** A column computed from the row (for values that are not a JSON field of it). */
export function computed<R>(name: string, type: SqlType | EnumType, value: (row: R) => unknown): Column<R> {
  return { name, type, value: (row) => toCell(type, value(row)) };
}

/**
 * An endpoint field ("10.0.0.1:80", "[::1]:53", a bare address, or a shared row such as
 * "(other clients)") as three columns: the text as in the JSON, `_ip` and `_port` (null when absent).
 */
export function endpoint<R>(path: string): Column<R>[] {
  const get = getter(path);
  const name = columnName(path);
  const parts = (row: R) => splitEndpoint(get(row) as string | null);
  return [
    { name, type: 'VARCHAR', value: (row) => (get(row) as string | null) },
    { name: `${name}_ip`, type: 'VARCHAR', value: (row) => parts(row).ip },
    { name: `${name}_port`, type: 'USMALLINT', value: (row) => parts(row).port },
  ];
}

/**
 * Address and port of an endpoint string; a shared row ("(other servers)") has neither. A server
 * named with its transport ("127.0.0.1:53/udp", when one ip:port serves both) drops the suffix here.
 */
export function splitEndpoint(text: string | null): { ip: string | null; port: number | null } {
  if (text === null || text.startsWith('(')) return { ip: null, port: null };
  const { address, port } = parseEndpoint(text.replace(/\/(?:tcp|udp)$/, ''));
  return { ip: address, port };
}
