import { describe, expect, it } from 'vitest';
import { decodePacket } from '../../src/decode/decode.js';
import { TCP_FLAG } from '../../src/decode/packet.js';
import { icmpUnreachable, icmpv6Unreachable, ipv4, ipv6, tcp, udp } from '../helpers/packets.js';
import { record } from './record.js';

const overIpv4 = (protocol: number, payload: Uint8Array) => ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol, payload });
const tcpPacket = (o: Parameters<typeof tcp>[0]) => decodePacket(record(overIpv4(6, tcp(o)), 228));

describe('TCP header (RFC 9293 §3.1)', () => {
  it('every flag bit lands in flags', () => {
    expect(tcpPacket({ srcPort: 1, dstPort: 2, seq: 0, flags: 'FSRPAUEC' }).tcp?.flags).toBe(0xff);
    expect(tcpPacket({ srcPort: 1, dstPort: 2, seq: 0, flags: 'RA' }).tcp?.flags).toBe(TCP_FLAG.RST | TCP_FLAG.ACK);
  });

  it('urgent pointer and raw window are reported as sent', () => {
    expect(tcpPacket({ srcPort: 1, dstPort: 2, seq: 0, flags: 'UA', urgentPointer: 3, window: 0 }).tcp).toMatchObject({ urgentPointer: 3, window: 0 });
  });

  it('data offset below 5 is a bad field, yet the fixed header is reported (tshark counts it in its stream)', () => {
    const bytes = overIpv4(6, tcp({ srcPort: 1, dstPort: 2, seq: 77, flags: 'PA', payload: 'abcdefghij' }));
    bytes[20 + 12] = 0x20; // data offset 2 words = 8 bytes
    const p = decodePacket(record(bytes, 228));
    expect(p.issue).toEqual({ kind: 'bad-field', layer: 'tcp', field: 'data-offset', value: 2, offset: 20 });
    // tshark: tcp.hdr_len 8 and tcp.len 30 - 8 = 22, but no sequence analysis: nothing counts as payload.
    expect(p.tcp).toMatchObject({ srcPort: 1, dstPort: 2, seq: 77, flags: 0x18, headerLength: 8, payloadLength: 0, options: undefined });
    expect(p.tcp?.payload.length).toBe(0);
  });

  it('an IPv4 total length beyond the bytes on the wire counts only those bytes (tshark clamps tcp.len)', () => {
    // 20 IP + 20 TCP + 10 payload on the wire, but the header claims 1000 bytes.
    const bytes = ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 6, payload: tcp({ srcPort: 1, dstPort: 2, seq: 7, flags: 'PA', payload: 'abcdefghij' }), totalLength: 1000 });
    expect(decodePacket(record(bytes, 228)).tcp).toMatchObject({ seq: 7, payloadLength: 10 });
    // A snaplen cut is different: the wire had the bytes, so the header's claim stands.
    const cut = decodePacket(record(bytes.subarray(0, 45), 228, { originalLength: 1000 }));
    expect(cut.tcp?.payloadLength).toBe(960);
  });

  it('a header longer than the IP payload: too-short, with the fixed part and readable options reported', () => {
    const bytes = overIpv4(6, tcp({ srcPort: 3, dstPort: 4, seq: 5, flags: 'A', options: { timestamp: [9, 8] }, rawOptions: Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 1]) }));
    const cut = ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 6, payload: bytes.subarray(20, 20 + 32) });
    const p = decodePacket(record(cut, 228));
    expect(p.issue).toEqual({ kind: 'too-short', layer: 'tcp', need: 40, have: 32, offset: 20 });
    expect(p.tcp).toMatchObject({ srcPort: 3, seq: 5, headerLength: 40, payloadLength: 0, options: { timestamp: { value: 9, echo: 8 } } });
    expect(p.tcp?.payload.length).toBe(0);
  });

  it('fewer than 20 bytes: no segment at all', () => {
    const cut = ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 6, payload: tcp({ srcPort: 3, dstPort: 4, seq: 5, flags: 'A' }).subarray(0, 19) });
    expect(decodePacket(record(cut, 228))).toMatchObject({ tcp: undefined, issue: { kind: 'too-short', layer: 'tcp', need: 20, have: 19 } });
  });

  it('a header with only NOP padding has options with nothing set', () => {
    expect(tcpPacket({ srcPort: 1, dstPort: 2, seq: 0, flags: 'A', rawOptions: Uint8Array.from([1, 1, 1, 1]) }).tcp?.options)
      .toEqual({ mss: undefined, windowScale: undefined, sackPermitted: false, timestamp: undefined, sack: undefined });
  });

  it('SACK blocks come back as flat [left, right) pairs', () => {
    expect(tcpPacket({ srcPort: 1, dstPort: 2, seq: 0, flags: 'A', options: { sack: [10, 20, 30, 40, 0xfffffff0, 5] } }).tcp?.options?.sack)
      .toEqual([10, 20, 30, 40, 0xfffffff0, 5]);
  });

  it('an option length of 0 stops parsing, keeping what came before, and the segment still decodes', () => {
    const p = tcpPacket({ srcPort: 1, dstPort: 2, seq: 0, flags: 'S', options: { mss: 536 }, rawOptions: Uint8Array.from([3, 0, 8, 10]) });
    expect(p.tcp?.options).toMatchObject({ mss: 536, windowScale: undefined, timestamp: undefined });
    expect(p.issue).toBeUndefined();
  });

  it('an option running past the header stops parsing', () => {
    const p = tcpPacket({ srcPort: 1, dstPort: 2, seq: 0, flags: 'S', options: { windowScale: 2 }, rawOptions: Uint8Array.from([2, 40, 0, 0]) });
    expect(p.tcp?.options).toMatchObject({ windowScale: 2, mss: undefined });
  });

  it('a known option with the wrong length is skipped, later options still read', () => {
    const p = tcpPacket({ srcPort: 1, dstPort: 2, seq: 0, flags: 'S', rawOptions: Uint8Array.from([2, 3, 5, 3, 3, 6, 4, 2]) });
    expect(p.tcp?.options).toMatchObject({ mss: undefined, windowScale: 6, sackPermitted: true });
  });

  it('End of Option List stops parsing', () => {
    const p = tcpPacket({ srcPort: 1, dstPort: 2, seq: 0, flags: 'S', rawOptions: Uint8Array.from([0, 4, 2, 1]) });
    expect(p.tcp?.options?.sackPermitted).toBe(false);
  });
});

