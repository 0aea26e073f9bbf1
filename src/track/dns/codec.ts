/**
 * The parts of dns-packet that statecap reads around its whole-message decode: its question codec
 * and its record-data dispatch (both exist at runtime but are missing from its type declarations),
 * and the names it gives QTYPE and QCLASS values, asked of the codec once per value.
 */
import { Buffer } from 'node:buffer';
import dnsPacket from 'dns-packet';

/** dns-packet's question codec. */
export interface QuestionCodec {
  decode: ((buf: Buffer, offset: number) => dnsPacket.Question) & { bytes: number };
}

/** dns-packet's decoder of one record type's RDATA; the same object for every type it decodes alike. */
export type RecordCodec = object;

const runtime = dnsPacket as unknown as { question?: QuestionCodec; record?: (type: string) => RecordCodec };

export const questionCodec: QuestionCodec | undefined = runtime.question;

/** The RDATA decoder dns-packet's answer decoder picks for a type name; undefined without the dispatch. */
export function recordCodec(typeName: string): RecordCodec | undefined {
  return runtime.record?.(typeName);
}

/** A question as statecap keeps it; `name` as written in the message (case kept). */
export interface CodecQuestion {
  readonly name: string;
  readonly type: string;
  readonly class: string;
}

/** QTYPE and QCLASS names as the codec gives them (toQuestion), once per value. */
const typeNames = new Map<number, string>();
const classNames = new Map<number, string>();

export function typeName(value: number): string {
  let name = typeNames.get(value);
  if (name === undefined) typeNames.set(value, (name = codecQuestion(value, 1).type));
  return name;
}

export function className(value: number): string {
  let name = classNames.get(value);
  if (name === undefined) classNames.set(value, (name = codecQuestion(1, value).class));
  return name;
}

/** The codec's reading of a root-name question with this QTYPE and QCLASS. */
function codecQuestion(type: number, klass: number): CodecQuestion {
  const bytes = Buffer.from([0, type >> 8, type & 0xff, klass >> 8, klass & 0xff]);
  return toQuestion((questionCodec as QuestionCodec).decode(bytes, 0));
}

/** mDNS puts the unicast-response bit in the top bit of QCLASS (RFC 6762 §5.4). */
const QCLASS_UNICAST_BIT = 0x8000;

/** QCLASS names as dns-packet spells them (RFC 1035 §3.2.4, §3.2.5). */
const CLASS_NAMES: Record<number, string> = { 1: 'IN', 2: 'CS', 3: 'CH', 4: 'HS', 255: 'ANY' };

export function toQuestion(q: dnsPacket.Question): CodecQuestion & { lowerName: undefined } {
  return { name: q.name, type: String(q.type), class: normalizeClass(String(q.class ?? 'IN')), lowerName: undefined };
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
