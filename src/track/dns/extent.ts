/**
 * Where dns-packet's decode of a whole message ends, found by walking names and record lengths over
 * the bytes, without the strings and objects the decode builds (about a fifth of the DNS tracker's
 * time on real traffic went to building records nobody reads).
 *
 * The walk answers only when it can prove the decode reads the message without an error and ends
 * within it: every name read as dns-packet reads it (same pointer and length rules), every record's
 * RDATA of a type whose decoder it knows, read to exactly the end its RDLENGTH gives. Anything else
 * (a decoder it does not mirror, RDATA that disagrees with RDLENGTH, a read past the end) answers
 * UNSURE, and the caller runs dns-packet itself, which names the problem as it always did.
 */
import { u16 } from '../../decode/bytes.js';
import { questionCodec, recordCodec, typeName } from './codec.js';

/** The walk cannot vouch for the message: decode it with dns-packet. */
export const UNSURE = -1;

/** Longest name dns-packet reads: labels with their length bytes up to 254 (name.decode). */
const MAX_NAME_LABEL_BYTES = 254;

/** A compression pointer's top two bits; 01 and 10 are refused as bad labels (RFC 1035 §4.1.4). */
const POINTER = 0xc0;

/** Resource record fields after the owner name (RFC 1035 §4.1.3): TYPE 2, CLASS 2, TTL 4, RDLENGTH 2. */
const RR = { TYPE: 0, RDLENGTH: 8, RDATA: 10 } as const;
/** QTYPE and QCLASS after a question's name (RFC 1035 §4.1.2). */
const QUESTION_TAIL = 4;

/**
 * How dns-packet 5's decoder for a type reads RDATA, by decoder (index.js answer.decode, renc):
 * - OPAQUE (unknown types, NULL): RDLENGTH bytes, unread;
 * - A, AAAA: 4 and 16 bytes whatever RDLENGTH says (so RDLENGTH must agree);
 * - NAME_IN_LENGTH (NS, SRV after its three 16-bit fields): a name that must decode, then RDLENGTH;
 * - NAME (CNAME, DNAME, PTR), MX (preference, name), SOA (two names, five 32-bit fields): the
 *   fields' own length, which must equal RDLENGTH;
 * - TXT: length-prefixed strings that must not overrun RDLENGTH (else 'Buffer overflow');
 * - OPT (RFC 6891 §6.1.2): options whose lengths must add up to RDLENGTH;
 * - UNSURE: every other decoder (DNSSEC, NAPTR, CAA ...): the message goes to dns-packet.
 */
const KIND = { UNKNOWN: 0, UNSURE: 1, OPAQUE: 2, A: 3, AAAA: 4, NS: 5, NAME: 6, MX: 7, SOA: 8, TXT: 9, SRV: 10, OPT: 11 } as const;
type Kind = (typeof KIND)[keyof typeof KIND];

/** The kind of each TYPE value, filled on first sight (0 = not yet asked). */
const kinds = new Uint8Array(0x10000);

function kindOf(type: number): Kind {
  let kind = kinds[type] as Kind;
  if (kind === KIND.UNKNOWN) kinds[type] = kind = classify(type);
  return kind;
}

/** The kind of a TYPE, by the decoder dns-packet's own dispatch picks for its name. */
function classify(type: number): Kind {
  if (questionCodec === undefined) return KIND.UNSURE;
  const name = typeName(type);
  if (name === 'OPT') return KIND.OPT;
  const codec = recordCodec(name);
  if (codec === undefined) return KIND.UNSURE;
  const alike = (other: string): boolean => recordCodec(other) === codec;
  if (alike('UNKNOWN_0') || alike('NULL')) return KIND.OPAQUE;
  if (alike('A')) return KIND.A;
  if (alike('AAAA')) return KIND.AAAA;
  if (alike('NS')) return KIND.NS;
  if (alike('PTR')) return KIND.NAME;
  if (alike('MX')) return KIND.MX;
  if (alike('SOA')) return KIND.SOA;
  if (alike('TXT')) return KIND.TXT;
  if (alike('SRV')) return KIND.SRV;
  return KIND.UNSURE;
}

/**
 * The offset after the message's sections (QDCOUNT questions, then `records` resource records) when
 * dns-packet's decode surely reads them all without an error and ends at most at `b.length`;
 * UNSURE otherwise.
 */
