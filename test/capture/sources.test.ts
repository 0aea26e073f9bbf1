import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { readCapture, readCaptureStream } from '../../src/capture/open.js';
import type { CaptureRecord } from '../../src/capture/record.js';
import { writePcap, writePcapng } from '../helpers/capture-file.js';
import { READERS, chunked, collectBytes, collectFile, frame, scratchDir } from './collect.js';

const PCAP = writePcap([{ time: 1700000000.5, data: frame(1, 60) }, { time: 1700000001.25, data: frame(2, 70) }]);
const NO_FILE = { format: null, compressed: false, linkTypes: [], packets: 0, bytes: 0, firstTime: null, lastTime: null, warnings: [] };

describe('capture sources', () => {
  const dir = scratchDir();
  afterAll(() => dir.cleanup());
  afterEach(() => { vi.restoreAllMocks(); });

  it('a file path', async () => {
    const { records, summary } = await collectFile(dir.path('two.pcap', PCAP));
    expect(records.map((r) => [r.number, r.capturedLength])).toEqual([[1, 60], [2, 70]]);
    expect(summary).toMatchObject({ format: 'pcap', packets: 2, bytes: 130, error: null });
  });

  // fileBytes reads 1 MiB at a time into two buffers used in turn: 3,000 records of 1,000-1,699
  // bytes (~4 MB) span four reads, with records cut at each chunk boundary. A reader that kept a
  // view past the next read (pcap-parser keeps the rest of a chunk; zlib keeps its input) would
  // show another record's bytes here.
  const manyPackets = Array.from({ length: 3000 }, (_, i) => ({ time: 1700000000 + i / 1000, data: frame(7 * i, 1000 + ((i * 37) % 700)) }));
  const many = writePcap(manyPackets);
  const expectIntact = (records: CaptureRecord[]): void => {
    expect(records.length).toBe(3000);
    records.forEach((r, i) => expect(Buffer.compare(r.data, manyPackets[i].data), `record ${i + 1}`).toBe(0));
  };
  for (const reader of READERS) {
    it(`a file of several reads, through ${reader}: every record's bytes as written`, async () => {
      const { records, summary } = await collectFile(dir.path(`many-${reader}.pcap`, many), { reader });
      expect(summary).toMatchObject({ format: 'pcap', packets: 3000, error: null });
      expectIntact(records);
    });
  }
  it('the same file gzipped: every record intact', async () => {
    const { records, summary } = await collectFile(dir.path('many.pcap.gz', gzipSync(many)), { reader: 'builtin' });
    expect(summary).toMatchObject({ compressed: true, packets: 3000, error: null });
    expectIntact(records);
  });

  // The contract fileBytes relies on, made loud: this source overwrites each chunk with 0xee
  // before it reads the next into the same buffer, so a reader that keeps bytes past the next
  // chunk without copying them gets garbage (deterministically, unlike a file's read-ahead).
  async function* overwriting(bytes: Uint8Array, chunkSize: number): AsyncGenerator<Uint8Array> {
    const buffer = new Uint8Array(chunkSize);
    for (let i = 0; i < bytes.length; i += chunkSize) {
      buffer.fill(0xee);
      const n = Math.min(chunkSize, bytes.length - i);
      buffer.set(bytes.subarray(i, i + n));
      yield buffer.subarray(0, n);
    }
  }
  it('a source that reuses one Buffer, 3 bytes at a time: the magic is peeked across chunks from copies', async () => {
    // Sniffing needs the first 4 bytes, so the first two 3-byte chunks are held at once: had they
    // been kept as views (Buffer#slice), both would show the second chunk's bytes.
    async function* tiny(): AsyncGenerator<Uint8Array> {
      const buffer = Buffer.alloc(3);
      for (let i = 0; i < PCAP.length; i += 3) {
        buffer.fill(0xee);
        const n = Math.min(3, PCAP.length - i);
        buffer.set(PCAP.subarray(i, i + n));
        yield buffer.subarray(0, n);
      }
    }
    const numbers: number[] = [];
    const summary = await readCaptureStream(tiny(), 'tiny.pcap', (r) => numbers.push(r.number), { reader: 'builtin' });
    expect(summary).toMatchObject({ format: 'pcap', packets: 2, error: null });
    expect(numbers).toEqual([1, 2]);
  });
  for (const reader of READERS) {
    for (const compressed of [false, true]) {
      it(`a source that reuses its buffer, through ${reader}${compressed ? ', gzipped' : ''}: every record intact`, async () => {
        const records: CaptureRecord[] = [];
        const keep = (r: CaptureRecord): number => records.push({ ...r, data: new Uint8Array(r.data) });
        const summary = await readCaptureStream(overwriting(compressed ? gzipSync(many) : many, 1 << 16), 'reused.pcap', keep, { reader });
        expect(summary).toMatchObject({ compressed, packets: 3000, error: null });
        expectIntact(records);
      });
    }
  }

  it('a missing file', async () => {
    const { summary } = await collectFile(dir.path('absent.pcap'));
    expect(summary).toEqual({ ...NO_FILE, error: { message: 'no such file' } });
  });

  it('a directory', async () => {
    const { summary } = await collectFile(dir.path(''));
    expect(summary).toEqual({ ...NO_FILE, error: { message: 'is a directory' } });
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable file', async () => {
    const path = dir.path('locked.pcap', PCAP);
    chmodSync(path, 0);
    const { summary } = await collectFile(path);
    expect(summary.error).toEqual({ message: 'permission denied' });
  });

  it('an empty file', async () => {
    const { summary } = await collectFile(dir.path('empty.pcap', new Uint8Array(0)));
    expect(summary).toEqual({ ...NO_FILE, error: { message: 'empty file', offset: 0 } });
  });

  it('not a capture file: the magic is quoted, also when the file is shorter than a magic', async () => {
    const text = await collectFile(dir.path('readme.pcap', Buffer.from('hello, world\n')));
    expect(text.summary).toEqual({ ...NO_FILE, error: { message: 'not a capture file (magic 0x68656c6c)', offset: 0 } });
    const tiny = await collectBytes(Uint8Array.of(0xa1, 0xb2));
    expect(tiny.summary.error).toEqual({ message: 'not a capture file (magic 0xa1b2)', offset: 0 });
  });

  it("'-' reads process.stdin", async () => {
    vi.spyOn(process, 'stdin', 'get').mockReturnValue(Readable.from(chunked(PCAP, 9)) as unknown as typeof process.stdin);
    const records: number[] = [];
    const summary = await readCapture('-', (r) => records.push(r.number), { reader: 'builtin' });
    expect(records).toEqual([1, 2]);
    expect(summary).toMatchObject({ format: 'pcap', packets: 2, error: null });
  });

  it("'-' through a real pipe: a child process reads a pcapng from its stdin", () => {
    const file = writePcapng({ interfaces: [{ linkType: 1 }], packets: [{ time: 5, data: frame(1, 33) }, { time: 6, data: frame(2, 44) }] });
    // The build of src/capture/open.ts (test/setup/build.ts makes it): plain node starts in a tenth of vite-node's time.
    const script = dir.path('child.mjs', Buffer.from([
      `import { readCapture } from ${JSON.stringify(new URL('../../dist/capture/open.js', import.meta.url).pathname)};`,
      'const lengths = [];',
      "const summary = await readCapture('-', (r) => lengths.push(r.capturedLength));",
      'console.log(JSON.stringify({ lengths, packets: summary.packets, format: summary.format, error: summary.error }));',
    ].join('\n')));
    const child = spawnSync(process.execPath, [script], { input: file, encoding: 'utf8', timeout: 15000 });
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual({ lengths: [33, 44], packets: 2, format: 'pcapng', error: null });
  });

  it('an exception thrown by onRecord is not bad input: readCapture rejects with it', async () => {
    const boom = (r: CaptureRecord): void => { if (r.number === 2) throw new Error('tracker bug'); };
    await expect(readCapture(dir.path('boom.pcap', PCAP), boom)).rejects.toThrow('tracker bug');
  });
});
