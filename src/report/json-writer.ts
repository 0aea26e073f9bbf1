/**
 * JSON written piece by piece: a report with a million flows serializes to more than V8's longest
 * string (~512 MB), so `JSON.stringify(report)` throws, and below that the whole string doubles
 * peak memory. Here large arrays and objects are walked and their small members stringified one at
 * a time; the text is identical to `JSON.stringify(value)` (no replacer, no indentation).
 */
import { isBoxedPrimitive } from 'node:util/types';

/** What the writer needs of a stream: `net.Socket`, `fs.WriteStream`, `process.stdout` and any `Writable` fit. */
export interface JsonOutput {
  /** Receives UTF-8 bytes (whole characters in each chunk); Node's streams take them as they take strings. */
  write(chunk: Uint8Array): boolean;
  once(event: 'drain' | 'error' | 'close', listener: (error?: Error) => void): unknown;
  removeListener(event: 'drain' | 'error' | 'close', listener: (error?: Error) => void): unknown;
  readonly destroyed?: boolean;
}

export interface WriteJsonOptions {
  /** Bytes handed to `write()` at once, about; a write exceeds it by at most one piece (see jsonPieces). */
  chunkSize?: number;
  /** Text written before and after the value, in the same chunks (e.g. "[" and "\n"). */
  before?: string;
  after?: string;
}

/**
 * Bytes handed to `write()` at once, about: 256 KiB (measured on the TCP mix's 49 MB report:
 * 64 KiB chunks cost ~20% more CPU in write calls, 1 MiB no less than 256 KiB). Chunks are Buffers,
 * outside V8's heap, so their size does not hold memory until a full GC as large strings do.
 */
export const DEFAULT_CHUNK_SIZE = 256 * 1024;

/**
 * Characters JSON.stringify makes at once (a run of array elements), about: 32 Ki characters keep
 * runs below V8's large-object size (128 KiB) mostly even as two-byte strings, so scavenges free them (1 MiB
 * strings, measured, raised the bench mix's peak RSS from 339 to 466 MB for no speed: strings in
 * large-object space wait for a full GC).
 */
export const DEFAULT_PIECE_SIZE = 32 * 1024;

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
 * Native stringify is ~70% of writing the real mix's 94 MB and is the floor: a hand-written
 * serializer of timeline rows straight into bytes (keys pre-encoded, digits by hand, a fast path for
 * microsecond times) measured 1.2-1.4x slower than this plus the copy into the chunk.
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
 * Where the walk puts its text: bytes for a stream (ChunkedWriter) or strings (jsonPieces). Runs of
 * elements arrive as the JSON text of their slice, brackets included, so that no string is cut or
 * joined on the way (the bytes writer drops the brackets as it copies).
 */
interface TextSink {
  text(text: string): void;
  /** `list` is an array's JSON text ("[a,b]"); appends `head` ("[" or ",") and its elements. */
  elements(list: string, head: string): void;
  /** True when the walk should pause so that what was added can be taken or written. */
  readonly full: boolean;
}

/** The pieces of jsonPieces: each addition is one string. */
class PieceSink implements TextSink {
  readonly pieces: string[] = [];
  text(text: string): void {
    this.pieces.push(text);
  }
  elements(list: string, head: string): void {
    this.pieces.push(head + list.slice(1, -1));
  }
  get full(): boolean {
    return this.pieces.length > 0;
  }
}

/**
 * The text of `value` in pieces that concatenate to `JSON.stringify(value)` (nothing for a value
 * it returns undefined for). Members that serialize to about `budget` characters or fewer come as
 * one piece each; larger ones are taken apart.
 */
export function* jsonPieces(value: unknown, budget = DEFAULT_PIECE_SIZE): Generator<string, void, undefined> {
  const sink = new PieceSink();
  for (const _ of walkValue(value, budget, sink)) {
    yield* sink.pieces;
    sink.pieces.length = 0;
  }
  yield* sink.pieces;
}

/** Adds the text of `value` to `sink`, pausing (yielding) whenever the sink is full. */
function* walkValue(value: unknown, budget: number, sink: TextSink): Generator<void, void, undefined> {
  if (walkable(value) && larger(value, budget)) yield* walk(value, budget, new Set(), sink);
  else {
    const s = member(value, '');
    if (s !== undefined) sink.text(s);
  }
}

