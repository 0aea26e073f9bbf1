import { describe, expect, it } from 'vitest';
import { decodePacket } from '../../src/decode/decode.js';
import { FragmentReassembler } from '../../src/decode/fragments.js';
import type { DecodedPacket } from '../../src/decode/packet.js';
import {
  ayiya, concat, erspan, ethernet, fabricPath, geneve, gre, gtpu, hex, ipv4, ipv4Fragments, ipv6, l2tp, mpls, ppp, pppoe, tcp,
  teredo, udp, vxlan,
} from '../helpers/packets.js';
import { record } from './record.js';

// The inner conversation every tunnel carries: 192.168.1.1:1234 -> 192.168.1.2:80 SYN (IPv4) or its IPv6 twin.
const inner4 = ipv4({ src: '192.168.1.1', dst: '192.168.1.2', protocol: 6, payload: tcp({ srcPort: 1234, dstPort: 80, seq: 7, flags: 'S', src: '192.168.1.1', dst: '192.168.1.2' }) });
const inner6 = ipv6({ src: '2001:db8::1', dst: '2001:db8::2', nextHeader: 6, payload: tcp({ srcPort: 1234, dstPort: 80, seq: 7, flags: 'S', src: '2001:db8::1', dst: '2001:db8::2' }) });
const innerFrame = ethernet(inner4, { vlans: [42] });
const outer = (protocol: number, payload: Uint8Array): Uint8Array => ethernet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol, payload }));
const overUdp = (dstPort: number, payload: Uint8Array, srcPort = 40000): Uint8Array =>
  outer(17, udp({ srcPort, dstPort, payload, src: '10.0.0.1', dst: '10.0.0.2' }));
const decode = (frame: Uint8Array): DecodedPacket => decodePacket(record(frame), { verifyChecksums: true });

/** The inner IPv4 SYN came through, with exactly these tunnels crossed. */
function expectInner4(p: DecodedPacket, tunnels: string[] | undefined): void {
  expect(p.issue).toBeUndefined();
  expect(p.skipped).toBeUndefined();
  expect(p.tunnels).toEqual(tunnels);
  expect(p.ip).toMatchObject({ version: 4, src: '192.168.1.1', dst: '192.168.1.2', protocol: 6 });
  expect(p.tcp).toMatchObject({ srcPort: 1234, dstPort: 80, seq: 7 });
  expect(p.udp).toBeUndefined();
}
function expectInner6(p: DecodedPacket, tunnels: string[]): void {
  expect(p.issue).toBeUndefined();
  expect(p.tunnels).toEqual(tunnels);
  expect(p.ip).toMatchObject({ version: 6, src: '2001:db8::1', dst: '2001:db8::2', protocol: 6 });
  expect(p.tcp).toMatchObject({ srcPort: 1234, dstPort: 80 });
  expect(p.udp).toBeUndefined();
}

describe('GRE (RFC 2784, 2890, 1701; PPTP RFC 2637)', () => {
  it('plain GRE carrying IPv4', () => expectInner4(decode(outer(47, gre(inner4))), ['gre']));
  it('with checksum, key and sequence number present', () => expectInner4(decode(outer(47, gre(inner4, { checksum: true, key: 5, sequence: 9 }))), ['gre']));
  it('carrying IPv6', () => expectInner6(decode(outer(47, gre(inner6))), ['gre']));
  it('transparent Ethernet bridging (0x6558) keeps the inner VLAN', () => {
    const p = decode(outer(47, gre(innerFrame, { protocol: 0x6558 })));
    expectInner4(p, ['gre']);
    expect(p.vlans).toEqual([42]);
  });
  it('routing present: source route entries are skipped up to the NULL entry (RFC 1701 §2.1)', () => {
    // flags R, protocol IPv4, checksum+offset (4), one SRE of 4 bytes, the NULL SRE.
    const header = hex('4000 0800  0000 0000  0800 00 04 0a000001  0000 00 00');
    expectInner4(decode(outer(47, concat(header, inner4))), ['gre']);
  });
  it('PPTP enhanced GRE (version 1) with PPP in HDLC-like framing', () => {
    expectInner4(decode(outer(47, gre(ppp(inner4, { hdlc: true }), { version: 1, key: 3, sequence: 1, ack: 1 }))), ['gre']);
    expectInner6(decode(outer(47, gre(ppp(inner6), { version: 1, key: 3 }))), ['gre']);
  });
  it('WCCP redirect (0x883e) with and without the 4-byte redirect header', () => {
    expectInner4(decode(outer(47, gre(concat(hex('00 00 00 00'), inner4), { protocol: 0x883e }))), ['gre']);
    expectInner4(decode(outer(47, gre(inner4, { protocol: 0x883e }))), ['gre']);
  });
  it('version 2 is a bad field', () => {
    const p = decode(outer(47, hex('0002 0800')));
    expect(p.issue).toEqual({ kind: 'bad-field', layer: 'gre', field: 'version', value: 2, offset: 34 });
  });
  it('every prefix of a GRE header with key and sequence is too short at the GRE layer', () => {
    const frame = outer(47, gre(inner4, { key: 1, sequence: 2 }));
    for (let n = 34; n < 34 + 12; n++) {
      const have = n - 34;
      expect(decodePacket(record(frame.subarray(0, n), 1, { originalLength: frame.length })).issue)
        .toEqual({ kind: 'too-short', layer: 'gre', need: have < 4 ? 4 : 12, have, offset: 34 });
    }
  });
});

