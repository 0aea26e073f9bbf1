/**
 * Every prefix of a small capture through the whole pipeline (STYLE practice 15, "every prefix"):
 * the packets analysed are exactly the complete records before the cut, a cut inside a record is
 * a warning naming the file, the packet and its offset (not an error), and a cut inside the file
 * header is an error. Offsets follow from the layouts: pcap 24-byte file header and 16-byte
 * record headers; pcapng SHB 28 bytes, IDB 20, EPB 28 + data + 4.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeCapture, type AnalyzeOptions } from '../../src/pipeline.js';
import type { AnyReport } from '../../src/report/schema.js';
import { writePcap, writePcapng, type WrittenPacket } from '../helpers/capture-file.js';
import { tcpFrame } from '../helpers/packets.js';
import { isReport, scratch } from '../helpers/analyze.js';

const dir = scratch();
afterAll(() => dir.cleanup());

const T = 1_700_000_000;
/** A handshake: 3 frames of 58 bytes (Ethernet 14 + IPv4 20 + TCP 24 with MSS). */
const C = { src: '10.0.0.1', dst: '10.0.0.2', srcPort: 40000, dstPort: 80 };
const S = { src: '10.0.0.2', dst: '10.0.0.1', srcPort: 80, dstPort: 40000 };
const PACKETS: WrittenPacket[] = [
  { time: T, data: tcpFrame({ ...C, seq: 100, flags: 'S', options: { mss: 1460 } }) },
  { time: T + 0.001, data: tcpFrame({ ...S, seq: 900, ack: 101, flags: 'SA', options: { mss: 1400 } }) },
  { time: T + 0.002, data: tcpFrame({ ...C, seq: 101, ack: 901, flags: 'A', options: { mss: 1460 } }) },
];
const FRAME = 58;

interface Expected {
  packets: number;
  warnings: string[];
  error?: string;
  failed?: string;
}

/** What the report must say about `bytes` cut at `cut`, from the record layout `starts` (offsets) and `sizes`. */
function expected(
  path: string, cut: number, magic: string, header: (cut: number) => string | null, starts: number[], sizes: number[], partHeader: number,
): Expected {
  if (cut === 0) return { packets: 0, warnings: [], failed: `${path}: empty file` };
  if (cut < 4) return { packets: 0, warnings: [], failed: `${path}: not a capture file (magic 0x${magic.slice(0, 2 * cut)})` };
  const headerError = header(cut);
  if (headerError) return { packets: 0, warnings: [], error: `${path}: ${headerError}` };
  const complete = starts.filter((s, i) => s + sizes[i] <= cut).length;
  const start = starts[complete];
  if (start === undefined || start === cut) return { packets: complete, warnings: [] };
  const have = cut - start;
  const need = have < partHeader ? partHeader : sizes[complete];
  return { packets: complete, warnings: [`${path}: packet ${complete + 1} truncated at byte offset ${start} (has ${have} of ${need} bytes)`] };
}

function actual(r: AnyReport): Expected {
  if (!isReport(r)) return { packets: 0, warnings: [], failed: r.error };
  return { packets: r.capture.packets, warnings: r.warnings, ...(r.capture.error ? { error: r.capture.error } : {}) };
}

/** Analyses every prefix of `file` (a few at a time: each waits on file I/O) and checks each report. */
async function everyPrefix(name: string, file: Uint8Array, wanted: (path: string, cut: number) => Expected, options: AnalyzeOptions = {}): Promise<number> {
  let checked = 0;
  const check = async (cut: number): Promise<void> => {
    const path = dir.write(`${cut}-${name}`, file.subarray(0, cut));
    const want = wanted(path, cut);
    const r = await analyzeCapture(path, options);
    expect(actual(r), `cut at ${cut}`).toEqual(want);
    // Packets delivered are analysed: the handshake's flow holds exactly those packets.
    if (isReport(r) && want.packets > 0) expect(r.tcp.flows.map((f) => [f.firstPacket, f.packets]), `cut at ${cut}`).toEqual([[1, want.packets]]);
    checked++;
  };
  const LANES = 8;
  await Promise.all(Array.from({ length: LANES }, async (_, lane) => {
    for (let cut = lane; cut <= file.length; cut += LANES) await check(cut);
  }));
  return checked;
}

describe('every prefix of a 3-packet capture', () => {
  const pcap = writePcap(PACKETS);
  const pcapStarts = [24, 24 + 16 + FRAME, 24 + 2 * (16 + FRAME)];
  const pcapSizes = pcapStarts.map(() => 16 + FRAME);

  // The default reader (pcap-parser); test/capture/truncation.test.ts cuts both readers inside records.
  it(`classic pcap: ${pcap.length + 1} cuts`, async () => {
    expect(pcap.length).toBe(24 + 3 * (16 + FRAME));
    const header = (cut: number) => (cut < 24 ? `file ends inside the pcap file header (has ${cut} of 24 bytes)` : null);
    const n = await everyPrefix('prefix.pcap', pcap, (path, cut) => expected(path, cut, 'd4c3b2a1', header, pcapStarts, pcapSizes, 16));
    expect(n).toBe(pcap.length + 1);
  });

  it('pcapng: every cut', async () => {
    const ng = writePcapng({ interfaces: [{ linkType: 1 }], packets: PACKETS });
    const epb = 28 + 60 + 4; // 58 bytes of data padded to 60
    const starts = [48, 48 + epb, 48 + 2 * epb];
    expect(ng.length).toBe(48 + 3 * epb);
    const header = (cut: number) => {
      if (cut >= 28) return null;
      const need = cut < 8 ? 8 : cut < 12 ? 12 : 28;
      return `file ends inside the section header block (has ${cut} of ${need} bytes)`;
    };
    const want = (path: string, cut: number): Expected => {
      const w = expected(path, cut, '0a0d0d0a', header, starts, starts.map(() => epb), 8);
      // Right after the section header: a complete (empty) capture. Inside the interface description
      // block (offsets 28-47): the block is named once its 4-byte type is read.
      if (cut === 28) return { packets: 0, warnings: [] };
      if (cut > 28 && cut < 48) {
        const have = cut - 28;
        const block = have < 4 ? 'packet 1' : 'interface description block';
        const warning = `${block} truncated at byte offset 28 (has ${have} of ${have < 8 ? 8 : 20} bytes)`;
        return { packets: 0, warnings: [`${path}: ${warning}`] };
      }
      return w;
    };
    const n = await everyPrefix('prefix.pcapng', ng, want);
    expect(n).toBe(ng.length + 1);
  });
});
