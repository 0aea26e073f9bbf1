import { describe, expect, it } from 'vitest';
import { writePcapng, type PcapngSection } from '../helpers/capture-file.js';
import { collectBytes, frame } from './collect.js';

/** The blocks of a pcapng file as [type, offset, length], walked the way the format says (test-side, simple). */
function blocks(file: Buffer): { type: number; offset: number; length: number; le: boolean }[] {
  const out = [];
  let le = true;
  for (let at = 0; at + 12 <= file.length && out.length < 1000;) {
    if (file.readUInt32LE(at) === 0x0a0d0d0a) le = file.readUInt32LE(at + 8) === 0x1a2b3c4d;
    const type = le ? file.readUInt32LE(at) : file.readUInt32BE(at);
    const length = le ? file.readUInt32LE(at + 4) : file.readUInt32BE(at + 4);
    out.push({ type, offset: at, length, le });
    at += length;
  }
  return out;
}

const EPB = 6;
const t0 = 1700000000;

describe('pcapng: one section', () => {
  for (const bigEndian of [false, true]) {
    it(`${bigEndian ? 'big' : 'little'}-endian enhanced packet blocks give exact records`, async () => {
      const file = writePcapng({
        bigEndian,
        interfaces: [{ linkType: 1 }],
        packets: [
          { time: t0 + 0.5, data: frame(1, 60) },
          { time: { sec: t0 + 1, nsec: 654321000 }, data: frame(2, 61), originalLength: 1500 },
        ],
      });
      const { records, summary } = await collectBytes(file);
      expect(records.map((r) => [r.number, r.sec, r.nsec, r.capturedLength, r.originalLength, r.linkType, r.interfaceId])).toEqual([
        [1, t0, 500000000, 60, 60, 1, 0],
        [2, t0 + 1, 654321000, 61, 1500, 1, 0],
      ]);
      expect(records[1]!.data).toEqual(frame(2, 61)); // 61 bytes: the block's padding is not data
      expect(summary).toEqual({
        format: 'pcapng', compressed: false, linkTypes: [1], packets: 2, bytes: 1560,
        firstTime: t0 + 0.5, lastTime: t0 + 1.654321, warnings: [], error: null,
      });
    });
  }

  it('obsolete packet blocks (type 2) read like enhanced ones, with their 16-bit interface id', async () => {
    const file = writePcapng({
      interfaces: [{ linkType: 1 }, { linkType: 101 }],
      packets: [
        { time: t0 + 1.25, data: frame(1, 40), block: 'obsolete', interfaceId: 1 },
        { time: t0 + 2, data: frame(2, 30), originalLength: 90, block: 'obsolete' },
      ],
    });
    const { records, summary } = await collectBytes(file);
    expect(records.map((r) => [r.number, r.sec, r.nsec, r.capturedLength, r.originalLength, r.linkType, r.interfaceId])).toEqual([
      [1, t0 + 1, 250000000, 40, 40, 101, 1],
      [2, t0 + 2, 0, 30, 90, 1, 0],
    ]);
    expect(summary.error).toBeNull();
  });

  it('simple packet blocks: interface 0, captured = min(snaplen, original), time of the previous packet', async () => {
    const file = writePcapng({
      interfaces: [{ linkType: 101, snaplen: 64 }, { linkType: 1 }],
      packets: [
        { time: t0 + 3.5, data: frame(1, 20), interfaceId: 1 },
        { time: 0, data: frame(2, 64), originalLength: 100, block: 'simple' }, // snaplen cut it to 64
        { time: 0, data: frame(3, 50), block: 'simple' },
      ],
    });
    const { records, summary } = await collectBytes(file);
    expect(records.map((r) => [r.number, r.sec, r.nsec, r.capturedLength, r.originalLength, r.linkType, r.interfaceId])).toEqual([
      [1, t0 + 3, 500000000, 20, 20, 1, 1],
      [2, t0 + 3, 500000000, 64, 100, 101, 0],
      [3, t0 + 3, 500000000, 50, 50, 101, 0],
    ]);
    expect(records[1]!.data).toEqual(frame(2, 64));
    expect(summary.bytes).toBe(170);
  });

  it('a simple packet block with snaplen 0 (no limit) keeps the original length', async () => {
    const file = writePcapng({ interfaces: [{ linkType: 1, snaplen: 0 }], packets: [{ time: 0, data: frame(9, 77), block: 'simple' }] });
    const { records } = await collectBytes(file);
    expect(records.map((r) => [r.capturedLength, r.originalLength, r.sec, r.nsec])).toEqual([[77, 77, 0, 0]]);
  });

  it('unknown blocks (name resolution, statistics, local-use types) are skipped and do not count as packets', async () => {
    const section: PcapngSection = {
      interfaces: [{ linkType: 1 }],
      packets: [{ time: t0, data: frame(1, 60) }, { time: t0 + 1, data: frame(2, 60) }, { time: t0 + 2, data: frame(3, 60) }],
    };
    const plain = await collectBytes(writePcapng(section));
    const withUnknown = writePcapng({ ...section, unknownBlocks: true });
    expect(blocks(withUnknown).length).toBe(blocks(writePcapng(section)).length + 4);
    const { records, summary } = await collectBytes(withUnknown);
    expect(records).toEqual(plain.records);
    expect(records.map((r) => r.number)).toEqual([1, 2, 3]);
    expect(summary.error).toBeNull();
  });
});

