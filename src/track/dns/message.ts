/**
 * One DNS message, read as far as its bytes allow (STYLE practice 4: malformed input is data).
 *
 * The 12-byte header is read here from the field table, so that a message whose records are
 * damaged can still be matched by its ID like Wireshark does; the question and records are decoded
 * by `dns-packet`, whose name decoder follows only backward compression pointers (RFC 1035 §4.1.4)
 * and caps names at 254 bytes, so a pointer loop cannot spin. A decode failure becomes a `malformed`
 * reason, never an exception. A message whose records nothing reads is not decoded when a walk of
 * its record lengths proves dns-packet would read it whole (extent.ts).
 */
import { Buffer } from 'node:buffer';
import dnsPacket from 'dns-packet';
import { u16 } from '../../decode/bytes.js';
import { className, questionCodec, toQuestion, typeName } from './codec.js';
import { decodedEnd, UNSURE } from './extent.js';

/** DNS header field offsets (RFC 1035 §4.1.1). */
export const DNS_HEADER = { ID: 0, FLAGS: 2, QDCOUNT: 4, ANCOUNT: 6, NSCOUNT: 8, ARCOUNT: 10, LENGTH: 12 } as const;

/** Bits of the FLAGS word (RFC 1035 §4.1.1). */
export const DNS_FLAG = { QR: 0x8000, AA: 0x0400, TC: 0x0200, RD: 0x0100, RA: 0x0080 } as const;
const OPCODE_SHIFT = 11;
/** RFC 2136 §1: the UPDATE opcode; its question section is the Zone section. */
export const DNS_OPCODE_UPDATE = 5;
const OPCODE_MASK = 0x0f;
const RCODE_MASK = 0x0f;

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

/** Read only: messages asking the same plain question may share one (see plainQuestion). */
export interface DnsQuestion {
  /** As written in the message (case kept); compare with `sameQuestion`. */
  readonly name: string;
  readonly type: string;
  readonly class: string;
  /** `name` lower-cased once a comparison needed it (`lowerName`); absent until then. */
  lowerName?: string;
}

