import { describe, expect, it } from 'vitest';
import { decodePacket } from '../../src/decode/decode.js';
import { TCP_FLAG } from '../../src/decode/packet.js';
import {
  AF, ethernet, icmpUnreachable, icmpv6Unreachable, ip, ipv4, ipv6, nullLoopback, sll, sll2, tcp, tcpFlags, tcpFrame, udp,
  udpFrame, hex,
} from '../helpers/packets.js';
import { record } from './record.js';

// Every builder in test/helpers/packets.ts, decoded back: if a builder drifts, every other
// owner's tests would be testing the wrong bytes.
describe('frame builders round-trip through decodePacket', () => {
  it('tcpFrame over IPv4 carries ports, numbers, flags, window, options and payload', () => {
    const frame = tcpFrame({
      src: '10.0.0.1', dst: '10.0.0.2', srcPort: 51000, dstPort: 80, seq: 0xfffffff0, ack: 7, flags: 'PA', window: 512,
      options: { mss: 1460, windowScale: 7, sackPermitted: true, timestamp: [100, 200], sack: [1000, 2000] },
      payload: 'GET / HTTP/1.1\r\n\r\n', ttl: 33, id: 4242,
    });
    const p = decodePacket(record(frame), { verifyChecksums: true });
    expect(p.issue).toBeUndefined();
    expect(p.skipped).toBeUndefined();
    expect(p.ip).toMatchObject({ version: 4, src: '10.0.0.1', dst: '10.0.0.2', protocol: 6, offset: 14, headerLength: 20, ttl: 33, id: 4242, checksumOk: true });
    expect(p.tcp).toMatchObject({
      srcPort: 51000, dstPort: 80, seq: 0xfffffff0, ack: 7, flags: TCP_FLAG.PSH | TCP_FLAG.ACK, window: 512, urgentPointer: 0,
      options: { mss: 1460, windowScale: 7, sackPermitted: true, timestamp: { value: 100, echo: 200 }, sack: [1000, 2000] },
    });
    // options: 4 MSS + 2 SACK-perm + 10 TS + 4 (NOP WS) + 12 (NOP NOP SACK) = 32 -> header 52
    expect(p.tcp?.headerLength).toBe(52);
    expect(p.ip?.payloadLength).toBe(52 + 18);
    expect(p.tcp?.payloadLength).toBe(18);
    expect(new TextDecoder().decode(p.tcp?.payload)).toBe('GET / HTTP/1.1\r\n\r\n');
  });

  it('tcpFrame over IPv6 (chosen by address syntax)', () => {
    const frame = tcpFrame({ src: '2001:db8::1', dst: '2001:db8::2', srcPort: 1, dstPort: 443, seq: 5, flags: 'S', ttl: 9 });
    const p = decodePacket(record(frame), { verifyChecksums: true });
    expect(p.ip).toMatchObject({ version: 6, src: '2001:db8::1', dst: '2001:db8::2', protocol: 6, headerLength: 40, payloadLength: 20, ttl: 9 });
    expect(p.tcp).toMatchObject({ srcPort: 1, dstPort: 443, seq: 5, flags: TCP_FLAG.SYN, headerLength: 20, payloadLength: 0 });
    expect(p.tcp?.options).toBeUndefined();
  });

  it('udpFrame over IPv4 and IPv6', () => {
    for (const [src, dst] of [['192.0.2.1', '192.0.2.53'], ['fe80::1', 'ff02::fb']]) {
      const p = decodePacket(record(udpFrame({ src, dst, srcPort: 5353, dstPort: 53, payload: 'abc' })), { verifyChecksums: true });
      expect(p.skipped).toBeUndefined();
      expect(p.ip).toMatchObject({ src, dst, protocol: 17 });
      expect(p.udp).toMatchObject({ srcPort: 5353, dstPort: 53, length: 11 });
      expect(Array.from(p.udp?.payload ?? [])).toEqual([0x61, 0x62, 0x63]);
    }
  });

  it('tcpFlags maps every letter to its RFC 9293 bit', () => {
    expect(tcpFlags('FSRPAUEC')).toBe(0xff);
    expect(tcpFlags('SA')).toBe(TCP_FLAG.SYN | TCP_FLAG.ACK);
    expect(tcpFlags('R')).toBe(TCP_FLAG.RST);
  });

  it('ethernet with one tag, 802.1ad QinQ and the legacy 0x9100 outer tag', () => {
    const packet = ip({ src: '10.1.1.1', dst: '10.1.1.2', protocol: 17, payload: udp({ srcPort: 1, dstPort: 2, payload: '' }) });
    const one = ethernet(packet, { vlans: [100] });
    expect(Array.from(one.subarray(12, 16))).toEqual([0x81, 0x00, 0x00, 100]);
    expect(decodePacket(record(one)).vlans).toEqual([100]);
    const qinq = ethernet(packet, { vlans: [200, 4095], qinq: true });
    expect(Array.from(qinq.subarray(12, 14))).toEqual([0x88, 0xa8]);
    expect(Array.from(qinq.subarray(16, 18))).toEqual([0x81, 0x00]);
    expect(decodePacket(record(qinq)).vlans).toEqual([200, 4095]);
    const legacy = ethernet(packet, { vlans: [7, 8, 9], qinq: true, outerTpid: 0x9100 });
    const p = decodePacket(record(legacy));
    expect(p.vlans).toEqual([7, 8, 9]);
    expect(p.udp).toMatchObject({ srcPort: 1, dstPort: 2 });
  });

  it('sll and sll2 put the protocol where Linux does', () => {
    const packet = ipv6({ src: '::1', dst: '::1', nextHeader: 17, payload: udp({ srcPort: 9, dstPort: 10, payload: 'x' }) });
    const v1 = sll(packet);
    expect(v1.length).toBe(16 + packet.length);
    expect(Array.from(v1.subarray(14, 16))).toEqual([0x86, 0xdd]);
    expect(decodePacket(record(v1, 113)).udp).toMatchObject({ srcPort: 9, dstPort: 10 });
    const v2 = sll2(packet);
    expect(Array.from(v2.subarray(0, 2))).toEqual([0x86, 0xdd]);
    expect(decodePacket(record(v2, 276)).udp).toMatchObject({ srcPort: 9, dstPort: 10 });
  });

  it('nullLoopback writes the family in host (little-endian) or network order', () => {
    const packet = ipv4({ src: '127.0.0.1', dst: '127.0.0.1', protocol: 6, payload: tcp({ srcPort: 3, dstPort: 4, seq: 1, flags: 'A' }) });
    expect(Array.from(nullLoopback(packet, AF.INET).subarray(0, 4))).toEqual([2, 0, 0, 0]);
    expect(Array.from(nullLoopback(packet, AF.INET, true).subarray(0, 4))).toEqual([0, 0, 0, 2]);
    expect(decodePacket(record(nullLoopback(packet, AF.INET), 0)).tcp).toMatchObject({ srcPort: 3, dstPort: 4 });
  });

  it('ipv4 pads options to a word and counts them in IHL', () => {
    const bytes = ipv4({ src: '1.2.3.4', dst: '5.6.7.8', protocol: 17, payload: udp({ srcPort: 1, dstPort: 2, payload: '' }), options: Uint8Array.from([0x94, 0x04, 0, 0, 1]) });
    expect(bytes[0]).toBe(0x47); // version 4, IHL 7: 20 + 5 option bytes padded to 8
    const p = decodePacket(record(bytes, 228));
    expect(p.ip).toMatchObject({ headerLength: 28, payloadLength: 8 });
    expect(p.udp).toMatchObject({ srcPort: 1, dstPort: 2, length: 8 });
  });

  it('ipv6 chains extension headers in the order given', () => {
    const bytes = ipv6({
      src: '2001:db8::a', dst: '2001:db8::b', nextHeader: 6, payload: tcp({ srcPort: 7, dstPort: 8, seq: 9, flags: 'S' }),
      extensions: [{ type: 0 }, { type: 60, body: new Uint8Array(10) }, { type: 43, body: Uint8Array.from([0, 0]) }],
    });
    expect(bytes[6]).toBe(0); // first extension
    expect(bytes[40]).toBe(60); // hop-by-hop's next header
    const p = decodePacket(record(bytes, 229));
    expect(p.ip).toMatchObject({ protocol: 6, headerLength: 40 + 8 + 16 + 8, payloadLength: 20 });
    expect(p.tcp).toMatchObject({ srcPort: 7, dstPort: 8, seq: 9 });
  });

  it('icmpUnreachable and icmpv6Unreachable quote the original header and ports', () => {
    const original = ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 17, payload: udp({ srcPort: 4000, dstPort: 53, payload: 'query' }) });
    const v4 = decodePacket(record(ethernet(ipv4({ src: '10.0.0.2', dst: '10.0.0.1', protocol: 1, payload: icmpUnreachable(original) }))));
    expect(v4.icmp).toMatchObject({ version: 4, type: 3, code: 3, unreachable: true, quoted: { src: '10.0.0.1', dst: '10.0.0.2', protocol: 17, srcPort: 4000, dstPort: 53 } });
    const original6 = ipv6({ src: '2001:db8::1', dst: '2001:db8::2', nextHeader: 6, payload: tcp({ srcPort: 5000, dstPort: 443, seq: 1, flags: 'S' }) });
    const message = icmpv6Unreachable(original6, { src: '2001:db8::2', dst: '2001:db8::1' });
    const v6 = decodePacket(record(ethernet(ipv6({ src: '2001:db8::2', dst: '2001:db8::1', nextHeader: 58, payload: message }))));
    expect(v6.icmp).toMatchObject({ version: 6, type: 1, code: 4, unreachable: true, quoted: { src: '2001:db8::1', dst: '2001:db8::2', protocol: 6, srcPort: 5000, dstPort: 443 } });
  });

  it('hex() reads annotated byte text', () => {
    expect(Array.from(hex('45 00 // version, tos\n 00:1c'))).toEqual([0x45, 0, 0, 0x1c]);
  });
});