describe('pcapng: interfaces and timestamp resolutions', () => {
  it('each interface has its own link type and if_tsresol (decimal 10^-n, binary 2^-n)', async () => {
    const file = writePcapng({
      interfaces: [
        { linkType: 1 }, // default: microseconds
        { linkType: 101, tsresol: 9 }, // nanoseconds
        { linkType: 113, tsresol: 3 }, // milliseconds
        { linkType: 276, tsresol: 0x80 | 20 }, // 2^-20 s
        { linkType: 229, tsresol: 12 }, // picoseconds
      ],
      packets: [
        { time: { sec: t0, nsec: 123456789 }, data: frame(0, 20), interfaceId: 0 },
        { time: { sec: t0 + 1, nsec: 123456789 }, data: frame(1, 20), interfaceId: 1 },
        { time: { sec: t0 + 2, nsec: 123456789 }, data: frame(2, 20), interfaceId: 2 },
        { time: { sec: t0 + 3, nsec: 250000000 }, data: frame(3, 20), interfaceId: 3 },
        { time: { sec: t0 + 4, nsec: 123456789 }, data: frame(4, 20), interfaceId: 3 },
        // 64 bits of picoseconds only reach 213 days past the epoch.
        { time: { sec: 5, nsec: 123456789 }, data: frame(5, 20), interfaceId: 4 },
      ],
    });
    const { records, summary } = await collectBytes(file);
    // 2^-20 s units: 123456789 ns is floor(123456789 * 2^20 / 1e9) = 129453 units, which is
    // floor(129453 * 1e9 / 2^20) = 123456001 ns read back (truncated, as Wireshark does).
    const binaryNs = Number((((123456789n * 1048576n) / 1_000_000_000n) * 1_000_000_000n) / 1048576n);
    expect(binaryNs).toBe(123456001);
    expect(records.map((r) => [r.interfaceId, r.linkType, r.sec, r.nsec])).toEqual([
      [0, 1, t0, 123456000],
      [1, 101, t0 + 1, 123456789],
      [2, 113, t0 + 2, 123000000],
      [3, 276, t0 + 3, 250000000],
      [3, 276, t0 + 4, binaryNs],
      [4, 229, 5, 123456789],
    ]);
    expect(records[1]!.time).toBe(t0 + 1 + 123456789 / 1e9);
    expect(summary.linkTypes).toEqual([1, 101, 113, 276, 229]);
  });

  it('nanosecond counts beyond 2^53 stay exact to the nanosecond (no float rounding)', async () => {
    const times = [
      { sec: 4294967295, nsec: 999999999 }, // 2106: the largest 32-bit second
      { sec: 1700000000, nsec: 1 },
      { sec: 9007199, nsec: 254740993 }, // a count of exactly 2^53 + 1 ns
      { sec: 0, nsec: 999999999 },
    ];
    const file = writePcapng({ interfaces: [{ linkType: 1, tsresol: 9 }], packets: times.map((time, i) => ({ time, data: frame(i, 8) })) });
    const { records } = await collectBytes(file);
    expect(records.map((r) => ({ sec: r.sec, nsec: r.nsec }))).toEqual(times);
  });

  it('if_tsoffset adds whole seconds to every timestamp of its interface', async () => {
    // IDB built by hand: the writer has no tsoffset option. Layout per draft-ietf-opsawg-pcapng §4.2.
    const idb = Buffer.alloc(8 + 8 + 12 + 4 + 4);
    idb.writeUInt32LE(1, 0); idb.writeUInt32LE(idb.length, 4);
    idb.writeUInt16LE(1, 8); idb.writeUInt32LE(0, 12); // linktype 1, snaplen 0
    idb.writeUInt16LE(14, 16); idb.writeUInt16LE(8, 18); idb.writeBigInt64LE(-1000n, 20); // if_tsoffset = -1000 s
    idb.writeUInt32LE(0, 28); // opt_endofopt
    idb.writeUInt32LE(idb.length, 32);
    const plain = writePcapng({ interfaces: [], packets: [] }); // just the section header
    const epbOnly = writePcapng({ interfaces: [{ linkType: 1 }], packets: [{ time: t0 + 0.5, data: frame(0, 10) }] });
    const epb = epbOnly.subarray(blocks(epbOnly)[2]!.offset);
    const { records, summary } = await collectBytes(Buffer.concat([plain, idb, epb]));
    expect(records.map((r) => [r.sec, r.nsec])).toEqual([[t0 - 1000, 500000000]]);
    expect(summary.error).toBeNull();
  });

  it('an option running past its block ends the options; the interface is still defined', async () => {
    const file = writePcapng({ interfaces: [{ linkType: 101, tsresol: 9 }], packets: [{ time: { sec: t0, nsec: 7 }, data: frame(0, 10) }] });
    const idb = blocks(file)[1]!;
    file.writeUInt16LE(200, idb.offset + 16 + 2); // if_tsresol claims 200 bytes
    const { records, summary } = await collectBytes(file);
    // The resolution option is ignored: the nanosecond count is read as microseconds.
    const count = BigInt(t0) * 1_000_000_000n + 7n;
    expect(records.map((r) => [r.linkType, r.sec, r.nsec])).toEqual([[101, Number(count / 1_000_000n), Number(count % 1_000_000n) * 1000]]);
    expect(summary.error).toBeNull();
  });
});

