/**
 * Test-side capture FILE writer: turns packet descriptions into the exact bytes of a classic pcap
 * or pcapng file, so every test builds its own fixtures (nothing is copied from elsewhere).
 *
 * Conventions
 * - `time` as a number is float seconds since the epoch; it is rounded to the file's resolution.
 *   `time` as `{ sec, nsec }` is exact; nanoseconds are truncated to coarser resolutions.
 * - `originalLength` defaults to `data.length` (the whole packet was captured).
 * - Default link type 1 (Ethernet), default snaplen 262144, little-endian unless `bigEndian`.
 * - Nothing is validated: tests for malformed files pass inconsistent values on purpose.
 *
 * Layouts: pcap(5) / draft-ietf-opsawg-pcap; pcapng per draft-ietf-opsawg-pcapng §4 (blocks).
 */

export interface WrittenPacket {
  time: number | { sec: number; nsec: number };
  data: Uint8Array;
  originalLength?: number;
  interfaceId?: number;
}

const DEFAULT_LINKTYPE = 1;
const DEFAULT_SNAPLEN = 262144;

/** Classic pcap file header and per-record header offsets (draft-ietf-opsawg-pcap §4, §5). */
const PCAP = {
  MAGIC: 0, VERSION_MAJOR: 4, VERSION_MINOR: 6, THISZONE: 8, SIGFIGS: 12, SNAPLEN: 16, LINKTYPE: 20, FILE_HEADER: 24,
  TS_SEC: 0, TS_FRAC: 4, CAPLEN: 8, ORIGLEN: 12, RECORD_HEADER: 16,
  MAGIC_USEC: 0xa1b2c3d4, MAGIC_NSEC: 0xa1b23c4d,
} as const;

/** pcapng block types and fixed offsets (draft-ietf-opsawg-pcapng §4.1-§4.4, appendix for type 2). */
const PCAPNG = {
  SHB: 0x0a0d0d0a, IDB: 0x00000001, OBSOLETE_PACKET: 0x00000002, SPB: 0x00000003, NRB: 0x00000004,
  ISB: 0x00000005, EPB: 0x00000006, LOCAL_USE: 0x80000bad,
  BYTE_ORDER_MAGIC: 0x1a2b3c4d,
  OPT_ENDOFOPT: 0, IF_TSRESOL: 9,
} as const;

/** A time split into whole seconds and a fraction counted in `unitsPerSecond` (a bigint, so 64-bit fits). */
function splitTime(time: WrittenPacket['time'], unitsPerSecond: bigint): { sec: number; units: bigint } {
  if (typeof time === 'number') {
    let sec = Math.floor(time);
    let units = BigInt(Math.round((time - sec) * Number(unitsPerSecond)));
    if (units >= unitsPerSecond) { sec += 1; units -= unitsPerSecond; }
    return { sec, units };
  }
  return { sec: time.sec, units: (BigInt(time.nsec) * unitsPerSecond) / 1_000_000_000n };
}

/** Little helper over a growing list of chunks with fixed byte order. */
class ByteWriter {
  private readonly parts: Buffer[] = [];
  constructor(private readonly bigEndian: boolean) {}

  u16(v: number): this { const b = Buffer.alloc(2); if (this.bigEndian) b.writeUInt16BE(v); else b.writeUInt16LE(v); this.parts.push(b); return this; }
  u32(v: number): this { const b = Buffer.alloc(4); if (this.bigEndian) b.writeUInt32BE(v >>> 0); else b.writeUInt32LE(v >>> 0); this.parts.push(b); return this; }
  i32(v: number): this { const b = Buffer.alloc(4); if (this.bigEndian) b.writeInt32BE(v); else b.writeInt32LE(v); this.parts.push(b); return this; }
  u64(v: bigint): this { const b = Buffer.alloc(8); if (this.bigEndian) b.writeBigUInt64BE(BigInt.asUintN(64, v)); else b.writeBigUInt64LE(BigInt.asUintN(64, v)); this.parts.push(b); return this; }
  bytes(v: Uint8Array): this { this.parts.push(Buffer.from(v.buffer, v.byteOffset, v.byteLength)); return this; }
  /** Zero bytes up to the next multiple of 4 of `length`. */
  pad(length: number): this { const n = (4 - (length % 4)) % 4; if (n) this.parts.push(Buffer.alloc(n)); return this; }
  toBuffer(): Buffer { return Buffer.concat(this.parts); }
}

/**
 * A classic pcap file. `nanosecond` writes magic a1b23c4d and nanosecond fractions; otherwise
 * a1b2c3d4 and microseconds.
 */
export function writePcap(
  packets: WrittenPacket[],
  opts: { linkType?: number; nanosecond?: boolean; bigEndian?: boolean; snaplen?: number } = {},
): Buffer {
  const w = new ByteWriter(opts.bigEndian ?? false);
  const unitsPerSecond = opts.nanosecond ? 1_000_000_000n : 1_000_000n;
  w.u32(opts.nanosecond ? PCAP.MAGIC_NSEC : PCAP.MAGIC_USEC).u16(2).u16(4).i32(0).u32(0)
    .u32(opts.snaplen ?? DEFAULT_SNAPLEN).u32(opts.linkType ?? DEFAULT_LINKTYPE);
  for (const p of packets) {
    const { sec, units } = splitTime(p.time, unitsPerSecond);
    w.u32(sec).u32(Number(units)).u32(p.data.length).u32(p.originalLength ?? p.data.length).bytes(p.data);
  }
  return w.toBuffer();
}

