/**
 * Test helpers for the capture reader: run it over bytes (in chunks of a chosen size) or over a
 * file, and keep copies of the records (a record's `data` is only valid during the callback).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCapture, readCaptureStream, type ReadOptions } from '../../src/capture/open.js';
import type { CaptureRecord, CaptureSummary } from '../../src/capture/record.js';

export interface Collected {
  records: CaptureRecord[];
  summary: CaptureSummary;
}

function keep(records: CaptureRecord[]): (r: CaptureRecord) => void {
  return (r) => records.push({ ...r, data: new Uint8Array(r.data) });
}

/** Async source yielding `bytes` in chunks of `chunkSize` (the last one shorter). */
export async function* chunked(bytes: Uint8Array, chunkSize: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, Math.min(i + chunkSize, bytes.length));
}

export async function collectBytes(
  bytes: Uint8Array, options: ReadOptions & { chunkSize?: number; label?: string } = {},
): Promise<Collected> {
  const records: CaptureRecord[] = [];
  const source = chunked(bytes, options.chunkSize ?? 1 << 16);
  const summary = await readCaptureStream(source, options.label ?? 'test.pcap', keep(records), options);
  return { records, summary };
}

export async function collectFile(path: string, options: ReadOptions = {}): Promise<Collected> {
  const records: CaptureRecord[] = [];
  const summary = await readCapture(path, keep(records), options);
  return { records, summary };
}

/** A temporary directory for files a test writes; `cleanup` removes it. */
export function scratchDir(): { path(name: string, bytes?: Uint8Array): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'statecap-capture-'));
  return {
    path(name, bytes) {
      const p = join(dir, name);
      if (bytes) writeFileSync(p, bytes);
      return p;
    },
    cleanup() { rmSync(dir, { recursive: true, force: true }); },
  };
}

/** Distinct, recognisable packet bytes: `length` bytes starting at `seed`, counting up. */
export function frame(seed: number, length: number): Uint8Array {
  const b = new Uint8Array(length);
  for (let i = 0; i < length; i++) b[i] = (seed + i) & 0xff;
  return b;
}

export const READERS = ['pcap-parser', 'builtin'] as const;