/** Read only: one shared object per combination of the four bits. */
export interface DnsHeaderFlags {
  readonly aa: boolean;
  readonly tc: boolean;
  readonly rd: boolean;
  readonly ra: boolean;
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
   * Owner name and type of each answer record decoded (responses only; empty for queries, when the
   * records could not be read, and when the parse was not asked for them, see parseDnsMessage):
   * what mDNS responses are matched by (RFC 6762 §6).
   */
  answerRecords: readonly DnsRecordKey[];
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

/** No answer records (shared, read only). */
const NO_RECORDS: readonly DnsRecordKey[] = Object.freeze([]);

/**
 * Reads one DNS message (a UDP payload, or one TCP-framed message without its length prefix).
 * `wireLength` is the length the message had on the wire (from the UDP header); when the capture
 * kept fewer bytes, a failure is blamed on the snaplen rather than on the sender.
 *
 * A response's answer records are decoded only when `withAnswerRecords` is set or the response has
 * no question (its answers then name it); otherwise `answerRecords` is empty and, when the walk of
 * record lengths (extent.ts) vouches for the message, dns-packet does not build its records at all.
 */
export function parseDnsMessage(bytes: Uint8Array, wireLength: number = bytes.length, withAnswerRecords = true): DnsParse {
  const cut = bytes.length < wireLength ? `captured ${bytes.length} of ${wireLength} bytes (snaplen)` : null;
  if (bytes.length < DNS_HEADER.LENGTH) {
    return { message: null, malformed: cut ?? `header needs ${DNS_HEADER.LENGTH} bytes, have ${bytes.length}` };
  }
  const flags = u16(bytes, DNS_HEADER.FLAGS);
  const questions = u16(bytes, DNS_HEADER.QDCOUNT);
  const answers = u16(bytes, DNS_HEADER.ANCOUNT);
  const records = questions + answers + u16(bytes, DNS_HEADER.NSCOUNT) + u16(bytes, DNS_HEADER.ARCOUNT);
  const message: DnsMessage = {
    id: u16(bytes, DNS_HEADER.ID),
    response: (flags & DNS_FLAG.QR) !== 0,
    opcode: (flags >> OPCODE_SHIFT) & OPCODE_MASK,
    flags: headerFlags(flags),
    rcode: rcodeName(flags & RCODE_MASK),
    question: null,
    answers,
    answerRecords: NO_RECORDS,
    updatedName: null,
  };
  if (records > MAX_RECORDS) {
    message.question = questions > 0 ? firstQuestion(bytes) : null;
    return { message, malformed: `header claims ${records} records, more than ${MAX_RECORDS}` };
  }
  if (questions === 1 && records === 1) {
    // One question and no records (most queries): a plain name is read by hand (plainQuestion),
    // and then the question fits in the message.
    const plain = plainQuestion(bytes, DNS_HEADER.LENGTH);
    if (plain !== null) {
      message.question = plain;
      return { message, malformed: null };
    }
  }
  // What the tracker reads beyond the header and the first question comes from dns-packet's
  // records: the answers' names (when asked for, or naming a response without a question), and an
  // UPDATE's updated name. Without those, a message the walk vouches for needs no decode.
  const needsRecords = message.response
    ? answers > 0 && (withAnswerRecords || questions === 0)
    : message.opcode === DNS_OPCODE_UPDATE;
  if (!needsRecords && questionCodec !== undefined && decodedEnd(bytes, DNS_HEADER.LENGTH, questions, records - questions) !== UNSURE) {
    message.question = questions > 0 ? firstQuestion(bytes) : null;
    return { message, malformed: null };
  }
  const buf = asBuffer(bytes);
  try {
    const decoded = dnsPacket.decode(buf);
    const q = decoded.questions?.[0];
    message.question = q ? toQuestion(q) : null;
    if (message.response) {
      const records = decoded.answers ?? [];
      if (records.length > 0) message.answerRecords = records.map((a) => ({ name: a.name, type: String(a.type) }));
    } else if (message.opcode === DNS_OPCODE_UPDATE) {
      // dns-packet reads the Prerequisite and Update sections as answers and authorities.
      message.updatedName = decoded.authorities?.[0]?.name ?? decoded.answers?.[0]?.name ?? null;
    }
    // dns-packet reads some RDATA (A, AAAA, opaque) without checking the end of the buffer.
    const used = dnsPacket.decode.bytes;
    if (used > buf.length) return { message, malformed: cut ?? `truncated: records need ${used} bytes, have ${buf.length}` };
    return { message, malformed: null };
  } catch (err) {
    // dns-packet stops at the first record it cannot read; the question may still be intact.
    message.question = questions > 0 ? firstQuestion(bytes) : null;
    return { message, malformed: cut ?? reasonOf(err) };
  }
}

/** The header's flags as one shared read-only object per combination (16 of them). */
const FLAG_SETS: readonly DnsHeaderFlags[] = Array.from({ length: 16 }, (_, bits) => Object.freeze({
  aa: (bits & 8) !== 0, tc: (bits & 4) !== 0, rd: (bits & 2) !== 0, ra: (bits & 1) !== 0,
}));

function headerFlags(flags: number): DnsHeaderFlags {
  const bits = ((flags & DNS_FLAG.AA) !== 0 ? 8 : 0) | ((flags & DNS_FLAG.TC) !== 0 ? 4 : 0) |
    ((flags & DNS_FLAG.RD) !== 0 ? 2 : 0) | ((flags & DNS_FLAG.RA) !== 0 ? 1 : 0);
  return FLAG_SETS[bits];
}


/** dns-packet reads Buffers; the bytes themselves, without a copy. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** dns-packet's own errors name the problem; Node's bounds errors (RangeError) only an offset. */
function reasonOf(err: unknown): string {
  if (err instanceof RangeError) return 'a record runs past the end of the message';
  return err instanceof Error ? err.message : String(err);
}

/** The first question alone (just after the header), or null when it cannot be read. */
function firstQuestion(bytes: Uint8Array): DnsQuestion | null {
  const plain = plainQuestion(bytes, DNS_HEADER.LENGTH);
  if (plain !== null || !questionCodec) return plain;
  try {
    return toQuestion(questionCodec.decode(asBuffer(bytes), DNS_HEADER.LENGTH));
  } catch {
    return null;
  }
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
function plainQuestion(b: Uint8Array, offset: number): DnsQuestion | null {
  if (questionCodec === undefined) return null;
  // The name's end (its root label), by label lengths.
  let end = offset;
  for (;;) {
    if (end >= b.length) return null;
    const length = b[end];
    if (length === 0) break;
    if ((length & 0xc0) !== 0) return null;
    end += 1 + length;
    if (end > b.length || end - offset > MAX_NAME_WIRE - 1) return null;
  }
  if (end + 5 > b.length) return null;
  const wireLength = end + 1 - offset;
  let high = 0;
  let same = wireLength === lastWireLength;
  for (let i = 0; i < wireLength; i++) {
    const byte = b[offset + i];
    high |= byte;
    if (same && lastWire[i] !== byte) same = false;
  }
  if ((high & 0x80) !== 0) return null;
  const type = u16(b, end + 1);
  const klass = u16(b, end + 3);
  if (same && lastQuestion !== null && type === lastType && klass === lastClass) return lastQuestion;
  if (!same) {
    for (let i = 0; i < wireLength; i++) lastWire[i] = b[offset + i];
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
