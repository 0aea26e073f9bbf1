import dnsPacket from 'dns-packet';
import type { WrittenPacket } from '../helpers/capture-file.js';
import { udpFrame } from '../helpers/packets.js';

/** Frames patched per packet for the flood tests: 10,000 packets cost milliseconds. */
export const T = 1_700_000_000;
/** Offsets in an Ethernet + IPv4 frame (RFC 791 §3.1; the transport header starts at 34). */
export const AT = { IP_ID: 18, IP_SRC: 26, IP_DST: 30, SRC_PORT: 34, DST_PORT: 36, TCP_SEQ: 38, TCP_ACK: 42, DNS_ID: 42 } as const;

/** A copy of `template` with big-endian `fields` ([offset, bytes, value]) written in. */
export function patch(template: Uint8Array, fields: [number, 2 | 4, number][]): Uint8Array {
  const out = new Uint8Array(template);
  const dv = new DataView(out.buffer);
  for (const [at, size, value] of fields) {
    if (size === 2) dv.setUint16(at, value);
    else dv.setUint32(at, value >>> 0);
  }
  return out;
}

/** 10.0.0.0 + i as a 32-bit address: 5,000 distinct clients. */
export const clientAddress = (i: number): number => (0x0a000000 + 1 + i) >>> 0;


/**
 * `n` DNS queries nobody answers: one client, source ports 20000 + i (clear of the tunnel ports
 * 2152, 3544, 4789, 5072, 6081), IDs i, 0.1 ms apart.
 */
export function unansweredDnsQueries(n: number): WrittenPacket[] {
  const query = udpFrame({
    src: '10.0.0.1', dst: '10.0.0.53', srcPort: 20000, dstPort: 53,
    payload: dnsPacket.encode({ type: 'query', id: 0, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name: 'flood.example' }] }),
  });
  return Array.from({ length: n }, (_, i) => ({ time: T + i * 1e-4, data: patch(query, [[AT.SRC_PORT, 2, 20000 + i], [AT.DNS_ID, 2, i]]) }));
}