describe('ERSPAN in GRE', () => {
  it('type I: GRE 0x88be without sequence number, the mirrored frame right after', () => {
    expectInner4(decode(outer(47, gre(innerFrame, { protocol: 0x88be }))), ['gre', 'erspan']);
  });
  it('type II: 8-byte header (GRE 0x88be with sequence number)', () => {
    expectInner4(decode(outer(47, gre(erspan(innerFrame, { type: 2 }), { protocol: 0x88be, sequence: 1 }))), ['gre', 'erspan']);
  });
  it('type III: 12-byte header, plus the 8-byte platform subheader when O is set (GRE 0x22eb)', () => {
    expectInner4(decode(outer(47, gre(erspan(innerFrame, { type: 3 }), { protocol: 0x22eb, sequence: 1 }))), ['gre', 'erspan']);
    expectInner4(decode(outer(47, gre(erspan(innerFrame, { type: 3, subheader: true }), { protocol: 0x22eb, sequence: 1 }))), ['gre', 'erspan']);
  });
});

describe('UDP tunnels', () => {
  it('VXLAN (4789) with the inner VLAN', () => {
    const p = decode(overUdp(4789, vxlan(innerFrame, 77)));
    expectInner4(p, ['vxlan']);
    expect(p.vlans).toEqual([42]);
  });
  it('VXLAN without the I flag stays plain UDP', () => {
    const payload = vxlan(innerFrame);
    payload[0] = 0;
    const p = decode(overUdp(4789, payload));
    expect(p).toMatchObject({ tunnels: undefined, udp: { dstPort: 4789 }, ip: { src: '10.0.0.1' }, tcp: undefined });
  });
  it('Geneve (6081) with options, carrying Ethernet or IPv4 directly', () => {
    expectInner4(decode(overUdp(6081, geneve(innerFrame, { optionBytes: 8 }))), ['geneve']);
    expectInner4(decode(overUdp(6081, geneve(inner4, { protocol: 0x0800 }))), ['geneve']);
  });
  it('GTP-U (2152) G-PDU, with sequence number and extension headers', () => {
    expectInner4(decode(overUdp(2152, gtpu(inner4), 2152)), ['gtp-u']);
    expectInner6(decode(overUdp(2152, gtpu(inner6, { sequence: 5, extensions: [1, 2] }), 2152)), ['gtp-u']);
  });
  it('GTP-U echo request stays plain UDP', () => {
    const p = decode(overUdp(2152, gtpu(new Uint8Array(0), { messageType: 1, sequence: 1 }), 2152));
    expect(p).toMatchObject({ tunnels: undefined, udp: { srcPort: 2152, dstPort: 2152 } });
  });
  it('Teredo (3544): bare, with origin indication, with authentication', () => {
    expectInner6(decode(overUdp(3544, teredo(inner6))), ['teredo']);
    expectInner6(decode(overUdp(40000, teredo(inner6, { origin: true }), 3544)), ['teredo']);
    expectInner6(decode(overUdp(3544, teredo(inner6, { authentication: true, origin: true }))), ['teredo']);
  });
  it('Teredo bubble-sized garbage stays plain UDP', () => {
    expect(decode(overUdp(3544, new Uint8Array(12).fill(0x60)))).toMatchObject({ tunnels: undefined, udp: { dstPort: 3544 } });
  });
  it('AYIYA (5072) carrying IPv6', () => expectInner6(decode(overUdp(5072, ayiya(inner6))), ['ayiya']));
  it('GRE in UDP (4754, RFC 8086): IPv4, IPv6 and bridged Ethernet, with key and sequence', () => {
    expectInner4(decode(overUdp(4754, gre(inner4))), ['gre']);
    expectInner6(decode(overUdp(4754, gre(inner6, { key: 3, sequence: 4 }))), ['gre']);
    const p = decode(overUdp(4754, gre(innerFrame, { protocol: 0x6558 })));
    expectInner4(p, ['gre']);
    expect(p.vlans).toEqual([42]);
  });
  it('GRE in UDP with reserved bits or version set stays plain UDP (RFC 2784 §2.1)', () => {
    for (const flags of [0x0001, 0x4000, 0x0800, 0x0080]) {
      const payload = gre(inner4);
      payload[0] = flags >> 8;
      payload[1] = flags & 0xff;
      expect(decode(overUdp(4754, payload))).toMatchObject({ tunnels: undefined, udp: { dstPort: 4754 }, tcp: undefined });
    }
  });
  it('L2TPv2 (1701) data message carrying PPP: plain, with Ns/Nr, with an offset pad; from the server port too', () => {
    expectInner4(decode(overUdp(1701, l2tp(inner4), 1701)), ['l2tp']);
    expectInner6(decode(overUdp(1701, l2tp(inner6, { sequence: true }))), ['l2tp']);
    expectInner4(decode(overUdp(40000, l2tp(inner4, { sequence: true, offsetPad: 3 }), 1701)), ['l2tp']);
  });
  it('an L2TP control message (T bit) or another version stays plain UDP', () => {
    const control = l2tp(inner4);
    control[0] |= 0x80;
    expect(decode(overUdp(1701, control))).toMatchObject({ tunnels: undefined, udp: { dstPort: 1701 } });
    const v3 = l2tp(inner4);
    v3[1] = (v3[1] & 0xf0) | 3;
    expect(decode(overUdp(1701, v3))).toMatchObject({ tunnels: undefined, udp: { dstPort: 1701 } });
  });
});

