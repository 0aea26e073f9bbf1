/** What the first bytes of a stream say it is. Magic numbers are compared as bytes in file order. */
export type Sniffed = 'gzip' | 'pcap-microseconds' | 'pcap-nanoseconds' | 'pcapng' | 'unknown';

/** Bytes needed to tell every format apart. */
export const MAGIC_LENGTH = 4;

const GZIP = [0x1f, 0x8b]; // RFC 1952 §2.3.1 ID1 ID2
const PCAPNG_SHB = [0x0a, 0x0d, 0x0d, 0x0a]; // draft-ietf-opsawg-pcapng §4.1 Block Type, either byte order
const PCAP_MICROSECONDS = [[0xa1, 0xb2, 0xc3, 0xd4], [0xd4, 0xc3, 0xb2, 0xa1]]; // draft-ietf-opsawg-pcap §4, big / little endian
const PCAP_NANOSECONDS = [[0xa1, 0xb2, 0x3c, 0x4d], [0x4d, 0x3c, 0xb2, 0xa1]];

function startsWith(head: Uint8Array, magic: number[]): boolean {
  if (head.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (head[i] !== magic[i]) return false;
  return true;
}

export function sniff(head: Uint8Array): Sniffed {
  if (startsWith(head, GZIP)) return 'gzip';
  if (startsWith(head, PCAPNG_SHB)) return 'pcapng';
  if (PCAP_MICROSECONDS.some((m) => startsWith(head, m))) return 'pcap-microseconds';
  if (PCAP_NANOSECONDS.some((m) => startsWith(head, m))) return 'pcap-nanoseconds';
  return 'unknown';
}

/** "0x0a0b0c0d": the first (up to) four bytes in file order, for messages. */
export function magicHex(head: Uint8Array): string {
  let hex = '';
  for (let i = 0; i < Math.min(head.length, MAGIC_LENGTH); i++) hex += head[i].toString(16).padStart(2, '0');
  return `0x${hex}`;
}
