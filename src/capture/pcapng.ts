import { CORRUPT, FramedParser } from './framed.js';
import { MAX_RECORD_BYTES, recordPlace } from './pcap-format.js';
import { emptyRecord } from './record.js';
import type { CaptureTally } from './tally.js';
import { MICROSECONDS, SplitTime, resolutionOf, type TimestampResolution } from './timestamp.js';

/** Block types (draft-ietf-opsawg-pcapng, "Block Type Codes"; type 2 is the obsolete Packet Block, appendix A). */
const BLOCK = { SHB: 0x0a0d0d0a, IDB: 0x00000001, OPB: 0x00000002, SPB: 0x00000003, EPB: 0x00000006 } as const;

/** Every block: type, total length, body, total length again (§3.1). */
const BLOCK_FIELD = { TYPE: 0, TOTAL_LENGTH: 4, BODY: 8, MIN_LENGTH: 12, TRAILER: 4 } as const;

/** Section Header Block (§4.1). */
const SHB = { BYTE_ORDER_MAGIC: 8, VERSION_MAJOR: 12, VERSION_MINOR: 14, SECTION_LENGTH: 16, MIN_LENGTH: 28 } as const;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BYTE_ORDER_MAGIC_SWAPPED = 0x4d3c2b1a;

/** Interface Description Block (§4.2) and the options statecap reads. */
const IDB = { LINKTYPE: 8, RESERVED: 10, SNAPLEN: 12, OPTIONS: 16, MIN_LENGTH: 20 } as const;
const OPTION = { CODE: 0, LENGTH: 2, VALUE: 4, HEADER: 4, END_OF_OPT: 0, IF_TSRESOL: 9, IF_TSOFFSET: 14 } as const;

/** Enhanced Packet Block (§4.3); the obsolete Packet Block shares the layout with a 16-bit interface id. */
const EPB = { INTERFACE_ID: 8, TS_HIGH: 12, TS_LOW: 16, CAPTURED_LENGTH: 20, ORIGINAL_LENGTH: 24, DATA: 28, MIN_LENGTH: 32 } as const;
const OPB = { INTERFACE_ID: 8, DROPS_COUNT: 10 } as const;

/** Simple Packet Block (§4.4). */
const SPB = { ORIGINAL_LENGTH: 8, DATA: 12, MIN_LENGTH: 16 } as const;

const NANOS_PER_SECOND = 1_000_000_000;

interface Interface {
  linkType: number;
  /** 0: no limit (§4.2 SnapLen). */
  snaplen: number;
  resolution: TimestampResolution;
  /** if_tsoffset: seconds added to every timestamp of the interface. */
  offsetSeconds: number;
}

/**
 * The builtin pcapng reader: sections in either byte order, one after another (each resets the
 * interfaces), interfaces with their own link type and timestamp resolution, enhanced, simple and
 * obsolete packet blocks; every other block type is skipped by its length.
 */
export class PcapngReader extends FramedParser {
  private littleEndian = true;
  private interfaces: Interface[] = [];
  private packets = 0;
  /** Filled again for every packet (see CaptureRecord). */
  private readonly record = emptyRecord();
  private readonly time = new SplitTime();
  /** Time of the previous packet: what a Simple Packet Block (which has none) is given. */
  private lastSec = 0;
  private lastNsec = 0;

  constructor(private readonly tally: CaptureTally) {
    super();
  }

  protected frameLength(_bytes: Uint8Array, view: DataView, at: number, available: number): number {
    if (available < BLOCK_FIELD.BODY) return BLOCK_FIELD.BODY;
    // The SHB type reads the same in both byte orders (0x0A0D0D0A); its byte-order magic decides.
    const type = view.getUint32(at + BLOCK_FIELD.TYPE, this.littleEndian);
    let le = this.littleEndian;
    if (type === BLOCK.SHB) {
      if (available < SHB.BYTE_ORDER_MAGIC + 4) return SHB.BYTE_ORDER_MAGIC + 4;
      const magic = view.getUint32(at + SHB.BYTE_ORDER_MAGIC, true);
      if (magic === BYTE_ORDER_MAGIC) le = true;
      else if (magic === BYTE_ORDER_MAGIC_SWAPPED) le = false;
      else return this.corruptLength(type, `bad byte-order magic 0x${magic.toString(16).padStart(8, '0')} in section header`);
    }
    const total = view.getUint32(at + BLOCK_FIELD.TOTAL_LENGTH, le);
    // §3.1: Block Total Length is a multiple of 4 and covers at least type, length and trailer.
    if (total < BLOCK_FIELD.MIN_LENGTH || total % 4 !== 0 || total > MAX_RECORD_BYTES) {
      return this.corruptLength(type, `block total length ${total} is not a multiple of 4 between ${BLOCK_FIELD.MIN_LENGTH} and ${MAX_RECORD_BYTES}`);
    }
    return total;
  }

