import { describe, expect, it } from 'vitest';
import { decodePacket } from '../../src/decode/decode.js';
import type { DecodeIssue, Layer } from '../../src/decode/packet.js';
import {
  AF, ethernet, icmpUnreachable, ipv4, ipv6, nullLoopback, sll, sll2, tcp, udp,
} from '../helpers/packets.js';
import { record } from './record.js';

/**
 * STYLE practice 15, "every prefix": decoding bytes.subarray(0, n) for every n shorter than the
 * headers must give exactly the too-short issue of the layer the cut falls in, with `need` and
 * `have` counted from that layer's start. Each table row is one header: where it starts, how
 * long it is, and the minimum it needs before its length field can be read.
 */
interface HeaderSpan { layer: Layer; start: number; length: number; minimum?: number }

function expectedIssue(spans: HeaderSpan[], n: number): DecodeIssue | undefined {
  for (const s of spans) {
    if (n >= s.start + s.length) continue;
    const have = n - s.start;
    const need = s.minimum !== undefined && have < s.minimum ? s.minimum : s.length;
    return { kind: 'too-short', layer: s.layer, need, have, offset: s.start };
  }
  return undefined;
}

function checkEveryPrefix(frame: Uint8Array, linkType: number, spans: HeaderSpan[]): void {
  const headersEnd = spans[spans.length - 1].start + spans[spans.length - 1].length;
  for (let n = 0; n < headersEnd; n++) {
    const p = decodePacket(record(frame.subarray(0, n), linkType, { originalLength: frame.length }));
    expect(p.issue, `prefix of ${n} bytes`).toEqual(expectedIssue(spans, n));
  }
}

const tcpWithOptions = tcp({ srcPort: 40000, dstPort: 443, seq: 1, flags: 'S', options: { mss: 1460, windowScale: 8, sackPermitted: true }, payload: 'hello', src: '10.0.0.1', dst: '10.0.0.2' });
const tcpHeaderLength = 32; // 20 + MSS 4 + SACK-perm 2 + NOP WS 4 + 2 NOP padding

describe('every-prefix truncation', () => {
  it('Ethernet + IPv4 with options + TCP with options', () => {
    const frame = ethernet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 6, payload: tcpWithOptions, options: Uint8Array.from([1, 1, 1, 0]) }));
    checkEveryPrefix(frame, 1, [
      { layer: 'ethernet', start: 0, length: 14 },
      { layer: 'ipv4', start: 14, length: 24, minimum: 20 },
      { layer: 'tcp', start: 38, length: tcpHeaderLength, minimum: 20 },
    ]);
  });

  it('a cut inside the payload is not an issue: payloadLength follows the header, payload the capture', () => {
    const frame = ethernet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 6, payload: tcpWithOptions }));
    const headers = 14 + 20 + tcpHeaderLength;
    for (let n = headers; n <= frame.length; n++) {
      const p = decodePacket(record(frame.subarray(0, n), 1, { originalLength: frame.length }));
      expect(p.issue).toBeUndefined();
      expect(p.tcp?.payloadLength).toBe(5);
      expect(p.tcp?.payload.length).toBe(n - headers);
    }
  });

  it('802.1ad + 802.1Q tags + IPv6 with hop-by-hop and destination options + UDP', () => {
    const payload = ipv6({
      src: 'fe80::1', dst: 'fe80::2', nextHeader: 17, payload: udp({ srcPort: 1, dstPort: 2, payload: 'zz' }),
      extensions: [{ type: 0 }, { type: 60, body: new Uint8Array(14) }],
    });
    const frame = ethernet(payload, { vlans: [10, 20], qinq: true });
    checkEveryPrefix(frame, 1, [
      { layer: 'ethernet', start: 0, length: 14 },
      { layer: 'vlan', start: 14, length: 4 },
      { layer: 'vlan', start: 18, length: 4 },
      { layer: 'ipv6', start: 22, length: 40 },
      { layer: 'ipv6-ext', start: 62, length: 8, minimum: 2 },
      { layer: 'ipv6-ext', start: 70, length: 16, minimum: 2 },
      { layer: 'udp', start: 86, length: 8 },
    ]);
  });

  it('IPv6 fragment header', () => {
    const frame = ethernet(ipv6({ src: '::1', dst: '::2', nextHeader: 17, payload: new Uint8Array(16), extensions: [{ type: 44, fragmentOffset: 8, moreFragments: true, id: 1 }] }));
    checkEveryPrefix(frame, 1, [
      { layer: 'ethernet', start: 0, length: 14 },
      { layer: 'ipv6', start: 14, length: 40 },
      { layer: 'ipv6-ext', start: 54, length: 8 },
    ]);
  });

  it('AH counts its length in 4-octet units (RFC 4302 §2.2)', () => {
    const frame = ipv6({ src: '::1', dst: '::2', nextHeader: 6, payload: tcp({ srcPort: 1, dstPort: 2, seq: 0, flags: 'A' }), extensions: [{ type: 51, body: new Uint8Array(20) }] });
    checkEveryPrefix(frame, 229, [
      { layer: 'ipv6', start: 0, length: 40 },
      { layer: 'ipv6-ext', start: 40, length: 24, minimum: 2 },
      { layer: 'tcp', start: 64, length: 20 },
    ]);
  });

  it('Linux cooked v1 and v2 + IPv4 + UDP', () => {
    const packet = ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 17, payload: udp({ srcPort: 53, dstPort: 53, payload: 'q' }) });
    checkEveryPrefix(sll(packet), 113, [
      { layer: 'sll', start: 0, length: 16 },
      { layer: 'ipv4', start: 16, length: 20 },
      { layer: 'udp', start: 36, length: 8 },
    ]);
    checkEveryPrefix(sll2(packet), 276, [
      { layer: 'sll2', start: 0, length: 20 },
      { layer: 'ipv4', start: 20, length: 20 },
      { layer: 'udp', start: 40, length: 8 },
    ]);
  });

  it('BSD null + IPv4 + ICMP', () => {
    const quoted = ipv4({ src: '3.3.3.3', dst: '4.4.4.4', protocol: 17, payload: udp({ srcPort: 9, dstPort: 9, payload: '' }) });
    const frame = nullLoopback(ipv4({ src: '4.4.4.4', dst: '3.3.3.3', protocol: 1, payload: icmpUnreachable(quoted) }), AF.INET);
    checkEveryPrefix(frame, 0, [
      { layer: 'null', start: 0, length: 4 },
      { layer: 'ipv4', start: 4, length: 20 },
      { layer: 'icmp', start: 24, length: 8 },
    ]);
  });

  it('raw IP: an empty packet needs one byte to learn the version', () => {
    expect(decodePacket(record(new Uint8Array(0), 101)).issue).toEqual({ kind: 'too-short', layer: 'link', need: 1, have: 0, offset: 0 });
  });

  it('the IP length claim bounds the next layer: TCP inside a total length of 30 has 10 bytes', () => {
    const bytes = ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 6, payload: tcp({ srcPort: 1, dstPort: 2, seq: 0, flags: 'S' }), totalLength: 30 });
    expect(decodePacket(record(bytes, 228)).issue).toEqual({ kind: 'too-short', layer: 'tcp', need: 20, have: 10, offset: 20 });
  });
});
