import { describe, expect, it } from 'vitest';
import { decodePacket } from '../../src/decode/decode.js';
import { concat, ethernet, ipv4, ipv6, tcp, udp } from '../helpers/packets.js';
import { record } from './record.js';

const segment = tcp({ srcPort: 1000, dstPort: 80, seq: 1, flags: 'PA', payload: 'x'.repeat(100) }); // 120 bytes

describe('IPv4 header checks (RFC 791 §3.1)', () => {
  it('IHL below 5 is a bad field', () => {
    const bytes = ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 6, payload: segment });
    bytes[0] = 0x44;
    expect(decodePacket(record(bytes, 228)).issue).toEqual({ kind: 'bad-field', layer: 'ipv4', field: 'ihl', value: 4, offset: 0 });
  });

  it('a total length below the header length is a bad field', () => {
    const bytes = ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 6, payload: segment, options: new Uint8Array(4), totalLength: 22 });
    const p = decodePacket(record(bytes, 228));
    expect(p.issue).toEqual({ kind: 'bad-field', layer: 'ipv4', field: 'total-length', value: 22, offset: 0 });
    expect(p.ip).toBeUndefined();
  });

  it('total length 0 (segmentation offload) uses the bytes on the wire, captured or not', () => {
    const bytes = ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 6, payload: segment, totalLength: 0 });
    const whole = decodePacket(record(bytes, 228));
    expect(whole.ip?.payloadLength).toBe(120);
    expect(whole.tcp).toMatchObject({ payloadLength: 100 });
    const cut = decodePacket(record(bytes.subarray(0, 60), 228, { originalLength: bytes.length }));
    expect(cut.ip?.payloadLength).toBe(120);
    expect(cut.tcp).toMatchObject({ payloadLength: 100 });
    expect(cut.tcp?.payload.length).toBe(20);
  });

  it('Ethernet padding after the total length is not payload', () => {
    const ack = ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 6, payload: tcp({ srcPort: 1, dstPort: 2, seq: 3, ack: 4, flags: 'A' }) });
    const frame = ethernet(concat(ack, new Uint8Array(6)));
    const p = decodePacket(record(frame));
    expect(p.tcp).toMatchObject({ payloadLength: 0 });
    expect(p.tcp?.payload.length).toBe(0);
  });

  it('a snaplen cut keeps the claimed lengths for sequence accounting', () => {
    const frame = ethernet(ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 6, payload: segment }));
    const p = decodePacket(record(frame.subarray(0, 68), 1, { originalLength: frame.length }));
    expect(p.issue).toBeUndefined();
    expect(p.ip?.payloadLength).toBe(120);
    expect(p.tcp?.payloadLength).toBe(100);
    expect(p.tcp?.payload.length).toBe(68 - 54);
  });

  it('fragments carry offset and more-fragments and no transport', () => {
    const first = decodePacket(record(ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 6, payload: segment.subarray(0, 64), moreFragments: true, id: 77 }), 228));
    expect(first.ip).toMatchObject({ id: 77, fragment: { offset: 0, more: true }, payloadLength: 64 });
    expect(first.tcp).toBeUndefined();
    const last = decodePacket(record(ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 6, payload: segment.subarray(64), fragmentOffset: 64, id: 77 }), 228));
    expect(last.ip).toMatchObject({ fragment: { offset: 64, more: false }, payloadLength: 56 });
    const dontFragment = decodePacket(record(ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 6, payload: segment, dontFragment: true }), 228));
    expect(dontFragment.ip?.fragment).toBeUndefined();
    expect(dontFragment.tcp?.payloadLength).toBe(100);
  });

  it('a wholly captured first fragment leaves transport to the reassembler; a cut one is decoded as far as it goes', () => {
    const bytes = ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 6, payload: segment.subarray(0, 64), moreFragments: true, id: 5 });
    expect(decodePacket(record(bytes, 228)).tcp).toBeUndefined();
    const cut = decodePacket(record(bytes.subarray(0, 50), 228, { originalLength: bytes.length }));
    expect(cut.ip?.fragment).toEqual({ offset: 0, more: true });
    expect(cut.tcp).toMatchObject({ srcPort: 1000, headerLength: 20, payloadLength: 44 });
    expect(cut.tcp?.payload.length).toBe(10);
    const cutLater = decodePacket(record(ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 6, payload: segment.subarray(64), fragmentOffset: 64 }).subarray(0, 50), 228, { originalLength: 76 }));
    expect(cutLater.tcp).toBeUndefined();
  });

  it('an unfinished loose source route makes its last address the destination (RFC 791 §3.1), also for the checksum', () => {
    // LSRR: type 131, length 11, pointer 8 (second address next), route 10.0.0.9, 10.0.0.99; then EOL.
    const route = Uint8Array.from([131, 11, 8, 10, 0, 0, 9, 10, 0, 0, 99, 0]);
    const segment = tcp({ srcPort: 20, dstPort: 80, seq: 1, flags: 'S', src: '1.1.1.1', dst: '10.0.0.99' });
    const p = decodePacket(record(ipv4({ src: '1.1.1.1', dst: '10.0.0.9', protocol: 6, payload: segment, options: route }), 228), { verifyChecksums: true });
    expect(p.ip).toMatchObject({ dst: '10.0.0.99', headerLength: 32 });
    expect(p.tcp?.srcPort).toBe(20);
    // Pointer 12 (past the 11-byte option): the route is exhausted and the header's destination is final.
    const done = route.slice();
    done[2] = 12;
    expect(decodePacket(record(ipv4({ src: '1.1.1.1', dst: '10.0.0.9', protocol: 6, payload: segment, options: done }), 228)).ip?.dst).toBe('10.0.0.9');
  });

  it('an IP protocol statecap does not follow is skipped by number', () => {
    const p = decodePacket(record(ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 132, payload: new Uint8Array(12) }), 228));
    expect(p).toMatchObject({ skipped: 'ip-proto-132', ip: { protocol: 132 } });
  });
});

