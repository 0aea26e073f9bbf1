/**
 * JSON written piece by piece: a report with a million flows serializes to more than V8's longest
 * string (~512 MB), so `JSON.stringify(report)` throws, and below that the whole string doubles
 * peak memory. Here large arrays and objects are walked and their small members stringified one at
 * a time; the text is identical to `JSON.stringify(value)` (no replacer, no indentation).
 */
import { isBoxedPrimitive } from 'node:util/types';

/** What the writer needs of a stream: `net.Socket`, `fs.WriteStream`, `process.stdout` and any `Writable` fit. */
export interface JsonOutput {
  write(chunk: string): boolean;
  once(event: 'drain' | 'error' | 'close', listener: (error?: Error) => void): unknown;
  removeListener(event: 'drain' | 'error' | 'close', listener: (error?: Error) => void): unknown;
  readonly destroyed?: boolean;
}

export interface WriteJsonOptions {
  /** Characters handed to `write()` at once, about; a write exceeds it by at most one piece (see jsonPieces). */
  chunkSize?: number;
  /** Text written before and after the value, in the same chunks (e.g. "[" and "\n"). */
  before?: string;
  after?: string;
}

/**
 * 64 KiB: write() calls cost little, and every string stays below V8's large-object size, so
 * scavenges free them (1 MiB chunks, measured, raised the bench mix's peak RSS from 339 to 466 MB
 * for no speed: strings in large-object space wait for a full GC).
 */
export const DEFAULT_CHUNK_SIZE = 64 * 1024;

type Json = Record<string, unknown> | unknown[];

const isRawJson = (JSON as { isRawJSON?: (v: unknown) => boolean }).isRawJSON;

