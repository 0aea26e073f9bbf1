/**
 * Stage 1 of the pipeline: a capture file (or stdin) in, CaptureRecords out, in file order.
 * The format is sniffed from the magic bytes of the (gunzipped) stream, never from the name.
 */
import { MAGIC_LENGTH, magicHex, sniff, type Sniffed } from './magic.js';
import type { CaptureParser } from './parser.js';
import { PcapParserReader } from './pcap-parser-reader.js';
import { PcapReader } from './pcap.js';
import { PcapngReader } from './pcapng.js';
import type { CaptureSummary, RecordHandler } from './record.js';
import { ByteSource, describeReadError, fileBytes, gunzip, isTruncatedGzip } from './source.js';
import { CaptureTally } from './tally.js';

export interface ReadOptions {
  /** Reader for classic microsecond pcap (default pcap-parser). Nanosecond pcap and pcapng always use the builtin readers. */
  reader?: 'pcap-parser' | 'builtin';
}

/** Makes the reader for a sniffed format; null when the bytes are not a capture. One place to swap in a faster reader. */
function readerFor(format: Sniffed, tally: CaptureTally, options: ReadOptions): CaptureParser | null {
  switch (format) {
    case 'pcap-microseconds': return options.reader === 'builtin' ? new PcapReader(tally) : new PcapParserReader(tally);
    case 'pcap-nanoseconds': return new PcapReader(tally); // pcap-parser rejects magic a1b23c4d
    case 'pcapng': return new PcapngReader(tally);
    default: return null;
  }
}

/**
 * Streams the capture at `source` (a path, or '-' for stdin), calling onRecord synchronously for
 * each packet in file order. Never rejects for bad input: problems go into the summary (error /
 * warnings). Records before an error have been delivered. A record's `data` is valid only until
 * onRecord returns. Rejects only if onRecord throws.
 */
export function readCapture(source: string, onRecord: RecordHandler, options: ReadOptions = {}): Promise<CaptureSummary> {
  const bytes = source === '-' ? process.stdin : fileBytes(source);
  return readCaptureStream(bytes, source, onRecord, options);
}

/**
 * readCapture over any chunked byte source (a Readable, an async generator). `label` names the
 * source in warnings. The source is closed when reading stops, at its end or early.
 */
export async function readCaptureStream(
  stream: AsyncIterable<Uint8Array>, label: string, onRecord: RecordHandler, options: ReadOptions = {},
): Promise<CaptureSummary> {
  const tally = new CaptureTally(label, onRecord);
  let bytes = new ByteSource(stream);
  try {
    let head: Uint8Array;
    try {
      head = await bytes.peek(MAGIC_LENGTH);
      if (sniff(head) === 'gzip') {
        tally.summary.compressed = true;
        bytes = gunzip(bytes);
        head = await bytes.peek(MAGIC_LENGTH);
      }
    } catch (error) {
      tally.fail({ message: describeReadError(error) });
      return tally.summary;
    }
    if (head.length === 0) {
      tally.fail({ message: 'empty file', offset: 0 });
      return tally.summary;
    }
    const format = sniff(head);
    const parser = readerFor(format, tally, options);
    if (parser === null) {
      tally.fail({ message: `not a capture file (magic ${magicHex(head)})`, offset: 0 });
      return tally.summary;
    }
    tally.summary.format = format === 'pcapng' ? 'pcapng' : 'pcap';
    await feed(bytes, parser, tally);
  } finally {
    await bytes.close();
  }
  return tally.summary;
}

/**
 * Hands every chunk to the parser until it stops or the input ends. Read errors end in the
 * summary; an exception from the parser (a bug, e.g. in onRecord) propagates.
 */
async function feed(bytes: ByteSource, parser: CaptureParser, tally: CaptureTally): Promise<void> {
  const chunks = bytes.chunks();
  // Bounded by the input: each round consumes one chunk.
  for (;;) {
    let next: IteratorResult<Uint8Array, void>;
    try {
      next = await chunks.next();
    } catch (error) {
      if (isTruncatedGzip(error)) {
        // The compressed stream stops early: what it held was read; a partial record is a truncation.
        tally.warn('gzip data ends early (the compressed file is truncated)');
        parser.finish();
      } else {
        tally.fail({ message: describeReadError(error) });
      }
      return;
    }
    if (next.done) {
      parser.finish();
      return;
    }
    if (!parser.push(next.value)) {
      await chunks.return();
      return;
    }
  }
}
