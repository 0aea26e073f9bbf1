import { describe, expect, it } from 'vitest';
import { writePcap, writePcapng, type WrittenPacket } from '../helpers/capture-file.js';
import { READERS, collectBytes, frame } from './collect.js';

const PACKETS: WrittenPacket[] = [
  { time: 1700000000.1, data: frame(1, 60) },
  { time: 1700000000.2, data: frame(2, 61) },
  { time: 1700000000.3, data: frame(3, 62) },
];

describe('a file that ends inside its last record', () => {
  const file = writePcap(PACKETS);
  const lastStart = file.length - 16 - 62;

  for (const reader of READERS) {
    for (const chunkSize of [1 << 16, 7]) {
      it(`pcap through ${reader} (chunks of ${chunkSize}): every cut delivers the first two packets and warns`, async () => {
        for (let cut = lastStart + 1; cut < file.length; cut++) {
          const { records, summary } = await collectBytes(file.subarray(0, cut), { reader, chunkSize });
          const have = cut - lastStart;
          const need = have < 16 ? 16 : 16 + 62; // the header first, then header + data
          expect(records.map((r) => r.number)).toEqual([1, 2]);
          expect(records[1]!.data).toEqual(frame(2, 61));
          expect(summary.error).toBeNull();
          expect(summary.warnings).toEqual([`test.pcap: packet 3 truncated at byte offset ${lastStart} (has ${have} of ${need} bytes)`]);
          expect(summary.packets).toBe(2);
        }
      });
    }

    it(`pcap through ${reader}: a cut on a record boundary is a complete file`, async () => {
      const { records, summary } = await collectBytes(file.subarray(0, lastStart), { reader });
      expect([records.length, summary.warnings, summary.error]).toEqual([2, [], null]);
    });

    it(`pcap through ${reader}: a file that ends inside the 24-byte file header is an error`, async () => {
      for (let cut = 4; cut < 24; cut++) {
        const { records, summary } = await collectBytes(file.subarray(0, cut), { reader, chunkSize: 5 });
        expect(records).toEqual([]);
        expect(summary.format).toBe('pcap');
        expect(summary.error).toEqual({ message: `file ends inside the pcap file header (has ${cut} of 24 bytes)`, offset: 0 });
      }
    });
  }

  const ng = writePcapng({ interfaces: [{ linkType: 1 }], packets: PACKETS });
  const epbLength = 28 + 64 + 4; // 62 bytes of data padded to 64
  const ngLastStart = ng.length - epbLength;

  for (const chunkSize of [1 << 16, 3]) {
    it(`pcapng (chunks of ${chunkSize}): every cut of the last block delivers the first two packets and warns`, async () => {
      for (let cut = ngLastStart + 1; cut < ng.length; cut++) {
        const { records, summary } = await collectBytes(ng.subarray(0, cut), { chunkSize, label: 'x.pcapng' });
        const have = cut - ngLastStart;
        const need = have < 8 ? 8 : epbLength; // type and total length first
        expect(records.map((r) => r.number)).toEqual([1, 2]);
        expect(summary.error).toBeNull();
        expect(summary.warnings).toEqual([`x.pcapng: packet 3 truncated at byte offset ${ngLastStart} (has ${have} of ${need} bytes)`]);
      }
    });
  }

  it('pcapng: a file that ends inside its first section header is an error', async () => {
    for (let cut = 4; cut < 28; cut++) {
      const { summary } = await collectBytes(ng.subarray(0, cut));
      const need = cut < 8 ? 8 : cut < 12 ? 12 : 28;
      expect(summary.error).toEqual({ message: `file ends inside the section header block (has ${cut} of ${need} bytes)`, offset: 0 });
    }
  });

  it('pcapng: a cut inside a trailing non-packet block is a warning naming the block', async () => {
    const withStats = writePcapng({ interfaces: [{ linkType: 1 }], packets: [PACKETS[0]!], unknownBlocks: true });
    // unknownBlocks puts an interface statistics block (type 5, 24 bytes) and a 16-byte local-use block after packet 1.
    const statsStart = withStats.length - 24 - 16;
    const { records, summary } = await collectBytes(withStats.subarray(0, statsStart + 20));
    expect(records.length).toBe(1);
    expect(summary.error).toBeNull();
    expect(summary.warnings).toEqual([`test.pcap: block of type 0x00000005 truncated at byte offset ${statsStart} (has 20 of 24 bytes)`]);
  });
});
