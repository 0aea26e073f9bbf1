import { describe, expect, it } from 'vitest';
import { decodePacket } from '../../src/decode/decode.js';
import { concat, ethernet, ipv6, ipv6Bytes, tcp, tcpFrame, udp, udpFrame } from '../helpers/packets.js';
import { record } from './record.js';

const verify = { verifyChecksums: true };
/** Flips one bit of byte `at` in a copy. */
const corrupt = (bytes: Uint8Array, at: number): Uint8Array => { const copy = bytes.slice(); copy[at] ^= 0x01; return copy; };

describe('checksum verification (verifyChecksums)', () => {
  const tcp4 = tcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', srcPort: 1, dstPort: 2, seq: 3, flags: 'PA', payload: 'data!' });
  const tcp6 = tcpFrame({ src: '2001:db8::1', dst: '2001:db8::2', srcPort: 1, dstPort: 2, seq: 3, flags: 'PA', payload: 'odd' });
  const udp4 = udpFrame({ src: '10.0.0.1', dst: '10.0.0.2', srcPort: 53, dstPort: 53, payload: 'dns' });
  const udp6 = udpFrame({ src: '2001:db8::1', dst: '2001:db8::2', srcPort: 53, dstPort: 53, payload: 'dns' });

  it('correct checksums pass, and the IPv4 header result is recorded', () => {
    expect(decodePacket(record(tcp4), verify)).toMatchObject({ ip: { checksumOk: true }, tcp: { srcPort: 1 }, skipped: undefined });
    expect(decodePacket(record(tcp6), verify)).toMatchObject({ ip: { checksumOk: undefined }, tcp: { srcPort: 1 } });
    expect(decodePacket(record(udp4), verify).udp?.srcPort).toBe(53);
    expect(decodePacket(record(udp6), verify).udp?.srcPort).toBe(53);
  });

  it('a bad IPv4 header checksum skips the packet and keeps the IP layer', () => {
    const bad = corrupt(tcp4, 14 + 8); // TTL
    expect(decodePacket(record(bad), verify)).toMatchObject({ skipped: 'bad-checksum-ipv4', ip: { checksumOk: false }, tcp: undefined });
  });

  it('a bad TCP checksum over IPv4 and IPv6 leaves tcp undefined', () => {
    expect(decodePacket(record(corrupt(tcp4, tcp4.length - 1)), verify)).toMatchObject({ skipped: 'bad-checksum-tcp', tcp: undefined, ip: { checksumOk: true } });
    expect(decodePacket(record(corrupt(tcp6, tcp6.length - 1)), verify)).toMatchObject({ skipped: 'bad-checksum-tcp', tcp: undefined });
  });

  it('the pseudo-header counts: a changed source address fails TCP, not the (recomputed) IP header', () => {
    const moved = corrupt(tcp6, 14 + 8 + 15); // last byte of the IPv6 source
    expect(decodePacket(record(moved), verify).skipped).toBe('bad-checksum-tcp');
  });

  it('a bad UDP checksum over IPv4 and IPv6 leaves udp undefined', () => {
    expect(decodePacket(record(corrupt(udp4, udp4.length - 1)), verify)).toMatchObject({ skipped: 'bad-checksum-udp', udp: undefined });
    expect(decodePacket(record(corrupt(udp6, udp6.length - 1)), verify)).toMatchObject({ skipped: 'bad-checksum-udp', udp: undefined });
  });

  it('UDP checksum 0 means none over IPv4 (RFC 768) but is bad over IPv6 (RFC 8200 §8.1)', () => {
    const none4 = udp4.slice(); none4[14 + 20 + 6] = 0; none4[14 + 20 + 7] = 0;
    expect(decodePacket(record(none4), verify).udp?.srcPort).toBe(53);
    const none6 = udp6.slice(); none6[14 + 40 + 6] = 0; none6[14 + 40 + 7] = 0;
    expect(decodePacket(record(none6), verify).skipped).toBe('bad-checksum-udp');
  });

  it('a segment not wholly captured is not verified', () => {
    const bad = corrupt(tcp4, tcp4.length - 1);
    const p = decodePacket(record(bad.subarray(0, bad.length - 2), 1, { originalLength: bad.length }), verify);
    expect(p.skipped).toBeUndefined();
    expect(p.tcp?.payloadLength).toBe(5);
  });

  it('without verifyChecksums nothing is checked', () => {
    const p = decodePacket(record(corrupt(corrupt(tcp4, 14 + 8), tcp4.length - 1)));
    expect(p).toMatchObject({ skipped: undefined, ip: { checksumOk: undefined }, tcp: { srcPort: 1 } });
  });

  it('a routing header with segments left puts the final destination in the pseudo-header (RFC 8200 §8.1)', () => {
    // Type 2 routing header (RFC 6275 §6.4): the home address 2001:db8::99 is the final destination.
    const home = '2001:db8::99';
    const routing = concat(Uint8Array.from([2, 1, 0, 0, 0, 0]), ipv6Bytes(home));
    const segment = tcp({ srcPort: 80, dstPort: 5000, seq: 1, flags: 'SA', src: '2001:db8::1', dst: home });
    const bytes = ethernet(ipv6({ src: '2001:db8::1', dst: '2001:db8::2', nextHeader: 6, payload: segment, extensions: [{ type: 43, body: routing }] }));
    expect(decodePacket(record(bytes), verify).tcp?.srcPort).toBe(80);
    const wrongDestination = tcp({ srcPort: 80, dstPort: 5000, seq: 1, flags: 'SA', src: '2001:db8::1', dst: '2001:db8::2' });
    const bytes2 = ethernet(ipv6({ src: '2001:db8::1', dst: '2001:db8::2', nextHeader: 6, payload: wrongDestination, extensions: [{ type: 43, body: routing }] }));
    expect(decodePacket(record(bytes2), verify).skipped).toBe('bad-checksum-tcp');
  });

  it('UDP with a correct checksum that computes to 0 is sent as 0xffff and verifies', () => {
    // Search a payload whose checksum folds to 0 (RFC 768: transmitted as all ones).
    for (let v = 0; v < 0x10000; v++) {
      const payload = Uint8Array.from([v >> 8, v & 0xff]);
      const d = udp({ srcPort: 1, dstPort: 2, payload, src: '10.0.0.1', dst: '10.0.0.2' });
      if (d[6] === 0xff && d[7] === 0xff) {
        expect(decodePacket(record(udpFrame({ src: '10.0.0.1', dst: '10.0.0.2', srcPort: 1, dstPort: 2, payload })), verify).udp?.payload.length).toBe(2);
        return;
      }
    }
    throw new Error('no payload with checksum 0 found');
  });
});
