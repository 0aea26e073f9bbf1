import type { AnalyzeOptions } from '../../src/pipeline.js';
import type { Rng } from './rng.mjs';
import type { Seed } from './seeds.mjs';

export interface Mutant {
  index: number;
  /** Name of the seed capture it was made from. */
  seed: string;
  bytes: Uint8Array;
  ops: string[];
  options: AnalyzeOptions;
}
export type CrashKind = 'exception' | 'hang' | 'memory' | 'heap' | 'uncaught' | 'contract' | 'cli';
export interface CrashEntry {
  kind: CrashKind;
  message: string;
  /** Top 5 stack frames. */
  stack: string[];
  count: number;
  /** Saved mutants (.cap, with a .json beside each). */
  files: string[];
}
export declare class CrashLog {
  constructor(dir: string, opts?: { keepPerSignature?: number; print?: (line: string) => void });
  readonly dir: string;
  readonly total: number;
  readonly bySignature: Map<string, CrashEntry>;
}
export function scratchDir(): string;
export function optionsFor(rng: Rng): AnalyzeOptions;
export function optionArgs(options: AnalyzeOptions): string[];
export function mutantStream(seed: number, seeds: Seed[]): { next(): Mutant };
export interface CampaignOptions {
  seeds: Seed[];
  seed: number;
  /** Path of a built dist/ folder. */
  dist: string;
  crashDir: string;
  jobs?: number;
  print?: (line: string) => void;
}
export function runInProcess(o: CampaignOptions & { seconds: number; maxRuns?: number; timeoutMs?: number; heapMb?: number }): Promise<{
  runs: number; seconds: number; outcomes: Record<string, number>; crashes: CrashLog;
}>;
export const MAX_STDERR_LINES: number;
export function cliProblems(run: { status: number | null; signal: string | null; stdout: string; stderr: string }, file: string, format: string): string[];
export function runCli(o: CampaignOptions & { count: number; timeoutMs?: number }): Promise<{
  runs: number; seconds: number; exits: Record<string, number>; crashes: CrashLog;
}>;
export interface GuardedResult {
  outcome: 'report' | 'stopped' | 'failed' | 'exception' | 'hang' | 'memory' | 'heap' | 'uncaught';
  message?: string;
  stack?: string;
  packets?: number;
  problems?: string[];
}
export function runGuarded(o: { dist: string; bytes: Uint8Array; options?: AnalyzeOptions; timeoutMs?: number; heapMb?: number }): Promise<GuardedResult>;
