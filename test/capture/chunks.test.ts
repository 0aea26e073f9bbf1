import { describe, expect, it } from 'vitest';
import { readCaptureStream } from '../../src/capture/open.js';
import { writePcap, writePcapng, type WrittenPacket } from '../helpers/capture-file.js';
import { READERS, collectBytes, frame } from './collect.js';

/** Packets of many sizes (0 to 300 bytes, 14 packets) so records straddle chunk edges at every phase. */
const PACKETS: WrittenPacket[] = Array.from({ length: 14 }, (_, i) => ({
  time: { sec: 1700000000 + i, nsec: (i * 37_000_123) % 1_000_000_000 },
  data: frame(i, (i * 53) % 301),
  originalLength: 400 + i,
}));

describe('records do not depend on how the input is chunked', () => {
  const files: [string, Buffer][] = [
    ['pcap', writePcap(PACKETS)],
    ['pcap big-endian nanosecond', writePcap(PACKETS, { bigEndian: true, nanosecond: true })],
    ['pcapng', writePcapng([
      { interfaces: [{ linkType: 1 }, { linkType: 101, tsresol: 9 }], packets: PACKETS.slice(0, 8).map((p, i) => ({ ...p, interfaceId: i % 2 })), unknownBlocks: true },
      { bigEndian: true, interfaces: [{ linkType: 113 }], packets: PACKETS.slice(8) },
    ])],
  ];

  for (const [name, file] of files) {
    for (const reader of READERS) {
      it(`${name} through ${reader}: chunks of 1, 3, 16, 17, 100 bytes give the records of one chunk`, async () => {
        const whole = await collectBytes(file, { reader, chunkSize: file.length });
        expect(whole.records.length).toBe(14);
        expect(whole.summary.error).toBeNull();
        for (const chunkSize of [1, 3, 16, 17, 100]) {
          const split = await collectBytes(file, { reader, chunkSize });
          expect(split.records).toEqual(whole.records);
          expect(split.summary).toEqual(whole.summary);
        }
      });
    }
  }

  it('pcapng split in two at every byte gives the same records', async () => {
    const file = writePcapng([
      { interfaces: [{ linkType: 1 }, { linkType: 101, tsresol: 9 }], packets: PACKETS.slice(1, 4).map((p, i) => ({ ...p, interfaceId: i % 2 })), unknownBlocks: true },
      { bigEndian: true, interfaces: [{ linkType: 113 }], packets: PACKETS.slice(4, 6) },
    ]);
    const key = (r: { number: number; capturedLength: number; linkType: number; nsec: number }): string => `${r.number}/${r.capturedLength}/${r.linkType}/${r.nsec}`;
    const whole = (await collectBytes(file, { chunkSize: file.length })).records.map(key);
    expect(whole.length).toBe(5);
    const differing: number[] = [];
    for (let cut = 1; cut < file.length; cut++) {
      async function* two(): AsyncGenerator<Uint8Array> { yield file.subarray(0, cut); yield file.subarray(cut); }
      const seen: string[] = [];
      const summary = await readCaptureStream(two(), 'two', (r) => seen.push(key(r)));
      if (summary.error !== null || seen.join() !== whole.join()) differing.push(cut);
    }
    expect(differing).toEqual([]);
  });
});

describe('pcap-parser and the builtin reader agree', () => {
  it('on records and summary for the same file, byte for byte', async () => {
    for (const bigEndian of [false, true]) {
      const file = writePcap(PACKETS, { bigEndian, linkType: 276, snaplen: 300 });
      const [a, b] = await Promise.all(READERS.map((reader) => collectBytes(file, { reader, chunkSize: 1000 })));
      expect(a!.records.length).toBe(14);
      expect(b!.records).toEqual(a!.records);
      expect(b!.summary).toEqual(a!.summary);
    }
  });

  it('on a truncated and on a corrupt file: the same records, warnings and errors', async () => {
    const file = writePcap(PACKETS);
    const cut = file.subarray(0, file.length - 5);
    const corrupt = Buffer.from(file);
    corrupt.writeUInt32LE(1 << 30, 24 + 16 * 3 + PACKETS.slice(0, 3).reduce((s, p) => s + p.data.length, 0) + 8);
    for (const bytes of [cut, corrupt]) {
      const [a, b] = await Promise.all(READERS.map((reader) => collectBytes(bytes, { reader, chunkSize: 333 })));
      expect(b!.records).toEqual(a!.records);
      expect(b!.summary).toEqual(a!.summary);
      expect(a!.summary.warnings.length + (a!.summary.error ? 1 : 0)).toBe(1);
    }
  });
});