describe('pcapng: several sections', () => {
  it('each section starts over: its own byte order and interfaces; packet numbers run on', async () => {
    const file = writePcapng([
      { interfaces: [{ linkType: 1 }, { linkType: 113, tsresol: 9 }], packets: [
        { time: t0, data: frame(1, 30) }, { time: { sec: t0 + 1, nsec: 5 }, data: frame(2, 31), interfaceId: 1 },
      ] },
      { bigEndian: true, interfaces: [{ linkType: 229 }], packets: [{ time: t0 + 2, data: frame(3, 32) }] },
      { interfaces: [{ linkType: 1, tsresol: 3 }, { linkType: 101 }], packets: [{ time: t0 + 3.5, data: frame(4, 33), interfaceId: 1 }, { time: t0 + 4.25, data: frame(5, 34) }] },
    ]);
    const { records, summary } = await collectBytes(file);
    expect(records.map((r) => [r.number, r.interfaceId, r.linkType, r.sec, r.nsec, r.capturedLength])).toEqual([
      [1, 0, 1, t0, 0, 30],
      [2, 1, 113, t0 + 1, 5, 31],
      [3, 0, 229, t0 + 2, 0, 32],
      [4, 1, 101, t0 + 3, 500000000, 33],
      [5, 0, 1, t0 + 4, 250000000, 34],
    ]);
    expect(summary.linkTypes).toEqual([1, 113, 229, 101]);
    expect(summary.error).toBeNull();
  });

  it('an interface id from an earlier section is not defined in a later one', async () => {
    const file = writePcapng([
      { interfaces: [{ linkType: 1 }, { linkType: 101 }], packets: [{ time: t0, data: frame(1, 30), interfaceId: 1 }] },
      { interfaces: [{ linkType: 1 }], packets: [{ time: t0 + 1, data: frame(2, 30), interfaceId: 1 }] },
    ]);
    const where = blocks(file).filter((b) => b.type === EPB)[1]!.offset;
    const { records, summary } = await collectBytes(file);
    expect(records.map((r) => r.number)).toEqual([1]);
    expect(summary.error).toEqual({
      message: `packet 2 at byte offset ${where}: interface 1 is not defined in this section (1 defined)`, offset: where, packet: 2,
    });
  });
});