  protected parseFrame(bytes: Uint8Array, view: DataView, at: number, length: number): boolean {
    const type = view.getUint32(at + BLOCK_FIELD.TYPE, this.littleEndian);
    if (type === BLOCK.SHB) this.littleEndian = view.getUint32(at + SHB.BYTE_ORDER_MAGIC, true) === BYTE_ORDER_MAGIC;
    const le = this.littleEndian;
    const trailer = view.getUint32(at + length - BLOCK_FIELD.TRAILER, le);
    if (trailer !== length) return this.corrupt(type, `block total length ${length} does not match its trailing copy ${trailer}`);
    switch (type) {
      case BLOCK.EPB: return this.packetBlock(bytes, view, at, length, type, view.getUint32(at + EPB.INTERFACE_ID, le));
      case BLOCK.OPB: return this.packetBlock(bytes, view, at, length, type, view.getUint16(at + OPB.INTERFACE_ID, le));
      case BLOCK.SPB: return this.simplePacketBlock(bytes, view, at, length);
      case BLOCK.IDB: return this.interfaceBlock(view, at, length);
      case BLOCK.SHB: return this.sectionHeader(view, at, length);
      default: return true; // §3.1: a reader skips blocks it does not know
    }
  }

  protected endedInFrame(_bytes: Uint8Array, view: DataView, have: number, need: number): void {
    const type = have >= BLOCK_FIELD.TOTAL_LENGTH ? view.getUint32(BLOCK_FIELD.TYPE, this.littleEndian) : -1;
    if (type === BLOCK.SHB && this.offset === 0) {
      this.tally.fail({ message: `file ends inside the section header block (has ${have} of ${need} bytes)`, offset: 0 });
    } else if (type === -1 || isPacketBlock(type)) {
      this.tally.truncatedPacket(this.packets + 1, this.offset, have, need);
    } else {
      this.tally.warn(`${blockName(type)} truncated at byte offset ${this.offset} (has ${have} of ${need} bytes)`);
    }
  }

  private sectionHeader(view: DataView, at: number, length: number): boolean {
    if (length < SHB.MIN_LENGTH) return this.tooShort(BLOCK.SHB, length, SHB.MIN_LENGTH);
    const major = view.getUint16(at + SHB.VERSION_MAJOR, this.littleEndian);
    const minor = view.getUint16(at + SHB.VERSION_MINOR, this.littleEndian);
    // §4.1: a reader must not read a major version it does not know.
    if (major !== 1) return this.corrupt(BLOCK.SHB, `unsupported pcapng version ${major}.${minor}`);
    this.interfaces = []; // §4.1: interface ids are per section
    return true;
  }

  private interfaceBlock(view: DataView, at: number, length: number): boolean {
    if (length < IDB.MIN_LENGTH) return this.tooShort(BLOCK.IDB, length, IDB.MIN_LENGTH);
    const le = this.littleEndian;
    const itf: Interface = {
      linkType: view.getUint16(at + IDB.LINKTYPE, le),
      snaplen: view.getUint32(at + IDB.SNAPLEN, le),
      resolution: MICROSECONDS,
      offsetSeconds: 0,
    };
    const end = at + length - BLOCK_FIELD.TRAILER;
    // Options (§3.5): code, length, value padded to 4. Bounded: each round advances >= 4 bytes.
    for (let p = at + IDB.OPTIONS; p + OPTION.HEADER <= end;) {
      const code = view.getUint16(p + OPTION.CODE, le);
      const size = view.getUint16(p + OPTION.LENGTH, le);
      if (code === OPTION.END_OF_OPT) break;
      const value = p + OPTION.VALUE;
      if (value + size > end) break; // an option running past the block: ignore the rest
      if (code === OPTION.IF_TSRESOL && size >= 1) itf.resolution = resolutionOf(view.getUint8(value));
      else if (code === OPTION.IF_TSOFFSET && size >= 8) itf.offsetSeconds = Number(view.getBigInt64(value, le));
      p = value + size + ((4 - (size % 4)) % 4);
    }
    this.interfaces.push(itf);
    this.tally.linkType(itf.linkType);
    return true;
  }