function* walk(value: Json, budget: number, ancestors: Set<object>, sink: TextSink): Generator<void, void, undefined> {
  // JSON.stringify's own check, which our walk would otherwise turn into endless recursion.
  if (ancestors.has(value)) throw new TypeError('Converting circular structure to JSON');
  ancestors.add(value);
  if (Array.isArray(value)) {
    if (value.length === 0) sink.text('[]');
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
          sink.elements(text, head);
          if (sink.full) yield;
          // Elements larger than the run's guess: measure the next one alone. Else at most double.
          run = text.length > 2 * budget ? 0 : Math.min(2 * run, Math.max(1, Math.floor((budget * (end - i)) / text.length)));
          i = end;
          continue;
        }
        run = 0;
      }
      const v: unknown = value[i];
      if (walkable(v) && larger(v, budget)) {
        sink.text(head);
        yield* walk(v, budget, ancestors, sink);
      } else {
        const text = member(v, String(i)) ?? 'null';
        sink.text(head + text);
        if (!hasToJson(v)) run = Math.max(1, Math.floor(budget / text.length));
      }
      if (sink.full) yield;
      i++;
    }
    if (value.length > 0) sink.text(']');
  } else {
    let head = '{';
    for (const k of Object.keys(value)) {
      const v = value[k];
      if (walkable(v) && larger(v, budget)) {
        sink.text(`${head}${JSON.stringify(k)}:`);
        yield* walk(v, budget, ancestors, sink);
      } else {
        const s = member(v, k);
        if (s === undefined) continue;
        sink.text(`${head}${JSON.stringify(k)}:${s}`);
      }
      if (sink.full) yield;
      head = ',';
    }
    sink.text(head === '{' ? '{}' : '}');
  }
  if (sink.full) yield;
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
 * Strings of ASCII characters alone: their UTF-8 bytes are their Latin-1 bytes, which copy 4x faster
 * (writing every piece as UTF-8, untested, measured 131 against 111 ms on the real mix's pieces).
 */
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Gathers text into chunks of about `chunkSize` bytes and writes each, waiting for 'drain' whenever
 * `write()` says the stream is full. Text is encoded straight into the chunk's buffer as it comes,
 * never joined into a longer string first (a joined string is flattened, then encoded: measured 7x
 * the cost of encoding the pieces in place). It holds at most one chunk plus the last text added.
 */
export class ChunkedWriter implements TextSink {
  private chunk: Buffer | null = null;
  private used = 0;

  constructor(private readonly out: JsonOutput, readonly chunkSize = DEFAULT_CHUNK_SIZE) {}

  /** A buffer with room for `bytes` more, copying what the chunk holds when it must grow. */
  private room(bytes: number): Buffer {
    const chunk = this.chunk;
    if (chunk !== null && chunk.length - this.used >= bytes) return chunk;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.chunkSize, this.used + bytes));
    if (chunk !== null) chunk.copy(grown, 0, 0, this.used);
    this.chunk = grown;
    return grown;
  }

  private encode(text: string): void {
    if (!NON_ASCII.test(text)) this.used += this.room(text.length).write(text, this.used, 'latin1');
    else {
      // 3 bytes per UTF-16 unit at most (a surrogate pair: 4 bytes for 2 units).
      const worst = 3 * text.length;
      const chunk = this.chunk !== null && this.chunk.length - this.used >= worst ? this.chunk : this.room(Buffer.byteLength(text));
      this.used += chunk.write(text, this.used, 'utf8');
    }
  }

  text(text: string): void {
    this.encode(text);
  }

  elements(list: string, head: string): void {
    // list is "[...]": written whole, then its "[" becomes head and its "]" is dropped (one byte each).
    const at = this.used;
    this.encode(list);
    (this.chunk as Buffer)[at] = head.charCodeAt(0);
    this.used--;
  }

  get full(): boolean {
    return this.used >= this.chunkSize;
  }

  /** Adds text; true when a chunk is full and `flush()` should be awaited before adding more. */
  add(text: string): boolean {
    this.encode(text);
    return this.full;
  }

  async flush(): Promise<void> {
    if (this.used === 0 || this.chunk === null) return;
    const chunk = this.chunk.subarray(0, this.used);
    // The stream keeps the chunk until it is written: the next text goes to a new buffer.
    this.chunk = null;
    this.used = 0;
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
  if (options.before) writer.text(options.before);
  for (const _ of walkValue(value, Math.min(writer.chunkSize, DEFAULT_PIECE_SIZE), writer)) await writer.flush();
  if (options.after) writer.text(options.after);
  await writer.flush();
}