describe('UDP length checks (RFC 768)', () => {
  it('a length field below 8 is a bad field', () => {
    expect(decodePacket(record(overIpv4(17, udp({ srcPort: 1, dstPort: 2, payload: 'abc', length: 7 })), 228)).issue)
      .toEqual({ kind: 'bad-field', layer: 'udp', field: 'length', value: 7, offset: 20 });
  });
  it('a length field beyond the IP payload: the payload is bounded by the IP length', () => {
    const p = decodePacket(record(overIpv4(17, udp({ srcPort: 1, dstPort: 2, payload: 'abc', length: 500 })), 228));
    expect(p.udp).toMatchObject({ length: 500 });
    expect(p.udp?.payload.length).toBe(3);
  });
  it('a length field shorter than the IP payload: the payload is bounded by the UDP length', () => {
    const p = decodePacket(record(overIpv4(17, udp({ srcPort: 1, dstPort: 2, payload: 'abcdef', length: 10 })), 228));
    expect(Array.from(p.udp?.payload ?? [])).toEqual([0x61, 0x62]);
  });
});

describe('ICMP and ICMPv6 errors quote the offending packet', () => {
  const original = ipv4({ src: '10.0.0.2', dst: '10.0.0.9', protocol: 6, payload: tcp({ srcPort: 33000, dstPort: 25, seq: 1, flags: 'S' }) });

  it('ICMP time exceeded (11) quotes TCP ports; unreachable is false', () => {
    const p = decodePacket(record(overIpv4(1, icmpUnreachable(original, { type: 11, code: 0 })), 228));
    expect(p.icmp).toMatchObject({ version: 4, type: 11, code: 0, unreachable: false, quoted: { src: '10.0.0.2', dst: '10.0.0.9', protocol: 6, srcPort: 33000, dstPort: 25 } });
  });

  it('a quote cut after the IP header has addresses but no ports', () => {
    const p = decodePacket(record(overIpv4(1, icmpUnreachable(original).subarray(0, 28)), 228));
    expect(p.icmp?.quoted).toEqual({ src: '10.0.0.2', dst: '10.0.0.9', protocol: 6, srcPort: undefined, dstPort: undefined });
  });

  it('a quote of a non-first fragment has no ports', () => {
    const fragment = ipv4({ src: '10.0.0.2', dst: '10.0.0.9', protocol: 17, payload: new Uint8Array(16), fragmentOffset: 1480 });
    expect(decodePacket(record(overIpv4(1, icmpUnreachable(fragment)), 228)).icmp?.quoted?.srcPort).toBeUndefined();
  });

  it('an echo request has no quote', () => {
    const echo = Uint8Array.from([8, 0, 0, 0, 0, 1, 0, 1]);
    expect(decodePacket(record(overIpv4(1, echo), 228)).icmp).toMatchObject({ version: 4, type: 8, code: 0, unreachable: false, quoted: undefined });
  });

  it('ICMPv6 time exceeded (3) quotes through extension headers to UDP ports', () => {
    const original6 = ipv6({ src: '2001:db8::5', dst: '2001:db8::6', nextHeader: 17, payload: udp({ srcPort: 4433, dstPort: 443, payload: 'q' }), extensions: [{ type: 60 }] });
    const p = decodePacket(record(ipv6({ src: '2001:db8::ff', dst: '2001:db8::5', nextHeader: 58, payload: icmpv6Unreachable(original6, { type: 3, code: 0 }) }), 229));
    expect(p.icmp).toMatchObject({ version: 6, type: 3, code: 0, unreachable: false, quoted: { src: '2001:db8::5', dst: '2001:db8::6', protocol: 17, srcPort: 4433, dstPort: 443 } });
  });

  it('ICMPv6 echo request (128) has no quote', () => {
    const p = decodePacket(record(ipv6({ src: '::1', dst: '::2', nextHeader: 58, payload: Uint8Array.from([128, 0, 0, 0, 0, 1, 0, 1]) }), 229));
    expect(p.icmp).toMatchObject({ version: 6, type: 128, code: 0, unreachable: false, quoted: undefined });
  });
});
