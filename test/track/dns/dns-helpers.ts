/**
 * Builders for the DNS tracker tests: DecodedPacket plain objects carrying DNS payloads made by
 * dns-packet, and a recording StateSink. Packet numbers and times are given by each test.
 */
import dnsPacket from 'dns-packet';
import type { DecodedPacket } from '../../../src/decode/packet.js';
import type { BufferEvent, HoldEvent, ReleaseEvent, StateSink } from '../../../src/state/events.js';
import type { TcpStreamInfo } from '../../../src/track/dns/stream.js';

export const T0 = 1_700_000_000;

export interface QuestionOpts {
  type?: dnsPacket.RecordType;
  flags?: number;
}

/** A standard query with RD set (RFC 1035 §4.1.1). */
export function query(id: number, name: string, o: QuestionOpts = {}): Buffer {
  return dnsPacket.encode({ type: 'query', id, flags: o.flags ?? dnsPacket.RECURSION_DESIRED, questions: [{ type: o.type ?? 'A', name }] });
}

export interface ResponseOpts extends QuestionOpts {
  /** RCODE number in the low 4 bits of the flags (RFC 1035 §4.1.1). */
  rcode?: number;
  truncated?: boolean;
  /** A records to put in the answer section. */
  addresses?: string[];
  /** Leave the question section out (allowed, e.g. mDNS answers). */
  noQuestion?: boolean;
}

export function response(id: number, name: string, o: ResponseOpts = {}): Buffer {
  let flags = (o.flags ?? dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE) | (o.rcode ?? 0);
  if (o.truncated) flags |= dnsPacket.TRUNCATED_RESPONSE;
  return dnsPacket.encode({
    type: 'response',
    id,
    flags,
    questions: o.noQuestion ? [] : [{ type: o.type ?? 'A', name }],
    answers: (o.addresses ?? []).map((data) => ({ type: 'A' as const, name, ttl: 60, data })),
  });
}

/** A UDP datagram as the decoder would hand it over. */
export function udpPacket(
  number: number,
  time: number,
  from: [string, number],
  to: [string, number],
  payload: Uint8Array,
): DecodedPacket {
  const v6 = from[0].includes(':');
  return {
    number,
    time: T0 + time,
    linkType: 1,
    ip: {
      version: v6 ? 6 : 4, src: from[0], dst: to[0], protocol: 17, offset: 14, headerLength: v6 ? 40 : 20,
      payloadLength: 8 + payload.length, ttl: 64, id: 0,
    },
    udp: { srcPort: from[1], dstPort: to[1], length: 8 + payload.length, payload },
  };
}

/** An ICMP port unreachable quoting a UDP datagram from `quotedFrom` to `quotedTo`. */
export function icmpUnreachable(number: number, time: number, reporter: string, quotedFrom: [string, number], quotedTo: [string, number]): DecodedPacket {
  return {
    number,
    time: T0 + time,
    linkType: 1,
    ip: { version: 4, src: reporter, dst: quotedFrom[0], protocol: 1, offset: 14, headerLength: 20, payloadLength: 36, ttl: 64, id: 0 },
    icmp: {
      version: 4, type: 3, code: 3, unreachable: true,
      quoted: { src: quotedFrom[0], dst: quotedTo[0], protocol: 17, srcPort: quotedFrom[1], dstPort: quotedTo[1] },
    },
  };
}

/** Prefixes a message with its 2-byte length (RFC 1035 §4.2.2). */
export function framed(...messages: Uint8Array[]): Uint8Array {
  const total = messages.reduce((n, m) => n + 2 + m.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const m of messages) {
    out[at] = m.length >> 8;
    out[at + 1] = m.length & 0xff;
    out.set(m, at + 2);
    at += 2 + m.length;
  }
  return out;
}

export function tcpFlow(id: number, client: [string, number], server: [string, number]): TcpStreamInfo {
  return { id, client: client[0], clientPort: client[1], server: server[0], serverPort: server[1] };
}

export type LedgerEvent = ({ type: 'hold' } & HoldEvent) | ({ type: 'release' } & ReleaseEvent) | ({ type: 'buffer' } & BufferEvent);

/** A StateSink that keeps every event in order. */
export function recordingSink(): StateSink & { events: LedgerEvent[] } {
  const events: LedgerEvent[] = [];
  return {
    events,
    hold: (e) => void events.push({ type: 'hold', ...e }),
    release: (e) => void events.push({ type: 'release', ...e }),
    buffer: (e) => void events.push({ type: 'buffer', ...e }),
  };
}
