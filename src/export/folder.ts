/**
 * The export folder: its manifest (statecap-export.json) marks it as ours, so that a second export
 * may replace it and `sql` can find its tables, while a folder that is not ours is never touched.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExportFolderError } from './errors.js';
import { EXPORT_SCHEMA, TABLES } from './tables.js';

export const MANIFEST = 'statecap-export.json';
/** DuckDB's working files while an export runs (removed at the end). */
export const STAGING = '.statecap-staging';

export interface Manifest {
  schema: typeof EXPORT_SCHEMA;
  /** The schema of the reports the rows come from. */
  reportSchema: string;
  statecap: string;
  /** False while the export runs (or after it was interrupted): `sql` refuses it. */
  complete: boolean;
  captures: number;
  failedCaptures: number;
  tables: Record<string, { file: string; rows: number }>;
}

export const tableFile = (name: string): string => `${name}.parquet`;

/**
 * Makes `dir` ready for an export: creates it, accepts it empty, or clears a previous export of
 * ours (only the files we write). Anything else is refused.
 */
export function prepareFolder(dir: string): void {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new ExportFolderError(`${dir}: exists and is not a folder`);
    entries = readdirSync(dir);
  } catch (e) {
    if (e instanceof ExportFolderError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new ExportFolderError(`${dir}: cannot read (${(e as NodeJS.ErrnoException).code ?? e})`);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new ExportFolderError(`${dir}: cannot create (${(err as NodeJS.ErrnoException).code ?? err})`);
    }
    return;
  }
  if (entries.length === 0) return;
  if (!entries.includes(MANIFEST)) {
    throw new ExportFolderError(`${dir}: exists and is not a statecap export (no ${MANIFEST}); give a new or empty folder`);
  }
  readManifest(dir, { allowIncomplete: true });
  for (const name of [MANIFEST, STAGING, ...TABLES.map((t) => tableFile(t.name))]) rmSync(join(dir, name), { recursive: true, force: true });
}

export function writeManifest(dir: string, manifest: Manifest): void {
  writeFileSync(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** The manifest of an export folder; throws ExportFolderError (one line) when it is not one. */
export function readManifest(dir: string, { allowIncomplete = false } = {}): Manifest {
  let text: string;
  try {
    text = readFileSync(join(dir, MANIFEST), 'utf8');
  } catch {
    throw new ExportFolderError(`${dir}: not a statecap export (no ${MANIFEST})`);
  }
  let m: Partial<Manifest>;
  try {
    m = JSON.parse(text) as Partial<Manifest>;
  } catch {
    throw new ExportFolderError(`${join(dir, MANIFEST)}: not valid JSON`);
  }
  if (typeof m.schema !== 'string' || !m.schema.startsWith('statecap/export-')) {
    throw new ExportFolderError(`${join(dir, MANIFEST)}: not a statecap export manifest`);
  }
  if (m.schema !== EXPORT_SCHEMA) throw new ExportFolderError(`${dir}: export schema ${m.schema}, this statecap reads ${EXPORT_SCHEMA}`);
  if (!allowIncomplete && m.complete !== true) throw new ExportFolderError(`${dir}: the export did not finish; run statecap export again`);
  return m as Manifest;
}