function hasToJson(value: unknown): boolean {
  return ((typeof value === 'object' && value !== null) || typeof value === 'bigint')
    && typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/** Arrays and objects we may take apart ourselves; everything else goes to JSON.stringify whole. */
function walkable(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !hasToJson(value) && !isBoxedPrimitive(value)
    && !(isRawJson?.(value) ?? false);
}

/**
 * Whether `value` likely serializes to more than `budget` characters. Stops as soon as it does, so
 * it costs at most about `budget` steps; escapes may make the real text a few times longer. It reads
 * every property JSON.stringify will read again: fine for plain data, getters would run twice.
 */
function larger(value: unknown, budget: number): boolean {
  let left = budget;
  const todo: unknown[] = [value];
  while (todo.length > 0) {
    const v = todo.pop();
    if (typeof v === 'string') left -= v.length + 2;
    else if (walkable(v)) {
      if (Array.isArray(v)) {
        left -= 2 + v.length;
        if (left < 0) return true;
        for (let i = 0; i < v.length; i++) todo.push(v[i]);
      } else {
        left -= 2;
        // for-in rather than Object.keys: no array per object (an estimate, so inherited keys may count).
        for (const k in v) {
          left -= k.length + 4;
          if (left < 0) return true;
          todo.push(v[k]);
        }
      }
    } else left -= 24; // the longest number; booleans and null are shorter, toJSON results a guess
    if (left < 0) return true;
  }
  return false;
}

/**
 * JSON.stringify of a member in place, or undefined where JSON.stringify omits it (undefined,
 * functions, symbols). A toJSON method receives the member's key, as JSON.stringify passes it.
 */
function member(value: unknown, key: string): string | undefined {
  if (!hasToJson(value)) return JSON.stringify(value) as string | undefined;
  const s = JSON.stringify({ [key]: value });
  return s === '{}' ? undefined : s.slice(JSON.stringify(key).length + 2, -1);
}

/**
 * JSON.stringify of a run of array elements, or undefined when the text would pass V8's longest
 * string (a run that held an unexpectedly large element: its elements are then taken one by one).
 */
function stringifyRun(slice: unknown[]): string | undefined {
  try {
    return JSON.stringify(slice);
  } catch (error) {
    if (error instanceof RangeError && slice.length > 1) return undefined;
    throw error;
  }
}

/**
 * The text of `value` in pieces that concatenate to `JSON.stringify(value)` (nothing for a value
 * it returns undefined for). Members that serialize to about `budget` characters or fewer come as
 * one piece each; larger ones are taken apart.
 */
export function* jsonPieces(value: unknown, budget = DEFAULT_CHUNK_SIZE): Generator<string, void, undefined> {
  if (walkable(value) && larger(value, budget)) yield* walk(value, budget, new Set());
  else {
    const s = member(value, '');
    if (s !== undefined) yield s;
  }
}

function* walk(value: Json, budget: number, ancestors: Set<object>): Generator<string, void, undefined> {
  // JSON.stringify's own check, which our walk would otherwise turn into endless recursion.
  if (ancestors.has(value)) throw new TypeError('Converting circular structure to JSON');
  ancestors.add(value);
  if (Array.isArray(value)) {
    if (value.length === 0) yield '[]';
    // Runs of elements go to JSON.stringify together, as one slice: a list of a million rows is then
    // a few hundred native calls instead of a million (measured: as fast as one JSON.stringify of the
    // whole value). A run holds about `budget` characters by the size of the elements stringified so
    // far, so a piece exceeds `budget` only by elements larger than those before them (below V8's
    // string limit; beyond it they are walked). An element is measured on its own (and walked when
    // large) at the start, after a run that came out too large, and after one with a toJSON method.
    let run = 0;
    for (let i = 0; i < value.length;) {
      const head = i === 0 ? '[' : ',';
      if (run > 0) {
        const end = Math.min(value.length, i + run);
        const slice = value.slice(i, end);
        const text = slice.some(hasToJson) ? undefined : stringifyRun(slice);
        if (text !== undefined) {
          yield head + text.slice(1, -1);
          // Elements larger than the run's guess: measure the next one alone. Else at most double.
          run = text.length > 2 * budget ? 0 : Math.min(2 * run, Math.max(1, Math.floor((budget * (end - i)) / text.length)));
          i = end;
          continue;
        }
        run = 0;
      }
      const v: unknown = value[i];
      if (walkable(v) && larger(v, budget)) {
        yield head;
        yield* walk(v, budget, ancestors);
      } else {
        const text = member(v, String(i)) ?? 'null';
        yield head + text;
        if (!hasToJson(v)) run = Math.max(1, Math.floor(budget / text.length));
      }
      i++;
    }
    if (value.length > 0) yield ']';
  } else {
    let head = '{';
    for (const k of Object.keys(value)) {
      const v = value[k];
      if (walkable(v) && larger(v, budget)) {
        yield `${head}${JSON.stringify(k)}:`;
        yield* walk(v, budget, ancestors);
      } else {
        const s = member(v, k);
        if (s === undefined) continue;
        yield `${head}${JSON.stringify(k)}:${s}`;
      }
      head = ',';
    }
    yield head === '{' ? '{}' : '}';
  }
  ancestors.delete(value);
}

/**
 * Resolves once `out` has room again; rejects if it fails or closes first, so a broken output
 * ends the write instead of leaving it waiting forever.
 */
export function drained(out: JsonOutput): Promise<void> {
  return new Promise((resolve, reject) => {
    if (out.destroyed) {
      reject(new Error('output closed before everything was written'));
      return;
    }
    const settle = (error?: Error): void => {
      out.removeListener('drain', onDrain);
      out.removeListener('error', onError);
      out.removeListener('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = (): void => settle();
    const onError = (error?: Error): void => settle(error ?? new Error('output failed'));
    const onClose = (): void => settle(new Error('output closed before everything was written'));
    out.once('drain', onDrain);
    out.once('error', onError);
    out.once('close', onClose);
  });
}

/**
 * Gathers text into chunks of about `chunkSize` characters and writes each, waiting for 'drain'
 * whenever `write()` says the stream is full. It holds at most one chunk plus the last piece added.
 */
export class ChunkedWriter {
  private buffered = '';

  constructor(private readonly out: JsonOutput, readonly chunkSize = DEFAULT_CHUNK_SIZE) {}

  /** Adds text; true when a chunk is full and `flush()` should be awaited before adding more. */
  add(text: string): boolean {
    this.buffered += text;
    return this.buffered.length >= this.chunkSize;
  }

  async flush(): Promise<void> {
    if (this.buffered === '') return;
    const chunk = this.buffered;
    this.buffered = '';
    if (!this.out.write(chunk)) await drained(this.out);
  }

  async write(text: string): Promise<void> {
    if (this.add(text)) await this.flush();
  }
}

/**
 * Writes `before`, the JSON text of `value` (byte for byte what `JSON.stringify(value)` gives) and
 * `after` to `out`, in chunks, respecting backpressure. Resolves when the last chunk was accepted
 * by the stream (not necessarily flushed to disk).
 */
export async function writeJson(out: JsonOutput, value: unknown, options: WriteJsonOptions = {}): Promise<void> {
  const writer = new ChunkedWriter(out, options.chunkSize);
  if (options.before) await writer.write(options.before);
  for (const piece of jsonPieces(value, writer.chunkSize)) {
    if (writer.add(piece)) await writer.flush();
  }
  if (options.after) await writer.write(options.after);
  await writer.flush();
}