export function decodedEnd(b: Uint8Array, offset: number, questions: number, records: number): number {
  let at = offset;
  for (let i = 0; i < questions; i++) {
    at = nameEnd(b, at);
    if (at === UNSURE || at + QUESTION_TAIL > b.length) return UNSURE;
    at += QUESTION_TAIL;
  }
  for (let i = 0; i < records; i++) {
    at = nameEnd(b, at);
    if (at === UNSURE || at + RR.RDATA > b.length) return UNSURE;
    const rdata = at + RR.RDATA;
    const end = rdata + u16(b, at + RR.RDLENGTH);
    if (end > b.length || !rdataFits(b, kindOf(u16(b, at + RR.TYPE)), rdata, end)) return UNSURE;
    at = end;
  }
  return at;
}

/** RDATA from `rdata` to `end` (within the message) reads as dns-packet's decoder of `kind` reads it, ending at `end`. */
function rdataFits(b: Uint8Array, kind: Kind, rdata: number, end: number): boolean {
  switch (kind) {
    case KIND.OPAQUE:
      return true;
    case KIND.A:
      return end - rdata === 4;
    case KIND.AAAA:
      return end - rdata === 16;
    case KIND.NS:
      return nameEnd(b, rdata) !== UNSURE;
    case KIND.SRV:
      // priority, weight, port (RFC 2782), then the target, read without regard to RDLENGTH.
      return nameEnd(b, rdata + 6) !== UNSURE;
    case KIND.NAME:
      return nameEnd(b, rdata) === end;
    case KIND.MX:
      return nameEnd(b, rdata + 2) === end;
    case KIND.SOA: {
      const mname = nameEnd(b, rdata);
      const rname = mname === UNSURE ? UNSURE : nameEnd(b, mname);
      return rname !== UNSURE && rname + 20 === end;
    }
    case KIND.TXT:
      return stringsFit(b, rdata, end);
    case KIND.OPT:
      return optionsFit(b, rdata, end);
    default:
      return false;
  }
}

/** TXT: each string's length byte and bytes stay within the RDATA (RFC 1035 §3.3.14). */
function stringsFit(b: Uint8Array, at: number, end: number): boolean {
  while (at < end) {
    at += 1 + b[at];
    if (at > end) return false;
  }
  return true;
}

/** EDNS option codes dns-packet reads inside (roption.decode): ECS, edns-tcp-keepalive, edns-key-tag. */
const OPTION = { ECS: 8, KEEPALIVE: 11, KEY_TAG: 14 } as const;

/**
 * OPT: options (code, length, data) filling the RDATA exactly, each of the three dns-packet reads
 * inside long enough for what it reads there (ECS its 4-byte head, RFC 7871 §6; a keepalive's
 * 16-bit timeout, RFC 7828 §3.1; key tags, 16 bits each, RFC 8145 §4.1).
 */
function optionsFit(b: Uint8Array, at: number, end: number): boolean {
  while (at < end) {
    if (at + 4 > end) return false;
    const code = u16(b, at);
    const length = u16(b, at + 2);
    at += 4 + length;
    if (at > end) return false;
    if (code === OPTION.ECS && length < 4) return false;
    if (code === OPTION.KEEPALIVE && length === 1) return false;
    if (code === OPTION.KEY_TAG && length % 2 !== 0) return false;
  }
  return true;
}

/**
 * The offset after the name at `offset` (after its first pointer, if any), or UNSURE where
 * dns-packet's name.decode throws: a read past the end, a label of type 01 or 10, more than 254
 * bytes of labels, or a pointer that does not go back before where its name (or the last jump) began.
 */
export function nameEnd(b: Uint8Array, offset: number): number {
  let at = offset;
  let start = offset;
  let end = UNSURE;
  let labelBytes = 0;
  for (;;) {
    if (at >= b.length) return UNSURE;
    const length = b[at++];
    if (length === 0) return end === UNSURE ? at : end;
    const top = length & POINTER;
    if (top === 0) {
      // A label past the end is refused at the next turn (at >= b.length).
      labelBytes += length + 1;
      if (labelBytes > MAX_NAME_LABEL_BYTES) return UNSURE;
      at += length;
    } else if (top === POINTER) {
      if (at + 1 > b.length) return UNSURE;
      const target = ((length & ~POINTER) << 8) | b[at];
      if (target >= start) return UNSURE;
      if (end === UNSURE) end = at + 1;
      at = start = target;
    } else {
      return UNSURE;
    }
  }
}

