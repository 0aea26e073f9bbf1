/**
 * Runs generated captures through the whole pipeline (analyzeCapture from src/) the way a user's
 * file would go: written to a scratch file, read back by path.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeCapture, type AnalyzeOptions } from '../../src/pipeline.js';
import type { AnyReport, Report } from '../../src/report/schema.js';
import { writePcap, type WrittenPacket } from './capture-file.js';

export interface Scratch {
  /** Writes `bytes` to `name` in the scratch folder and returns the path. */
  write(name: string, bytes: Uint8Array): string;
  cleanup(): void;
}

export function scratch(prefix = 'statecap-test-'): Scratch {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    write(name, bytes) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      return path;
    },
    cleanup() { rmSync(dir, { recursive: true, force: true }); },
  };
}

export function isReport(r: AnyReport): r is Report {
  return 'tcp' in r;
}

/** The report of an analysed capture; fails the test with the error when the capture could not be read. */
export function expectReport(r: AnyReport): Report {
  if (!isReport(r)) throw new Error(`expected a report, got the error: ${r.error}`);
  return r;
}

export async function analyzeBytes(dir: Scratch, name: string, bytes: Uint8Array, options: AnalyzeOptions = {}): Promise<AnyReport> {
  return analyzeCapture(dir.write(name, bytes), options);
}

/** The report of `packets` written as a pcap named `name`; fails the test when it could not be read. */
export async function analyzePackets(dir: Scratch, name: string, packets: WrittenPacket[], options: AnalyzeOptions = {}): Promise<Report> {
  return expectReport(await analyzeBytes(dir, name, writePcap(packets), options));
}