export interface PcapngInterface {
  linkType: number;
  /** Raw if_tsresol option byte (high bit set: 2^-n, else 10^-n); the option is omitted when undefined (default 6). */
  tsresol?: number;
  snaplen?: number;
}

export interface PcapngSection {
  interfaces: PcapngInterface[];
  /** `block: 'simple'` writes an SPB: interface 0, no timestamp (its `time` and `interfaceId` are not stored). */
  packets: (WrittenPacket & { block?: 'enhanced' | 'simple' | 'obsolete' })[];
  bigEndian?: boolean;
  /** Adds blocks a reader must skip: a name resolution block, a local-use block (unknown type) and an interface statistics block. */
  unknownBlocks?: boolean;
}

/** Units per second an if_tsresol byte stands for (draft-ietf-opsawg-pcapng §4.2, if_tsresol). */
function unitsOf(tsresol: number | undefined): bigint {
  const raw = tsresol ?? 6;
  return raw & 0x80 ? 1n << BigInt(raw & 0x7f) : 10n ** BigInt(raw);
}

/** Writes one block: type, total length, body (padded), total length again. */
function block(bigEndian: boolean, type: number, body: Buffer): Buffer {
  const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
  const total = padded.length + 12;
  return new ByteWriter(bigEndian).u32(type).u32(total).bytes(padded).u32(total).toBuffer();
}

function sectionBytes(section: PcapngSection): Buffer {
  const be = section.bigEndian ?? false;
  const out: Buffer[] = [];
  // Section header block: byte-order magic, version 1.0, section length -1 (unknown).
  out.push(block(be, PCAPNG.SHB, new ByteWriter(be).u32(PCAPNG.BYTE_ORDER_MAGIC).u16(1).u16(0).u64(-1n).toBuffer()));
  for (const itf of section.interfaces) {
    const w = new ByteWriter(be).u16(itf.linkType).u16(0).u32(itf.snaplen ?? DEFAULT_SNAPLEN);
    if (itf.tsresol !== undefined) {
      w.u16(PCAPNG.IF_TSRESOL).u16(1).bytes(Uint8Array.of(itf.tsresol)).pad(1);
      w.u16(PCAPNG.OPT_ENDOFOPT).u16(0);
    }
    out.push(block(be, PCAPNG.IDB, w.toBuffer()));
  }
  if (section.unknownBlocks) {
    // Name resolution block holding only nrb_record_end, then a block of a type no reader knows.
    out.push(block(be, PCAPNG.NRB, new ByteWriter(be).u16(0).u16(0).toBuffer()));
    out.push(block(be, PCAPNG.LOCAL_USE, new ByteWriter(be).u32(32473).bytes(Uint8Array.of(1, 2, 3, 4, 5)).toBuffer()));
  }
  section.packets.forEach((p, i) => {
    const itf = section.interfaces[p.interfaceId ?? 0];
    const units = unitsOf(itf?.tsresol);
    const { sec, units: frac } = splitTime(p.time, units);
    const ts = BigInt(sec) * units + frac;
    const high = Number((ts >> 32n) & 0xffffffffn);
    const low = Number(ts & 0xffffffffn);
    const orig = p.originalLength ?? p.data.length;
    const kind = p.block ?? 'enhanced';
    if (kind === 'simple') {
      out.push(block(be, PCAPNG.SPB, new ByteWriter(be).u32(orig).bytes(p.data).toBuffer()));
    } else if (kind === 'obsolete') {
      const w = new ByteWriter(be).u16(p.interfaceId ?? 0).u16(0).u32(high).u32(low).u32(p.data.length).u32(orig).bytes(p.data);
      out.push(block(be, PCAPNG.OBSOLETE_PACKET, w.toBuffer()));
    } else {
      const w = new ByteWriter(be).u32(p.interfaceId ?? 0).u32(high).u32(low).u32(p.data.length).u32(orig).bytes(p.data);
      out.push(block(be, PCAPNG.EPB, w.toBuffer()));
    }
    if (section.unknownBlocks && i === 0) {
      // Interface statistics block for interface 0 (timestamp 0, no options), between packets.
      out.push(block(be, PCAPNG.ISB, new ByteWriter(be).u32(0).u32(0).u32(0).toBuffer()));
      out.push(block(be, PCAPNG.LOCAL_USE + 1, new ByteWriter(be).u32(32473).toBuffer()));
    }
  });
  return Buffer.concat(out);
}

/** A pcapng file: one section, or several in order (each starts over with its own interfaces). */
export function writePcapng(sections: PcapngSection | PcapngSection[]): Buffer {
  const list = Array.isArray(sections) ? sections : [sections];
  return Buffer.concat(list.map(sectionBytes));
}
