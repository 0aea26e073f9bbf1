import type { ReadRecord } from './record.js';
/**
 * Classic pcap layout, shared by both classic readers (draft-ietf-opsawg-pcap, pcap(5)).
 * Field offsets are named once here; readers use the names.
 */

/** File header (draft-ietf-opsawg-pcap §4). */
export const PCAP_FILE = {
  MAGIC: 0, VERSION_MAJOR: 4, VERSION_MINOR: 6, THISZONE: 8, SIGFIGS: 12, SNAPLEN: 16, LINKTYPE: 20,
  LENGTH: 24,
} as const;

/** Packet record header (draft-ietf-opsawg-pcap §5). */
export const PCAP_RECORD = { TS_SEC: 0, TS_FRACTION: 4, CAPTURED_LENGTH: 8, ORIGINAL_LENGTH: 12, LENGTH: 16 } as const;

export const PCAP_MAGIC_MICROSECONDS = 0xa1b2c3d4;
export const PCAP_MAGIC_NANOSECONDS = 0xa1b23c4d;

/** LT_LINKTYPE(x) in libpcap's pcap-common.h: the link type proper, without FCS flags. */
const LINKTYPE_MASK = 0x03ffffff;
/** Lengths above this are corrupt whatever the snaplen says (no link layer carries 16 MiB frames). */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;
/** libpcap's own ceiling for snaplen (MAXIMUM_SNAPLEN); files often claim less than they hold. */
const LIBPCAP_MAXIMUM_SNAPLEN = 262144;

export interface PcapFileHeader {
  littleEndian: boolean;
  nanosecond: boolean;
  versionMajor: number;
  versionMinor: number;
  snaplen: number;
  linkType: number;
}

/**
 * Reads the 24-byte file header at `at`. Returns the reason it is unusable as a string.
 * The magic is read big-endian: a1b2c3d4 means a big-endian file, d4c3b2a1 a little-endian one.
 */
export function readPcapFileHeader(view: DataView, at: number): PcapFileHeader | string {
  const magic = view.getUint32(at + PCAP_FILE.MAGIC, false);
  const swapped = view.getUint32(at + PCAP_FILE.MAGIC, true);
  const littleEndian = swapped === PCAP_MAGIC_MICROSECONDS || swapped === PCAP_MAGIC_NANOSECONDS;
  const native = littleEndian ? swapped : magic;
  if (native !== PCAP_MAGIC_MICROSECONDS && native !== PCAP_MAGIC_NANOSECONDS) {
    return `not a pcap file header (magic 0x${magic.toString(16).padStart(8, '0')})`;
  }
  const versionMajor = view.getUint16(at + PCAP_FILE.VERSION_MAJOR, littleEndian);
  const versionMinor = view.getUint16(at + PCAP_FILE.VERSION_MINOR, littleEndian);
  // libpcap reads any 2.x file (sf-pcap.c); 1.x predates the record layout used here.
  if (versionMajor !== 2) return `unsupported pcap version ${versionMajor}.${versionMinor}`;
  return {
    littleEndian,
    nanosecond: native === PCAP_MAGIC_NANOSECONDS,
    versionMajor,
    versionMinor,
    snaplen: view.getUint32(at + PCAP_FILE.SNAPLEN, littleEndian),
    // The top bits may carry FCS information (draft-ietf-opsawg-pcap §4); libpcap's LT_LINKTYPE keeps the low 26.
    linkType: view.getUint32(at + PCAP_FILE.LINKTYPE, littleEndian) & LINKTYPE_MASK,
  };
}

/** Largest believable captured length for a file with this snaplen. */
export function capturedLengthLimit(snaplen: number): number {
  return Math.min(Math.max(snaplen, LIBPCAP_MAXIMUM_SNAPLEN), MAX_RECORD_BYTES);
}

/** The problem text for a captured length beyond the limit. */
export function capturedLengthProblem(capturedLength: number, limit: number): string {
  return `captured length ${capturedLength} exceeds the limit of ${limit} bytes (corrupt record header)`;
}

/** Where a record is, as messages say it. */
export function recordPlace(packet: number, offset: number): string {
  return `packet ${packet} at byte offset ${offset}`;
}

const NANOS_PER_SECOND = 1_000_000_000;

/**
 * Fills the record both classic-pcap readers deliver (each reuses one); its bytes are
 * `capturedLength` bytes at `start` in `buffer`. A corrupt fraction of a
 * second or more is carried into the seconds so nsec stays within its second.
 */
export function fillPcapRecord(
  record: ReadRecord, number: number, sec: number, nsec: number, linkType: number, capturedLength: number, originalLength: number,
  buffer: Uint8Array, start: number,
): ReadRecord {
  if (nsec >= NANOS_PER_SECOND) {
    sec += Math.floor(nsec / NANOS_PER_SECOND);
    nsec %= NANOS_PER_SECOND;
  }
  record.number = number;
  record.sec = sec;
  record.nsec = nsec;
  record.time = sec + nsec / NANOS_PER_SECOND;
  record.linkType = linkType;
  record.place(buffer, start, capturedLength);
  record.originalLength = originalLength;
  record.interfaceId = 0;
  return record;
}