  /** Enhanced (§4.3) and obsolete (appendix A) packet blocks. */
  private packetBlock(bytes: Uint8Array, view: DataView, at: number, length: number, type: number, interfaceId: number): boolean {
    if (length < EPB.MIN_LENGTH) return this.tooShort(type, length, EPB.MIN_LENGTH);
    const le = this.littleEndian;
    const itf = this.interfaces[interfaceId];
    if (itf === undefined) return this.corrupt(type, `interface ${interfaceId} is not defined in this section (${this.interfaces.length} defined)`);
    const captured = view.getUint32(at + EPB.CAPTURED_LENGTH, le);
    const space = length - EPB.DATA - BLOCK_FIELD.TRAILER;
    if (captured > space) return this.corrupt(type, `captured length ${captured} exceeds the block's space of ${space} bytes`);
    this.time.set(view.getUint32(at + EPB.TS_HIGH, le), view.getUint32(at + EPB.TS_LOW, le), itf.resolution);
    const start = at + EPB.DATA;
    this.deliver(itf, interfaceId, view.getUint32(at + EPB.ORIGINAL_LENGTH, le), bytes, start, captured, this.time.sec + itf.offsetSeconds, this.time.nsec);
    return true;
  }

  private simplePacketBlock(bytes: Uint8Array, view: DataView, at: number, length: number): boolean {
    if (length < SPB.MIN_LENGTH) return this.tooShort(BLOCK.SPB, length, SPB.MIN_LENGTH);
    const itf = this.interfaces[0];
    // §4.4: a Simple Packet Block belongs to the first interface of the section.
    if (itf === undefined) return this.corrupt(BLOCK.SPB, 'simple packet block in a section without interfaces');
    const original = view.getUint32(at + SPB.ORIGINAL_LENGTH, this.littleEndian);
    // §4.4: captured length = min(SnapLen, Original Packet Length); SnapLen 0 means no limit.
    const captured = itf.snaplen === 0 ? original : Math.min(itf.snaplen, original);
    const space = length - SPB.DATA - BLOCK_FIELD.TRAILER;
    if (captured > space) return this.corrupt(BLOCK.SPB, `captured length ${captured} exceeds the block's space of ${space} bytes`);
    const start = at + SPB.DATA;
    this.deliver(itf, 0, original, bytes, start, captured, this.lastSec, this.lastNsec);
    return true;
  }

  /** Delivers the packet of `captured` bytes at `start` in `bytes` (read in place, see ReadRecord). */
  private deliver(itf: Interface, interfaceId: number, originalLength: number, bytes: Uint8Array, start: number, captured: number, sec: number, nsec: number): void {
    this.lastSec = sec;
    this.lastNsec = nsec;
    const r = this.record;
    r.number = ++this.packets;
    r.sec = sec;
    r.nsec = nsec;
    r.time = sec + nsec / NANOS_PER_SECOND;
    r.linkType = itf.linkType;
    r.place(bytes, start, captured);
    r.originalLength = originalLength;
    r.interfaceId = interfaceId;
    this.tally.deliver(r);
  }

  private tooShort(type: number, length: number, min: number): false {
    return this.corrupt(type, `block total length ${length} is below the ${min} bytes this block type needs`);
  }

  /** Fails the tally naming the place (the packet number, for packet blocks); false stops parsing. */
  private corrupt(type: number, problem: string): false {
    if (isPacketBlock(type)) {
      const packet = this.packets + 1;
      this.tally.fail({ message: `${recordPlace(packet, this.offset)}: ${problem}`, offset: this.offset, packet });
    } else {
      this.tally.fail({ message: `${blockName(type)} at byte offset ${this.offset}: ${problem}`, offset: this.offset });
    }
    return false;
  }

  /** `corrupt` for frameLength, which answers a length. */
  private corruptLength(type: number, problem: string): number {
    this.corrupt(type, problem);
    return CORRUPT;
  }
}

function isPacketBlock(type: number): boolean {
  return type === BLOCK.EPB || type === BLOCK.SPB || type === BLOCK.OPB;
}

function blockName(type: number): string {
  switch (type) {
    case BLOCK.SHB: return 'section header block';
    case BLOCK.IDB: return 'interface description block';
    case BLOCK.EPB: return 'enhanced packet block';
    case BLOCK.SPB: return 'simple packet block';
    case BLOCK.OPB: return 'packet block';
    default: return `block of type 0x${type.toString(16).padStart(8, '0')}`;
  }
}