describe('IP in IP', () => {
  it('IPv4 in IPv4 (ipip), IPv6 in IPv4 (6in4), IPv4 in IPv6 (4in6), IPv6 in IPv6 (6in6)', () => {
    expectInner4(decode(outer(4, inner4)), ['ipip']);
    expectInner6(decode(outer(41, inner6)), ['6in4']);
    expectInner4(decode(ethernet(ipv6({ src: 'fd00::1', dst: 'fd00::2', nextHeader: 4, payload: inner4 }))), ['4in6']);
    expectInner6(decode(ethernet(ipv6({ src: 'fd00::1', dst: 'fd00::2', nextHeader: 41, payload: inner6 }))), ['6in6']);
  });
  it('nesting deeper than 8 encapsulations stops with a depth issue', () => {
    let packet = inner4;
    for (let i = 0; i < 9; i++) packet = ipv4({ src: '10.9.9.9', dst: '10.9.9.8', protocol: 4, payload: packet });
    const p = decode(ethernet(packet));
    expect(p.tunnels).toHaveLength(8);
    expect(p.issue).toEqual({ kind: 'bad-field', layer: 'tunnel', field: 'depth', value: 9, offset: 14 + 20 * 9 });
  });
  it('a truncated inner packet keeps the outer layers and names the inner layer', () => {
    const frame = outer(4, inner4);
    const p = decodePacket(record(frame.subarray(0, 34 + 30), 1, { originalLength: frame.length }));
    expect(p).toMatchObject({ tunnels: ['ipip'], ip: { src: '192.168.1.1' }, issue: { kind: 'too-short', layer: 'tcp', need: 20, have: 10, offset: 54 } });
  });
  it('GRE in fragments: the reassembled datagram is decoded through the tunnel', () => {
    const pieces = ipv4Fragments({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 47, payload: gre(inner4), id: 11 }, 24);
    const r = new FragmentReassembler();
    const results = pieces.map((piece, i) => {
      const rec = record(ethernet(piece), 1, { number: i + 1 });
      return r.push(decodePacket(rec), rec.data);
    });
    expect(results.slice(0, -1).every((x) => x === null)).toBe(true);
    expectInner4(results[results.length - 1] as DecodedPacket, ['gre']);
  });
});

