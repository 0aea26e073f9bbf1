import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { writePcap, writePcapng, type WrittenPacket } from '../helpers/capture-file.js';
import { READERS, collectBytes, collectFile, frame, scratchDir } from './collect.js';

const PACKETS: WrittenPacket[] = Array.from({ length: 40 }, (_, i) => ({ time: 1700000000 + i / 8, data: frame(i, 60 + i * 13) }));

describe('gzip-compressed captures (recognized by magic, not by name)', () => {
  const dir = scratchDir();
  afterAll(() => dir.cleanup());

  const pcap = writePcap(PACKETS);
  const pcapng = writePcapng({ interfaces: [{ linkType: 1 }], packets: PACKETS });

  for (const reader of READERS) {
    it(`gzip of a classic pcap named .pcap, through ${reader}: the same records, compressed: true`, async () => {
      const plain = await collectBytes(pcap, { reader });
      const { records, summary } = await collectFile(dir.path(`classic-${reader}.pcap`, gzipSync(pcap)), { reader });
      expect(records).toEqual(plain.records);
      expect(records.length).toBe(40);
      expect(summary).toEqual({ ...plain.summary, compressed: true });
    });
  }

  it('gzip of a pcapng named .gz: the same records', async () => {
    const plain = await collectBytes(pcapng);
    const { records, summary } = await collectFile(dir.path('capture.gz', gzipSync(pcapng)));
    expect(records).toEqual(plain.records);
    expect(summary).toMatchObject({ format: 'pcapng', compressed: true, packets: 40, error: null, warnings: [] });
  });

  it('a plain capture named .gz is read as what it is', async () => {
    const { summary } = await collectFile(dir.path('plain.pcap.gz', pcap));
    expect(summary).toMatchObject({ format: 'pcap', compressed: false, packets: 40, error: null });
  });

  it('a truncated gzip file: what decompressed is delivered, with warnings and no error', async () => {
    const gz = gzipSync(pcap);
    const path = dir.path('cut.pcap.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    const { records, summary } = await collectFile(path);
    const whole = await collectBytes(pcap);
    expect(records.length).toBeGreaterThan(0);
    expect(records.length).toBeLessThan(40);
    expect(records).toEqual(whole.records.slice(0, records.length));
    expect(summary.error).toBeNull();
    expect(summary.warnings[0]).toBe(`${path}: gzip data ends early (the compressed file is truncated)`);
    expect(summary.warnings[1]).toMatch(new RegExp(`^${path}: packet ${records.length + 1} truncated at byte offset \\d+ \\(has \\d+ of \\d+ bytes\\)$`));
  });

  it('corrupt gzip data: an error from gzip; the packets decompressed before it were delivered', async () => {
    const gz = Buffer.from(gzipSync(pcap));
    gz[gz.length - 6]! ^= 0xff; // the CRC-32 in the trailer (RFC 1952 §2.3.1)
    const { records, summary } = await collectFile(dir.path('bad.pcap.gz', gz));
    // zlib reports the bad CRC with the last block of output, which it then withholds.
    const whole = await collectBytes(pcap);
    expect(records).toEqual(whole.records.slice(0, records.length));
    expect(summary.error).toEqual({ message: 'gzip: incorrect data check' });
  });

  it('gzip of something else is not a capture; gzip of nothing is an empty file', async () => {
    const text = await collectFile(dir.path('text.gz', gzipSync(Buffer.from('hello world'))));
    expect(text.summary).toMatchObject({ format: null, compressed: true, error: { message: 'not a capture file (magic 0x68656c6c)', offset: 0 } });
    const empty = await collectFile(dir.path('empty.gz', gzipSync(Buffer.alloc(0))));
    expect(empty.summary).toMatchObject({ format: null, compressed: true, error: { message: 'empty file', offset: 0 } });
  });
});