describe('IPv6 extension headers (RFC 8200 §4)', () => {
  it('hop-by-hop, routing, destination options and AH are walked to the transport', () => {
    const bytes = ipv6({
      src: '2001:db8::1', dst: '2001:db8::2', nextHeader: 17, payload: udp({ srcPort: 7, dstPort: 7, payload: 'abcd' }),
      extensions: [{ type: 0 }, { type: 43, body: new Uint8Array(6) }, { type: 51, body: new Uint8Array(14) }, { type: 60, body: new Uint8Array(22) }],
    });
    const p = decodePacket(record(bytes, 229));
    expect(p.ip).toMatchObject({ protocol: 17, headerLength: 40 + 8 + 8 + 16 + 24, payloadLength: 12 });
    expect(p.udp).toMatchObject({ srcPort: 7, length: 12 });
  });

  it('a fragment header sets fragment, id and the protocol that follows it', () => {
    const bytes = ipv6({ src: '::1', dst: '::2', nextHeader: 6, payload: new Uint8Array(24), extensions: [{ type: 0 }, { type: 44, fragmentOffset: 1448, moreFragments: true, id: 0xdeadbeef }] });
    const p = decodePacket(record(bytes, 229));
    expect(p.ip).toMatchObject({ protocol: 6, id: 0xdeadbeef, fragment: { offset: 1448, more: true }, headerLength: 56, payloadLength: 24 });
    expect(p.tcp).toBeUndefined();
    expect(p.issue).toBeUndefined();
  });

  it('a cut first IPv6 fragment is decoded as far as it goes', () => {
    const bytes = ipv6({ src: '::1', dst: '::2', nextHeader: 6, payload: segment.subarray(0, 64), extensions: [{ type: 44, fragmentOffset: 0, moreFragments: true, id: 3 }] });
    expect(decodePacket(record(bytes, 229)).tcp).toBeUndefined();
    const cut = decodePacket(record(bytes.subarray(0, 80), 229, { originalLength: bytes.length }));
    expect(cut.tcp).toMatchObject({ srcPort: 1000, payloadLength: 44 });
    expect(cut.tcp?.payload.length).toBe(80 - 48 - 20);
  });

  it('an atomic fragment (offset 0, no more) is decoded as a whole packet (RFC 6946)', () => {
    const bytes = ipv6({ src: '::1', dst: '::2', nextHeader: 6, payload: tcp({ srcPort: 5, dstPort: 6, seq: 1, flags: 'S' }), extensions: [{ type: 44, fragmentOffset: 0, moreFragments: false, id: 9 }] });
    const p = decodePacket(record(bytes, 229));
    expect(p.ip).toMatchObject({ fragment: undefined, id: 9, protocol: 6, headerLength: 48 });
    expect(p.tcp?.srcPort).toBe(5);
  });

  it('more than 16 extension headers stop with a bad count (bounded loop)', () => {
    const extensions = Array.from({ length: 17 }, () => ({ type: 60 as const }));
    const p = decodePacket(record(ipv6({ src: '::1', dst: '::2', nextHeader: 17, payload: new Uint8Array(8), extensions }), 229));
    expect(p.issue).toEqual({ kind: 'bad-field', layer: 'ipv6-ext', field: 'count', value: 17, offset: 40 + 16 * 8 });
  });

  it('No Next Header (59) is skipped as ip-proto-59', () => {
    expect(decodePacket(record(ipv6({ src: '::1', dst: '::2', nextHeader: 59, payload: new Uint8Array(0) }), 229)).skipped).toBe('ip-proto-59');
  });

  it('payload length 0 (segmentation offload) uses the bytes on the wire', () => {
    const bytes = ipv6({ src: '::1', dst: '::2', nextHeader: 6, payload: segment, payloadLength: 0 });
    const p = decodePacket(record(bytes.subarray(0, 80), 229, { originalLength: bytes.length }));
    expect(p.ip?.payloadLength).toBe(120);
    expect(p.tcp?.payloadLength).toBe(100);
    expect(p.tcp?.payload.length).toBe(20);
  });

  it('a jumbogram takes its length from the hop-by-hop Jumbo Payload option (RFC 2675)', () => {
    const body = new Uint8Array(70_000);
    const datagram = udp({ srcPort: 1, dstPort: 2, payload: body, length: 0 });
    const jumbo = 8 + datagram.length; // the hop-by-hop header is part of the jumbo payload length
    const option = Uint8Array.from([0xc2, 4, (jumbo >>> 24) & 0xff, (jumbo >>> 16) & 0xff, (jumbo >>> 8) & 0xff, jumbo & 0xff]);
    const bytes = ipv6({ src: '::1', dst: '::2', nextHeader: 17, payload: datagram, payloadLength: 0, extensions: [{ type: 0, body: option }] });
    const p = decodePacket(record(bytes, 229));
    expect(p.ip).toMatchObject({ payloadLength: 70_008, headerLength: 48 });
    expect(p.udp).toMatchObject({ length: 70_008 });
    expect(p.udp?.payload.length).toBe(70_000);
  });

  it('IPv4 bytes behind EtherType IPv6 are a bad version', () => {
    const frame = ethernet(ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 6, payload: segment }), { etherType: 0x86dd });
    expect(decodePacket(record(frame)).issue).toEqual({ kind: 'bad-field', layer: 'ipv6', field: 'version', value: 4, offset: 14 });
  });
});
