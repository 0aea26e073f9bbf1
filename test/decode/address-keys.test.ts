import { describe, expect, it } from 'vitest';
import { ReadRecord } from '../../src/capture/record.js';
import { PacketDecoder, decodePacket } from '../../src/decode/decode.js';
import { V6_KEY_BASE, ipv6Key } from '../../src/decode/ip-layer.js';
import { ethernet, ipv4, ipv6, ipv6Bytes, tcp } from '../helpers/packets.js';
import { record } from './record.js';

const segment = tcp({ srcPort: 40000, dstPort: 443, seq: 7, flags: 'S' });

describe('address keys (IpLayer.srcKey / dstKey)', () => {
  it('an IPv4 key is the address as a 32-bit number, from both decoders', () => {
    const bytes = ethernet(ipv4({ src: '192.168.1.10', dst: '10.0.0.255', protocol: 6, payload: segment }));
    // 192.168.1.10 = 0xc0a8010a; 10.0.0.255 = 0x0a0000ff.
    expect(decodePacket(record(bytes)).ip).toMatchObject({ src: '192.168.1.10', dst: '10.0.0.255', srcKey: 0xc0a8010a, dstKey: 0x0a0000ff });
    expect(new PacketDecoder().decode(record(bytes)).ip).toMatchObject({ src: '192.168.1.10', dst: '10.0.0.255', srcKey: 0xc0a8010a, dstKey: 0x0a0000ff });
  });

  it('an IPv6 key is above every IPv4 key and the same for the same 16 bytes', () => {
    const bytes = ethernet(ipv6({ src: '2001:db8::1', dst: '::ffff:192.0.2.1', nextHeader: 6, payload: segment }));
    const ip = new PacketDecoder().decode(record(bytes)).ip!;
    expect(ip.srcKey).toBeGreaterThanOrEqual(V6_KEY_BASE);
    expect(ip.srcKey).toBe(ipv6Key(ipv6Bytes('2001:db8::1'), 0));
    expect(ip.dstKey).toBe(ipv6Key(ipv6Bytes('::ffff:192.0.2.1'), 0));
    expect(ip.dstKey).not.toBe(ip.srcKey);
    expect([ip.src, ip.dst]).toEqual(['2001:db8::1', '::ffff:192.0.2.1']);
  });

  it("the reused struct builds each packet's text when read, and a copy of it holds the text", () => {
    const decoder = new PacketDecoder();
    const first = ethernet(ipv4({ src: '1.2.3.4', dst: '5.6.7.8', protocol: 6, payload: segment }));
    const second = ethernet(ipv6({ src: 'fe80::1', dst: 'fe80::2', nextHeader: 6, payload: segment }));
    const a = decoder.decode(record(first)).ip!;
    expect(a.src).toBe('1.2.3.4');
    const b = decoder.decode(record(second)).ip!;
    expect(b).toBe(a); // the same struct, filled again
    expect([b.src, b.dst]).toEqual(['fe80::1', 'fe80::2']);
    const copy = { ...b };
    decoder.decode(record(first));
    expect([copy.src, copy.dst, copy.version]).toEqual(['fe80::1', 'fe80::2', 6]);
  });

  it('a record read in place (a place in a larger buffer) decodes as its own bytes do', () => {
    const bytes = ethernet(ipv4({ src: '9.9.9.9', dst: '8.8.8.8', protocol: 6, payload: segment }));
    const chunk = new Uint8Array(bytes.length + 100).fill(0x55);
    chunk.set(bytes, 37);
    const inPlace = new ReadRecord();
    inPlace.place(chunk, 37, bytes.length);
    Object.assign(inPlace, { number: 1, time: 1000, linkType: 1, originalLength: bytes.length });
    const p = new PacketDecoder().decode(inPlace);
    const own = decodePacket(record(bytes));
    expect(p.ip).toEqual(own.ip);
    expect(p.ip?.offset).toBe(14); // from the record's first byte, not the chunk's
    // The segment's fields are the same; only where its bytes are differs (the chunk, not a copy).
    const fields = (t: object): object => Object.fromEntries(Object.entries(t).filter(([k]) => k !== 'bytes' && k !== 'payloadStart'));
    expect(fields(p.tcp!)).toEqual(fields(own.tcp!));
    expect(p.tcp?.payload).toEqual(own.tcp?.payload);
    expect(inPlace.data).toEqual(bytes);
  });
});
