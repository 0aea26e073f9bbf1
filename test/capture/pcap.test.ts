import { describe, expect, it } from 'vitest';
import { writePcap, type WrittenPacket } from '../helpers/capture-file.js';
import { READERS, collectBytes, frame } from './collect.js';

/** Three packets: a float time, an exact time, and one cut by the snaplen (60 of 1514 bytes kept). */
const PACKETS: WrittenPacket[] = [
  { time: 1700000000.25, data: frame(1, 54) },
  { time: { sec: 1700000001, nsec: 123456789 }, data: frame(2, 74) },
  { time: { sec: 1700000002, nsec: 999999999 }, data: frame(3, 60), originalLength: 1514 },
];

describe('classic pcap', () => {
  for (const bigEndian of [false, true]) {
    for (const reader of READERS) {
      it(`microsecond ${bigEndian ? 'big' : 'little'}-endian through ${reader}: exact records`, async () => {
        const file = writePcap(PACKETS, { bigEndian, linkType: 113 });
        const { records, summary } = await collectBytes(file, { reader });
        expect(records.map((r) => [r.number, r.sec, r.nsec, r.capturedLength, r.originalLength, r.linkType, r.interfaceId])).toEqual([
          [1, 1700000000, 250000000, 54, 54, 113, 0],
          [2, 1700000001, 123456000, 74, 74, 113, 0], // microsecond file: the nanoseconds are cut
          [3, 1700000002, 999999000, 60, 1514, 113, 0],
        ]);
        expect(records[1]!.time).toBe(1700000001 + 123456000 / 1e9);
        expect(records.map((r) => r.data)).toEqual(PACKETS.map((p) => p.data));
        expect(summary).toEqual({
          format: 'pcap', compressed: false, linkTypes: [113], packets: 3, bytes: 54 + 74 + 1514,
          firstTime: 1700000000.25, lastTime: 1700000002.999999, warnings: [], error: null,
        });
      });
    }

    it(`nanosecond ${bigEndian ? 'big' : 'little'}-endian (a1b23c4d): every nanosecond kept, whatever reader is asked for`, async () => {
      const file = writePcap(PACKETS, { bigEndian, nanosecond: true });
      for (const reader of READERS) {
        const { records, summary } = await collectBytes(file, { reader });
        expect(records.map((r) => [r.sec, r.nsec])).toEqual([[1700000000, 250000000], [1700000001, 123456789], [1700000002, 999999999]]);
        expect(records[2]!.time).toBe(1700000002 + 999999999 / 1e9);
        expect(summary.format).toBe('pcap');
        expect(summary.linkTypes).toEqual([1]);
        expect(summary.error).toBeNull();
      }
    });
  }

  it('a header alone is a capture with no packets', async () => {
    for (const reader of READERS) {
      const { records, summary } = await collectBytes(writePcap([], { linkType: 101 }), { reader });
      expect(records).toEqual([]);
      expect(summary).toMatchObject({ format: 'pcap', linkTypes: [101], packets: 0, bytes: 0, firstTime: null, lastTime: null, error: null, warnings: [] });
    }
  });

  it('first/last time are the earliest and latest, also when packets are out of time order', async () => {
    const file = writePcap([{ time: 20, data: frame(0, 10) }, { time: 10.5, data: frame(1, 10) }, { time: 15, data: frame(2, 10) }]);
    for (const reader of READERS) {
      const { summary } = await collectBytes(file, { reader });
      expect([summary.firstTime, summary.lastTime]).toEqual([10.5, 20]);
    }
  });

  it('link type flags in the top bits (FCS length) are not part of the link type', async () => {
    const file = writePcap([{ time: 1, data: frame(0, 20) }], { linkType: 1 });
    file.writeUInt32LE(0x10000000 | 1, 20); // FCS length 1 (x 16 bits) and the F bit area, as pcap allows
    for (const reader of READERS) {
      const { records, summary } = await collectBytes(file, { reader });
      expect(records[0]!.linkType).toBe(1);
      expect(summary.linkTypes).toEqual([1]);
    }
  });

  it('a microsecond field of a second or more carries into the seconds', async () => {
    const file = writePcap([{ time: { sec: 100, nsec: 0 }, data: frame(0, 20) }]);
    file.writeUInt32LE(1_500_000, 24 + 4); // ts_usec = 1.5 s (corrupt, but seen in the wild)
    for (const reader of READERS) {
      const { records } = await collectBytes(file, { reader });
      expect([records[0]!.sec, records[0]!.nsec]).toEqual([101, 500000000]);
    }
  });

  describe('version check (pcap-parser only rejects when both numbers differ from 2.4)', () => {
    const withVersion = (major: number, minor: number): Buffer => {
      const file = writePcap([{ time: 1, data: frame(0, 20) }]);
      file.writeUInt16LE(major, 4);
      file.writeUInt16LE(minor, 6);
      return file;
    };

    it('2.3 is read by both readers (libpcap reads any 2.x)', async () => {
      for (const reader of READERS) {
        const { records, summary } = await collectBytes(withVersion(2, 3), { reader });
        expect([records.length, summary.error]).toEqual([1, null]);
      }
    });

    for (const [major, minor] of [[1, 4], [1, 0], [3, 4]] as const) {
      it(`${major}.${minor} is refused by both readers with the same message`, async () => {
        for (const reader of READERS) {
          const { records, summary } = await collectBytes(withVersion(major, minor), { reader });
          expect(records).toEqual([]);
          expect(summary.format).toBe('pcap');
          expect(summary.error).toEqual({ message: `unsupported pcap version ${major}.${minor}`, offset: 0 });
        }
      });
    }
  });
});
