/** The built CLI for the export tests: in this process, or with `node`, a child process of node's own. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, statecapAsync } from '../cli/run.js';

export const MAIN = join(ROOT, 'dist/cli/main.js');

export interface Run { status: number | null; stdout: string; stderr: string }

/** Runs `statecap ARGS` in this process (test/cli/run.ts); `node` spawns node with ARGS as its own arguments instead. */
export function statecap(args: string[], { node = false } = {}): Promise<Run> {
  if (!node) return statecapAsync(args, undefined, { CI: '1' });
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', CI: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** An in-memory DuckDB (UTC) to read exports back: `rows` runs SQL and returns plain JS row objects. */
export interface ReadBack { rows: (sql: string) => Promise<Record<string, unknown>[]>; close: () => void }

export async function readBack(): Promise<ReadBack> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  await db.run("SET TimeZone = 'UTC'");
  return {
    rows: async (sql) => (await db.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[],
    close: () => {
      db.closeSync();
      instance.closeSync();
    },
  };
}

/** Report times are float seconds; the export stores microseconds. */
export function us(seconds: number): bigint;
export function us(seconds: number | null): bigint | null;
export function us(seconds: number | null): bigint | null {
  return seconds === null ? null : BigInt(Math.round(seconds * 1e6));
}

/** A report count as the BIGINT DuckDB reads back. */
export const big = (n: number | null): bigint | null => (n === null ? null : BigInt(n));
