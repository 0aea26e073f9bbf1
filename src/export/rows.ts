/**
 * The rows of one capture's report, table by table, in batches: what a worker hands the writer.
 * Every row starts with the capture's id (its 1-based position among the captures of this export)
 * and its path as given.
 */
import type { AnyReport } from '../report/schema.js';
import type { Cell } from './columns.js';
import { TABLES } from './tables.js';

export interface RowBatch {
  table: string;
  rows: Cell[][];
}

/** Rows per message between a worker and the writer: big enough to amortize, small enough to bound memory. */
export const BATCH_ROWS = 2048;

export function* rowBatches(report: AnyReport, captureId: number, capturePath: string, size = BATCH_ROWS): Generator<RowBatch> {
  for (const table of TABLES) {
    let rows: Cell[][] = [];
    for (const cells of table.cells(report, [captureId, capturePath])) {
      rows.push(cells);
      if (rows.length === size) {
        yield { table: table.name, rows };
        rows = [];
      }
    }
    if (rows.length > 0) yield { table: table.name, rows };
  }
}
