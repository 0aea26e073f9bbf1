import { open } from 'node:fs/promises';
import { Readable, pipeline } from 'node:stream';
import { createRequire } from 'node:module';

/** node:zlib, loaded by the first gzip capture: importing it cost every start-up ~4 ms (its ES module facade). */
const require = createRequire(import.meta.url);

/** Read size for capture files: large chunks keep the carry-over (records spanning chunks) rare. */
const FILE_CHUNK_BYTES = 1 << 20;
/** The smallest read buffer: a file smaller than a chunk gets buffers of its size, not 2 MiB to zero. */
const MIN_FILE_CHUNK_BYTES = 1 << 16;
/** Output chunk size of the gzip decoder (zlib's default is 16 KiB). */
const GUNZIP_CHUNK_BYTES = 1 << 18;

/**
 * The bytes of a capture file, read in chunks into two buffers used in turn: a chunk is valid only
 * until the next one is asked for (the parsers copy what they keep, as a record's bytes are valid
 * only during its callback). A fresh 1 MiB buffer per chunk, as a read stream makes, is external
 * memory that V8 answers with a full GC every few dozen MB read: a 1.5 GB capture ran ~50 of them.
 * The next chunk is read while the consumer works on this one.
 */
export async function* fileBytes(path: string): AsyncGenerator<Uint8Array, void, undefined> {
  const handle = await open(path, 'r');
  // Sized once from the file's size at open: a file that grows meanwhile is still read whole, in
  // more chunks. Grading a batch of small captures paid a 2 MiB allocation and zeroing per file.
  const { size } = await handle.stat().catch(() => ({ size: FILE_CHUNK_BYTES }));
  const chunkBytes = Math.min(FILE_CHUNK_BYTES, Math.max(MIN_FILE_CHUNK_BYTES, size));
  const buffers = [new Uint8Array(chunkBytes), new Uint8Array(chunkBytes)];
  let which = 0;
  let pending = handle.read(buffers[0], 0, chunkBytes, null);
  try {
    // Bounded by the file: each round reads more of it, until a read returns nothing.
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) return;
      const chunk = buffers[which].subarray(0, bytesRead);
      which ^= 1;
      pending = handle.read(buffers[which], 0, chunkBytes, null);
      // Its failure is seen when it is awaited; until then it must not count as unhandled.
      pending.catch(() => {});
      yield chunk;
    }
  } finally {
    await pending.catch(() => {});
    await handle.close();
  }
}

/** Copies of the chunks of a source whose chunks are valid only until the next (fileBytes), for a consumer that keeps them. */
async function* kept(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
  // new Uint8Array(view) copies; Buffer#slice would not.
  for await (const chunk of chunks) yield new Uint8Array(chunk);
}

/**
 * A chunked byte source whose first bytes can be looked at (to sniff the format) and then still
 * read. Holds back only the chunks `peek` needed.
 */
export class ByteSource {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private readonly held: Uint8Array[] = [];
  private heldLength = 0;
  private ended = false;
  private closed = false;

  constructor(source: AsyncIterable<Uint8Array>, private readonly inner: ByteSource | null = null) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** At least `n` bytes from the start (fewer only when the input is shorter); they are read again by `chunks`. */
  async peek(n: number): Promise<Uint8Array> {
    // Bounded: each round holds one more chunk, until n bytes or the end of input.
    while (this.heldLength < n && !this.ended) {
      const next = await this.iterator.next();
      if (next.done) this.ended = true;
      // A copy (Buffer#slice would be a view): the source may reuse the chunk's buffer for the next one (fileBytes).
      else { this.held.push(new Uint8Array(next.value)); this.heldLength += next.value.length; }
    }
    return this.held.length === 1 ? this.held[0]! : Buffer.concat(this.held);
  }

  /** Every chunk in order, the peeked ones first. Leaving the loop early closes the source. */
  async *chunks(): AsyncGenerator<Uint8Array, void, undefined> {
    try {
      while (this.held.length > 0) yield this.held.shift()!;
      this.heldLength = 0;
      while (!this.ended) {
        const next = await this.iterator.next();
        if (next.done) this.ended = true;
        else yield next.value;
      }
    } finally {
      await this.close();
    }
  }

  /** Stops reading and releases the underlying stream (and the one it decompresses, if any). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.ended) await this.iterator.return?.();
    await this.inner?.close();
  }
}

/** The decompressed bytes of a gzip source (RFC 1952; several members in a row are one stream). */
export function gunzip(compressed: ByteSource): ByteSource {
  const { createGunzip } = require('node:zlib') as typeof import('node:zlib');
  const decoder = createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES });
  // Errors reach the reader through `decoder`'s iterator; the callback only keeps pipeline quiet.
  // zlib keeps input chunks past the next read: it is given copies.
  pipeline(Readable.from(kept(compressed.chunks()), { objectMode: false }), decoder, () => {});
  return new ByteSource(decoder, compressed);
}

/** zlib's error for input that stops before the gzip trailer. */
export function isTruncatedGzip(error: unknown): boolean {
  return errorCode(error) === 'Z_BUF_ERROR';
}

/** One line for an error thrown while reading: the reason, not the stack. */
export function describeReadError(error: unknown): string {
  const code = errorCode(error);
  switch (code) {
    case 'ENOENT': return 'no such file';
    case 'EISDIR': return 'is a directory';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'ENOTDIR': return 'no such file (a path component is not a directory)';
    default: break;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (code?.startsWith('Z_')) return `gzip: ${message}`;
  return `read error: ${message}`;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