describe('MPLS (RFC 3032)', () => {
  it('a two-label stack before IPv4, and before IPv6', () => {
    expectInner4(decode(ethernet(mpls(inner4, [100, 200]), { etherType: 0x8847 })), ['mpls']);
    expectInner6(decode(ethernet(mpls(inner6, [16]), { etherType: 0x8848 })), ['mpls']);
  });
  it('an Ethernet pseudowire with control word (first nibble 0) and without', () => {
    expectInner4(decode(ethernet(mpls(innerFrame, [16], { controlWord: true }), { etherType: 0x8847 })), ['mpls']);
    const withoutControlWord = ethernet(inner4, { dst: 'a2:00:00:00:00:02' }); // first nibble 0xa
    expectInner4(decode(ethernet(mpls(withoutControlWord, [16]), { etherType: 0x8847 })), ['mpls']);
  });
  it('MPLS inside a VLAN', () => {
    const p = decode(ethernet(mpls(inner4, [5]), { etherType: 0x8847, vlans: [300] }));
    expectInner4(p, ['mpls']);
    expect(p.vlans).toEqual([300]);
  });
  it('more than 16 labels is a bad field; a stack without bottom runs out of bytes', () => {
    const labels = Array.from({ length: 17 }, (_, i) => i + 16);
    expect(decode(ethernet(mpls(inner4, labels), { etherType: 0x8847 })).issue).toEqual({ kind: 'bad-field', layer: 'mpls', field: 'labels', value: 17, offset: 14 + 64 });
    const noBottom = hex('00010040 00020040');
    expect(decode(ethernet(noBottom, { etherType: 0x8847 })).issue).toEqual({ kind: 'too-short', layer: 'mpls', need: 4, have: 0, offset: 22 });
  });
});

describe('PPPoE, FabricPath and other bridged encapsulations', () => {
  it('PPPoE session over QinQ carrying IPv4 and IPv6', () => {
    const p = decode(ethernet(pppoe(inner4, { sessionId: 9 }), { etherType: 0x8864, vlans: [10, 20], qinq: true }));
    expectInner4(p, ['pppoe']);
    expect(p.vlans).toEqual([10, 20]);
    expectInner6(decode(ethernet(pppoe(inner6), { etherType: 0x8864 })), ['pppoe']);
  });
  it('PPPoE bounds the PPP frame by its length field (Ethernet padding dropped)', () => {
    const session = pppoe(inner4);
    const p = decode(ethernet(concat(session, new Uint8Array(10)), { etherType: 0x8864 }));
    expect(p.tcp?.payloadLength).toBe(0);
  });
  it('PPPoE with a bad version/type and PPP carrying LCP', () => {
    const bad = pppoe(inner4);
    bad[0] = 0x21;
    expect(decode(ethernet(bad, { etherType: 0x8864 })).issue).toEqual({ kind: 'bad-field', layer: 'ppp', field: 'pppoe-version-type', value: 0x21, offset: 14 });
    expect(decode(ethernet(pppoe(new Uint8Array(8), { protocol: 0xc021 }), { etherType: 0x8864 })).skipped).toBe('ppp-0xc021');
  });
  it('Cisco FabricPath (0x8903)', () => {
    const p = decode(fabricPath(innerFrame));
    expectInner4(p, ['fabricpath']);
    expect(p.vlans).toEqual([42]);
  });
  it('Cisco VN-Tag (0x8926) alone, inside a VLAN tag, and carrying one; a cut tag names the vlan layer', () => {
    const vntag = (etherType: number, payload: Uint8Array) => concat(hex('80 05 00 01'), Uint8Array.of(etherType >> 8, etherType & 0xff), payload);
    expectInner4(decode(ethernet(vntag(0x0800, inner4), { etherType: 0x8926 })), undefined);
    const inVlan = decode(ethernet(vntag(0x0800, inner4), { etherType: 0x8926, vlans: [7] }));
    expectInner4(inVlan, undefined);
    expect(inVlan.vlans).toEqual([7]);
    const carrying = decode(ethernet(vntag(0x8100, concat(hex('00 09 08 00'), inner4)), { etherType: 0x8926 }));
    expectInner4(carrying, undefined);
    expect(carrying.vlans).toEqual([9]);
    expect(decode(ethernet(hex('80 05 00 01 08'), { etherType: 0x8926 })).issue).toEqual({ kind: 'too-short', layer: 'vlan', need: 6, have: 5, offset: 14 });
  });
  it('802.1ah PBB I-TAG (0x88e7) and 802.1BR E-TAG (0x893f)', () => {
    const pbb = concat(hex('00 00 00 01'), innerFrame);
    expectInner4(decode(ethernet(pbb, { etherType: 0x88e7 })), ['pbb']);
    const etag = concat(hex('00 00 00 d3 00 00  08 00'), inner4);
    expectInner4(decode(ethernet(etag, { etherType: 0x893f })), undefined); // a tag, not a tunnel
  });
});
