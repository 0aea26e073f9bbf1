import dnsPacket from 'dns-packet';
import type { WrittenPacket } from '../helpers/capture-file.js';
import { tcpFrame, udpFrame } from '../helpers/packets.js';
import { clientHello, cryptoFrame, initialPacket } from '../helpers/quic.js';

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

/**
 * `n` spoofed SYNs, each from its own client address (ISN i * 7919), each answered by a SYN-ACK
 * 0.05 ms later (ISN 0x10000 + i); no client completes the handshake. 0.1 ms apart.
 */
export function synFlood(n: number): WrittenPacket[] {
  const syn = tcpFrame({ src: '10.0.0.1', dst: '192.0.2.1', srcPort: 40000, dstPort: 80, seq: 0, flags: 'S' });
  const synAck = tcpFrame({ src: '192.0.2.1', dst: '10.0.0.1', srcPort: 80, dstPort: 40000, seq: 0, ack: 0, flags: 'SA' });
  const packets: WrittenPacket[] = [];
  for (let i = 0; i < n; i++) {
    const isn = (i * 7919) >>> 0;
    packets.push({ time: T + i * 1e-4, data: patch(syn, [[AT.IP_SRC, 4, clientAddress(i)], [AT.TCP_SEQ, 4, isn]]) });
    packets.push({ time: T + i * 1e-4 + 5e-5, data: patch(synAck, [[AT.IP_DST, 4, clientAddress(i)], [AT.TCP_SEQ, 4, 0x10000 + i], [AT.TCP_ACK, 4, isn + 1]]) });
  }
  return packets;
}

/**
 * `n` QUIC client Initials (RFC 9000 §17.2.2), each from its own client address to 192.0.2.1:443,
 * 1 ms apart, each with a DCID drawn from a 32-bit LCG seeded with `seed` (deterministic "random"
 * IDs, as a flood would send). Returns the packets and the DCIDs in hex.
 */
export function quicInitialFlood(n: number, seed: number): { packets: WrittenPacket[]; dcids: string[] } {
  let state = seed;
  const next = (): number => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state; };
  const hello = cryptoFrame(0, clientHello({ serverName: 'flood.example' }));
  const packets: WrittenPacket[] = [];
  const dcids: string[] = [];
  for (let i = 0; i < n; i++) {
    const dcid = new Uint8Array(8);
    new DataView(dcid.buffer).setUint32(0, next());
    new DataView(dcid.buffer).setUint32(4, next());
    dcids.push(Buffer.from(dcid).toString('hex'));
    const payload = initialPacket({ side: 'client', dcid, scid: Uint8Array.of(1, 2, 3, 4), frames: hello, padTo: 1200 });
    packets.push({ time: T + i * 1e-3, data: patch(udpFrame({ src: '10.0.0.1', dst: '192.0.2.1', srcPort: 50000, dstPort: 443, payload }), [[AT.IP_SRC, 4, clientAddress(i)]]) });
  }
  return { packets, dcids };
}
