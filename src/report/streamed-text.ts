/**
 * The text of one report in a streamed format (JSON, NDJSON), written to any JsonOutput. The CLI
 * writes it straight to its output; a --jobs worker writes it into bytes that the command then
 * copies out in input order. One function for both keeps a batch byte-identical to one worker.
 */
import type { AnyReport } from './schema.js';
import { ChunkedWriter, writeJson, type JsonOutput } from './json-writer.js';

export type StreamedFormat = 'json' | 'ndjson';

/** Where a report sits in the output: JSON frames several reports as one array. */
export interface ReportPosition {
  index: number;
  count: number;
}

/** JSON of one capture is the report object; of several, an array in input order. */
export function jsonFraming({ index, count }: ReportPosition): { before: string; after: string } {
  if (count === 1) return { before: '', after: '\n' };
  return { before: index === 0 ? '[' : ',', after: index === count - 1 ? ']\n' : '\n' };
}

/**
 * Writes the report's text; with its `position` in the output, JSON comes framed (see jsonFraming),
 * without it the report's own text alone.
 */
export async function writeReportText(out: JsonOutput, report: AnyReport, format: StreamedFormat, view: 'analyze' | 'state', position?: ReportPosition): Promise<void> {
  if (format === 'json') {
    await writeJson(out, report, position === undefined ? {} : jsonFraming(position));
    return;
  }
  const { ndjsonRecords } = await import('./ndjson.js');
  const writer = new ChunkedWriter(out);
  for (const rec of ndjsonRecords(report, view)) await writer.write(`${JSON.stringify(rec)}\n`);
  await writer.flush();
}

/**
 * A JsonOutput that keeps what is written, as UTF-8 bytes in one ArrayBuffer of its own (not
 * Buffer's shared pool), so it can be transferred to another thread without a copy.
 */
export class ByteCollector implements JsonOutput {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;

  /** The writer hands each chunk over for good (it never writes into it again): kept as is. */
  write(chunk: Uint8Array): boolean {
    this.chunks.push(chunk);
    this.size += chunk.length;
    return true;
  }

  once(): this {
    return this;
  }

  removeListener(): this {
    return this;
  }

  bytes(): Uint8Array<ArrayBuffer> {
    const all = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      all.set(c, at);
      at += c.length;
    }
    this.chunks.length = 0;
    return all;
  }
}
