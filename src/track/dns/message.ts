/**
 * One DNS message, read as far as its bytes allow (STYLE practice 4: malformed input is data).
 *
 * The 12-byte header is read here from the field table, so that a message whose records are
 * damaged can still be matched by its ID like Wireshark does; the question and records are decoded
 * by `dns-packet`, whose name decoder follows only backward compression pointers (RFC 1035 §4.1.4)
 * and caps names at 254 bytes, so a pointer loop cannot spin. A decode failure becomes a `malformed`
 * reason, never an exception.
 */
import { Buffer } from 'node:buffer';
import dnsPacket from 'dns-packet';

/** DNS header field offsets (RFC 1035 §4.1.1). */
export const DNS_HEADER = { ID: 0, FLAGS: 2, QDCOUNT: 4, ANCOUNT: 6, NSCOUNT: 8, ARCOUNT: 10, LENGTH: 12 } as const;

/** Bits of the FLAGS word (RFC 1035 §4.1.1). */
export const DNS_FLAG = { QR: 0x8000, AA: 0x0400, TC: 0x0200, RD: 0x0100, RA: 0x0080 } as const;
const OPCODE_SHIFT = 11;
/** RFC 2136 §1: the UPDATE opcode; its question section is the Zone section. */
export const DNS_OPCODE_UPDATE = 5;
const OPCODE_MASK = 0x0f;
const RCODE_MASK = 0x0f;

/** mDNS puts the unicast-response bit in the top bit of QCLASS (RFC 6762 §5.4). */
const QCLASS_UNICAST_BIT = 0x8000;

/**
 * Most records a message may claim (QD+AN+NS+AR) before it is refused undecoded. Real responses
 * stay far below (a 64 KiB TCP message holds at most ~5000 minimal records); the cap keeps a
 * 12-byte header claiming 4 x 65535 records from costing anything.
 */
export const MAX_RECORDS = 1000;

/** RCODE names, RFC 1035 §4.1.1 (0-5) and RFC 2136 §2.2 (6-10). */
const RCODE_NAMES = [
  'NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED',
  'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE',
] as const;

/** QCLASS names as dns-packet spells them (RFC 1035 §3.2.4, §3.2.5). */
const CLASS_NAMES: Record<number, string> = { 1: 'IN', 2: 'CS', 3: 'CH', 4: 'HS', 255: 'ANY' };

/** Read only: messages asking the same plain question may share one (see plainQuestion). */
export interface DnsQuestion {
  /** As written in the message (case kept); compare with `sameQuestion`. */
  readonly name: string;
  readonly type: string;
  readonly class: string;
  /** `name` lower-cased once a comparison needed it (`lowerName`); absent until then. */
  lowerName?: string;
}

export interface DnsHeaderFlags {
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
}

export interface DnsMessage {
  id: number;
  /** QR bit: false for a query, true for a response. */
  response: boolean;
  opcode: number;
  flags: DnsHeaderFlags;
  rcode: string;
  /** The first question; null when the message has none or it could not be read. */
  question: DnsQuestion | null;
  /** Answer records the header claims (ANCOUNT). */
  answers: number;
  /**
   * Owner name and type of each answer record decoded (responses only; empty for queries and when
   * the records could not be read): what mDNS responses are matched by (RFC 6762 §6).
   */
  answerRecords: DnsRecordKey[];
  /**
   * UPDATE (opcode 5) requests: the name being updated, the owner of the first Update-section
   * record, else of the first Prerequisite record (RFC 2136 §2.4, §2.5); null otherwise. The
   * question is then the Zone section (§2.3).
   */
  updatedName: string | null;
}

export interface DnsRecordKey {
  name: string;
  type: string;
}

/**
 * `message` is null only when not even the header could be read; `malformed` names what could not
 * be decoded (the message may still be usable for matching by its header and question).
 */
export type DnsParse =
  | { message: DnsMessage; malformed: string | null }
  | { message: null; malformed: string };

/** dns-packet's question codec exists at runtime but is missing from its type declarations. */
interface QuestionCodec {
  decode: ((buf: Buffer, offset: number) => dnsPacket.Question) & { bytes: number };
}
const questionCodec: QuestionCodec | undefined = (dnsPacket as unknown as { question?: QuestionCodec }).question;

export function rcodeName(rcode: number): string {
  return RCODE_NAMES[rcode] ?? `RCODE_${rcode}`;
}

/**
 * Same question: names compare case-insensitively (RFC 1035 §2.3.3), type and class exactly.
 * Equal names (the usual case: a retransmission repeats its question) need no lower-cased copies;
 * otherwise each question is lower-cased once and keeps it, since a flood of queries on one port
 * and ID compares each new one with many outstanding ones (matcher.ts).
 */
export function sameQuestion(a: DnsQuestion, b: DnsQuestion): boolean {
  return a.type === b.type && a.class === b.class && (a.name === b.name || lowerName(a) === lowerName(b));
}

