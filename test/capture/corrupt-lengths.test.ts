import { describe, expect, it } from 'vitest';
import { writePcap, writePcapng, type WrittenPacket } from '../helpers/capture-file.js';
import { READERS, chunked, collectBytes, frame } from './collect.js';
import { readCaptureStream } from '../../src/capture/open.js';

const PACKETS: WrittenPacket[] = [1, 2, 3, 4, 5].map((i) => ({ time: 1700000000 + i, data: frame(i, 50 + i) }));
/** Offset of record `n` (1-based) in a classic pcap of PACKETS. */
const recordOffset = (n: number): number => 24 + PACKETS.slice(0, n - 1).reduce((sum, p) => sum + 16 + p.data.length, 0);

describe('classic pcap: a corrupt captured length in the middle', () => {
  for (const reader of READERS) {
    it(`${reader}: stops with an error naming packet and offset; the packets before it were delivered`, async () => {
      const file = writePcap(PACKETS, { snaplen: 65535 });
      const at = recordOffset(3);
      file.writeUInt32LE(0xfffffff0, at + 8);
      const { records, summary } = await collectBytes(file, { reader });
      expect(records.map((r) => r.number)).toEqual([1, 2]);
      expect(summary.packets).toBe(2);
      expect(summary.error).toEqual({
        message: `packet 3 at byte offset ${at}: captured length 4294967280 exceeds the limit of 262144 bytes (corrupt record header)`,
        offset: at, packet: 3,
      });
      expect(summary.warnings).toEqual([]);
    });

    it(`${reader}: the limit is the file's snaplen when that is above 262144, and never above 16 MiB`, async () => {
      const big = { time: 1, data: frame(0, 300000) };
      const read = await collectBytes(writePcap([big], { snaplen: 400000 }), { reader });
      expect([read.records[0]!.capturedLength, read.summary.error]).toEqual([300000, null]);

      const refused = await collectBytes(writePcap([big], { snaplen: 65535 }), { reader });
      expect(refused.summary.error?.message).toBe('packet 1 at byte offset 24: captured length 300000 exceeds the limit of 262144 bytes (corrupt record header)');

      const file = writePcap([{ time: 1, data: frame(0, 10) }], { snaplen: 0xffffffff });
      file.writeUInt32LE(16 * 1024 * 1024 + 1, 24 + 8);
      const huge = await collectBytes(file, { reader });
      expect(huge.summary.error?.message).toBe('packet 1 at byte offset 24: captured length 16777217 exceeds the limit of 16777216 bytes (corrupt record header)');
    });

    it(`${reader}: after a corrupt length no more input is read (pcap-parser would buffer it all)`, async () => {
      const file = writePcap(PACKETS);
      file.writeUInt32LE(0x7fffffff, recordOffset(2) + 8);
      let pulled = 0;
      let closed = false;
      async function* endless(): AsyncGenerator<Uint8Array> {
        try {
          yield* chunked(file, 1 << 16);
          for (let i = 0; i < 10000; i++) { pulled++; yield new Uint8Array(1 << 16); }
        } finally { closed = true; }
      }
      const summary = await readCaptureStream(endless(), 'endless', () => {}, { reader });
      expect(summary.error?.packet).toBe(2);
      expect(pulled).toBe(0);
      expect(closed).toBe(true);
    });
  }
});

describe('pcapng: corrupt block and packet lengths', () => {
  const section = { interfaces: [{ linkType: 1 }], packets: PACKETS };
  /** Offset of the EPB of packet n: SHB 28 + IDB 20 + earlier EPBs (28 + padded data + 4). */
  const epbOffset = (n: number): number => 48 + PACKETS.slice(0, n - 1).reduce((s, p) => s + 32 + Math.ceil(p.data.length / 4) * 4, 0);

  /** [name, corruption, expected problem given the offset and the file before the corruption]. */
  const cases: [string, (f: Buffer, at: number) => void, (at: number, before: Buffer) => string][] = [
    ['not a multiple of 4', (f, at) => f.writeUInt32LE(f.readUInt32LE(at + 4) + 1, at + 4),
      (at) => `packet 3 at byte offset ${at}: block total length 89 is not a multiple of 4 between 12 and 16777216`],
    ['below 12', (f, at) => f.writeUInt32LE(8, at + 4),
      () => 'block total length 8 is not a multiple of 4 between 12 and 16777216'],
    ['above 16 MiB', (f, at) => f.writeUInt32LE(0x7ffffff0, at + 4),
      () => 'block total length 2147483632 is not a multiple of 4 between 12 and 16777216'],
    ['different from its trailing copy', (f, at) => f.writeUInt32LE(84, at + 4),
      // The "trailing copy" is read where a length of 84 puts it: 4 bytes of packet data.
      (at, before) => `block total length 84 does not match its trailing copy ${before.readUInt32LE(at + 80)}`],
    ['a captured length beyond the block', (f, at) => f.writeUInt32LE(57, at + 20),
      () => "captured length 57 exceeds the block's space of 56 bytes"],
  ];

  for (const [name, corrupt, problem] of cases) {
    it(`block total length ${name}: error naming the packet; packets 1-2 delivered`, async () => {
      const file = writePcapng(section);
      const at = epbOffset(3);
      expect(file.readUInt32LE(at)).toBe(6); // an EPB, 88 bytes long
      expect(file.readUInt32LE(at + 4)).toBe(88);
      const before = Buffer.from(file);
      corrupt(file, at);
      const { records, summary } = await collectBytes(file, { chunkSize: 50 });
      expect(records.map((r) => r.number)).toEqual([1, 2]);
      const text = problem(at, before);
      expect(summary.error).toEqual({
        message: text.startsWith('packet') ? text : `packet 3 at byte offset ${at}: ${text}`, offset: at, packet: 3,
      });
    });
  }

  it('a section header with an unknown major version is an error naming the block', async () => {
    const file = writePcapng([section, section]);
    const second = epbOffset(6);
    file.writeUInt16LE(2, second + 12);
    const { records, summary } = await collectBytes(file);
    expect(records.length).toBe(5);
    expect(summary.error).toEqual({ message: `section header block at byte offset ${second}: unsupported pcapng version 2.0`, offset: second });
  });

  it('a section header with a bad byte-order magic is an error', async () => {
    const file = writePcapng([section, section]);
    const second = epbOffset(6);
    file.writeUInt32LE(0x11223344, second + 8);
    const { records, summary } = await collectBytes(file);
    expect(records.length).toBe(5);
    expect(summary.error).toEqual({ message: `section header block at byte offset ${second}: bad byte-order magic 0x11223344 in section header`, offset: second });
  });

  it('a simple packet block whose min(snaplen, original length) exceeds the block is an error', async () => {
    const file = writePcapng({ interfaces: [{ linkType: 1, snaplen: 0 }], packets: [{ time: 0, data: frame(0, 40), originalLength: 1000, block: 'simple' }] });
    const { records, summary } = await collectBytes(file);
    expect(records).toEqual([]);
    expect(summary.error).toEqual({ message: "packet 1 at byte offset 48: captured length 1000 exceeds the block's space of 40 bytes", offset: 48, packet: 1 });
  });
});