/** The question's name lower-cased, computed once per question. */
export function lowerName(q: DnsQuestion): string {
  return (q.lowerName ??= q.name.toLowerCase());
}

/**
 * Reads one DNS message (a UDP payload, or one TCP-framed message without its length prefix).
 * `wireLength` is the length the message had on the wire (from the UDP header); when the capture
 * kept fewer bytes, a failure is blamed on the snaplen rather than on the sender.
 */
export function parseDnsMessage(bytes: Uint8Array, wireLength: number = bytes.length): DnsParse {
  const cut = bytes.length < wireLength ? `captured ${bytes.length} of ${wireLength} bytes (snaplen)` : null;
  if (bytes.length < DNS_HEADER.LENGTH) {
    return { message: null, malformed: cut ?? `header needs ${DNS_HEADER.LENGTH} bytes, have ${bytes.length}` };
  }
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flags = buf.readUInt16BE(DNS_HEADER.FLAGS);
  const questions = buf.readUInt16BE(DNS_HEADER.QDCOUNT);
  const records =
    questions + buf.readUInt16BE(DNS_HEADER.ANCOUNT) + buf.readUInt16BE(DNS_HEADER.NSCOUNT) + buf.readUInt16BE(DNS_HEADER.ARCOUNT);
  const message: DnsMessage = {
    id: buf.readUInt16BE(DNS_HEADER.ID),
    response: (flags & DNS_FLAG.QR) !== 0,
    opcode: (flags >> OPCODE_SHIFT) & OPCODE_MASK,
    flags: {
      aa: (flags & DNS_FLAG.AA) !== 0,
      tc: (flags & DNS_FLAG.TC) !== 0,
      rd: (flags & DNS_FLAG.RD) !== 0,
      ra: (flags & DNS_FLAG.RA) !== 0,
    },
    rcode: rcodeName(flags & RCODE_MASK),
    question: null,
    answers: buf.readUInt16BE(DNS_HEADER.ANCOUNT),
    answerRecords: [],
    updatedName: null,
  };
  if (records > MAX_RECORDS) {
    message.question = questions > 0 ? firstQuestion(buf) : null;
    return { message, malformed: `header claims ${records} records, more than ${MAX_RECORDS}` };
  }
  try {
    if (questions === 1 && records === 1 && questionCodec !== undefined) {
      // One question and no records (most queries): what dnsPacket.decode does for it is this one
      // call of its question codec, without the header object and the four record lists. With no
      // records there are no answer records, and an UPDATE has no updated name. A plain name is
      // read by hand (plainQuestion), and then the question fits in the message.
      const plain = plainQuestion(buf, DNS_HEADER.LENGTH);
      if (plain !== null) {
        message.question = plain;
        return { message, malformed: null };
      }
      message.question = toQuestion(questionCodec.decode(buf, DNS_HEADER.LENGTH));
      const used = DNS_HEADER.LENGTH + questionCodec.decode.bytes;
      if (used > buf.length) return { message, malformed: cut ?? `truncated: records need ${used} bytes, have ${buf.length}` };
      return { message, malformed: null };
    }
    const decoded = dnsPacket.decode(buf);
    const q = decoded.questions?.[0];
    message.question = q ? toQuestion(q) : null;
    if (message.response) for (const a of decoded.answers ?? []) message.answerRecords.push({ name: a.name, type: String(a.type) });
    else if (message.opcode === DNS_OPCODE_UPDATE) {
      // dns-packet reads the Prerequisite and Update sections as answers and authorities.
      message.updatedName = decoded.authorities?.[0]?.name ?? decoded.answers?.[0]?.name ?? null;
    }
    // dns-packet reads some RDATA (A, AAAA, opaque) without checking the end of the buffer.
    const used = dnsPacket.decode.bytes;
    if (used > buf.length) return { message, malformed: cut ?? `truncated: records need ${used} bytes, have ${buf.length}` };
    return { message, malformed: null };
  } catch (err) {
    // dns-packet stops at the first record it cannot read; the question may still be intact.
    message.question = questions > 0 ? firstQuestion(buf) : null;
    return { message, malformed: cut ?? reasonOf(err) };
  }
}

/** dns-packet's own errors name the problem; Node's bounds errors (RangeError) only an offset. */
function reasonOf(err: unknown): string {
  if (err instanceof RangeError) return 'a record runs past the end of the message';
  return err instanceof Error ? err.message : String(err);
}

/** The first question alone (just after the header), or null when it cannot be read. */
function firstQuestion(buf: Buffer): DnsQuestion | null {
  const plain = plainQuestion(buf, DNS_HEADER.LENGTH);
  if (plain !== null || !questionCodec) return plain;
  try {
    return toQuestion(questionCodec.decode(buf, DNS_HEADER.LENGTH));
  } catch {
    return null;
  }
}

function toQuestion(q: dnsPacket.Question): DnsQuestion {
  return { name: q.name, type: String(q.type), class: normalizeClass(String(q.class ?? 'IN')), lowerName: undefined };
}

/** Longest name dns-packet reads: 254 bytes of labels with their length bytes, then the root's 0. */
const MAX_NAME_WIRE = 255;
/** The wire bytes, text and question (with its QTYPE and QCLASS) of the last plain name read (see plainQuestion). */
const lastWire = Buffer.alloc(MAX_NAME_WIRE);
let lastWireLength = 0;
let lastText = '';
let lastQuestion: DnsQuestion | null = null;
let lastType = -1;
let lastClass = -1;
/** Scratch: a name's label bytes with their length bytes turned into dots. */
const textBytes = Buffer.alloc(MAX_NAME_WIRE);

/**
 * The question at `offset` when its name is plain, as in nearly every query: labels only (no
 * compression pointer, RFC 1035 §4.1.4), all bytes ASCII, within dns-packet's 254-byte limit, and
 * followed by QTYPE and QCLASS. It is read by hand into exactly what toQuestion(dns-packet's codec)
 * gives: for ASCII bytes its UTF-8 label text is the bytes themselves, labels joined by dots, '.'
 * for the root; QTYPE and QCLASS are named by the codec itself (typeName, className). This skips
 * the codec's label strings, label list and join, and a question equal to the last one (a flood,
 * a retransmission) is that same read-only object: one shared instead of one per pending query
 * (a name alone equal to the last one shares its text).
 * Null for anything else: the codec then reads it, and names what is wrong.
 */
function plainQuestion(buf: Buffer, offset: number): DnsQuestion | null {
  if (questionCodec === undefined) return null;
  // The name's end (its root label), by label lengths.
  let end = offset;
  for (;;) {
    if (end >= buf.length) return null;
    const length = buf[end];
    if (length === 0) break;
    if ((length & 0xc0) !== 0) return null;
    end += 1 + length;
    if (end > buf.length || end - offset > MAX_NAME_WIRE - 1) return null;
  }
  if (end + 5 > buf.length) return null;
  const wireLength = end + 1 - offset;
  let high = 0;
  let same = wireLength === lastWireLength;
  for (let i = 0; i < wireLength; i++) {
    const b = buf[offset + i];
    high |= b;
    if (same && lastWire[i] !== b) same = false;
  }
  if ((high & 0x80) !== 0) return null;
  const type = buf.readUInt16BE(end + 1);
  const klass = buf.readUInt16BE(end + 3);
  if (same && lastQuestion !== null && type === lastType && klass === lastClass) return lastQuestion;
  if (!same) {
    buf.copy(lastWire, 0, offset, offset + wireLength);
    lastWireLength = wireLength;
    lastText = wireLength === 1 ? '.' : nameText(wireLength);
  }
  lastType = type;
  lastClass = klass;
  lastQuestion = { name: lastText, type: typeName(type), class: className(klass), lowerName: undefined };
  return lastQuestion;
}

/** The text of the plain name in lastWire: its label bytes, each length byte after the first a dot. */
function nameText(wireLength: number): string {
  // The last byte is the root's 0 and the first a length: the text is the wireLength - 2 between.
  lastWire.copy(textBytes, 0, 1, wireLength - 1);
  for (let at = lastWire[0]; at < wireLength - 2; at += 1 + lastWire[at + 1]) textBytes[at] = 0x2e;
  return textBytes.toString('latin1', 0, wireLength - 2);
}

/** QTYPE and QCLASS names as the codec gives them (toQuestion), once per value. */
const typeNames = new Map<number, string>();
const classNames = new Map<number, string>();

function typeName(value: number): string {
  let name = typeNames.get(value);
  if (name === undefined) typeNames.set(value, (name = codecQuestion(value, 1).type));
  return name;
}

function className(value: number): string {
  let name = classNames.get(value);
  if (name === undefined) classNames.set(value, (name = codecQuestion(1, value).class));
  return name;
}

/** The codec's reading of a root-name question with this QTYPE and QCLASS. */
function codecQuestion(type: number, klass: number): DnsQuestion {
  const bytes = Buffer.from([0, type >> 8, type & 0xff, klass >> 8, klass & 0xff]);
  return toQuestion((questionCodec as QuestionCodec).decode(bytes, 0));
}

/**
 * dns-packet leaves mDNS's unicast-response bit in QCLASS and names it 'UNKNOWN_32769';
 * strip it (RFC 6762 §5.4) so that a QU question equals the question its answer repeats.
 */
function normalizeClass(name: string): string {
  if (!name.startsWith('UNKNOWN_')) return name;
  const value = Number(name.slice('UNKNOWN_'.length));
  if (!Number.isInteger(value) || (value & QCLASS_UNICAST_BIT) === 0) return name;
  const plain = value & ~QCLASS_UNICAST_BIT;
  return CLASS_NAMES[plain] ?? `UNKNOWN_${plain}`;
}
