import { describe, expect, it } from 'vitest';
import { decodePacket } from '../../src/decode/decode.js';
import type { DecodedPacket } from '../../src/decode/packet.js';
import {
  arcnetLinux, ciscoHdlc, concat, ethernet, fddi, hex, ieee80211, ipoib, ipv4, ipv6, juniperEther, nflog, ppp, pppoe, radiotap, tcp,
} from '../helpers/packets.js';
import { record } from './record.js';

const inner4 = ipv4({ src: '192.168.1.1', dst: '192.168.1.2', protocol: 6, payload: tcp({ srcPort: 1234, dstPort: 80, seq: 7, flags: 'S' }) });
const inner6 = ipv6({ src: '2001:db8::1', dst: '2001:db8::2', nextHeader: 6, payload: tcp({ srcPort: 1234, dstPort: 80, seq: 7, flags: 'S' }) });

function expectSyn(p: DecodedPacket, version: 4 | 6, ipOffset: number): void {
  expect(p.issue).toBeUndefined();
  expect(p.skipped).toBeUndefined();
  expect(p.ip).toMatchObject({ version, offset: ipOffset });
  expect(p.tcp).toMatchObject({ srcPort: 1234, dstPort: 80, seq: 7 });
}

describe('PPP link types', () => {
  it('9 with and without HDLC address/control, IPv4 and IPv6', () => {
    expectSyn(decodePacket(record(ppp(inner4, { hdlc: true }), 9)), 4, 4);
    expectSyn(decodePacket(record(ppp(inner6), 9)), 6, 2);
    expectSyn(decodePacket(record(ppp(inner4, { hdlc: true }), 50)), 4, 4);
  });
  it('a compressed (1-byte) protocol field', () => {
    expectSyn(decodePacket(record(concat(hex('21'), inner4), 9)), 4, 1);
  });
  it('MPLS over PPP (0x0281)', () => {
    const p = decodePacket(record(ppp(concat(hex('00010140'), inner4), { protocol: 0x0281 }), 9));
    expectSyn(p, 4, 6);
    expect(p.tunnels).toEqual(['mpls']);
  });
  it('51: PPPoE without Ethernet', () => {
    const p = decodePacket(record(pppoe(inner4), 51));
    expectSyn(p, 4, 8);
    expect(p.tunnels).toEqual(['pppoe']);
  });
  it('another PPP protocol (IPCP) is skipped by number', () => {
    expect(decodePacket(record(ppp(new Uint8Array(4), { protocol: 0x8021 }), 9)).skipped).toBe('ppp-0x8021');
  });
});

describe('other link types', () => {
  it('104 Cisco HDLC', () => expectSyn(decodePacket(record(ciscoHdlc(inner4), 104)), 4, 4));
  it('10 FDDI with LLC/SNAP; non-LLC frames are skipped by frame control', () => {
    expectSyn(decodePacket(record(fddi(inner4), 10)), 4, 21);
    expect(decodePacket(record(fddi(inner4, 0x41), 10)).skipped).toBe('fddi-0x41');
  });
  it('239 NFLOG, TLVs little- or big-endian, AF_INET and AF_INET6', () => {
    expectSyn(decodePacket(record(nflog(inner4), 239)), 4, 20);
    expectSyn(decodePacket(record(nflog(inner6, { bigEndian: true }), 239)), 6, 20);
  });
  it('239 NFLOG without a payload TLV is skipped, a TLV with length 2 is a bad field', () => {
    expect(decodePacket(record(nflog(inner4, { omitPayload: true }), 239)).skipped).toBe('nflog-no-payload');
    expect(decodePacket(record(hex('02 00 00 01  02 00 09 00  45 00'), 239)).issue).toEqual({ kind: 'bad-field', layer: 'link', field: 'nflog-tlv-length', value: 2, offset: 4 });
  });
  it('178 Juniper Ethernet with extensions', () => expectSyn(decodePacket(record(juniperEther(ethernet(inner4), 8), 178)), 4, 28));
  it('242 IP over InfiniBand', () => expectSyn(decodePacket(record(ipoib(inner4), 242)), 4, 44));
  it('129 ARCnet (Linux framing), RFC 1051 and RFC 1201 types', () => {
    expectSyn(decodePacket(record(arcnetLinux(inner4, 1051), 129)), 4, 5);
    expectSyn(decodePacket(record(arcnetLinux(inner4, 1201), 129)), 4, 8);
  });
});

describe('802.11 (105) and radiotap (127)', () => {
  it('data, QoS data, four-address QoS data with HT control', () => {
    expectSyn(decodePacket(record(ieee80211(inner4), 105)), 4, 24 + 8);
    expectSyn(decodePacket(record(ieee80211(inner4, { qos: true }), 105)), 4, 26 + 8);
    expectSyn(decodePacket(record(ieee80211(inner6, { qos: true, toDs: true, fromDs: true, order: true }), 105)), 6, 36 + 8);
  });
  it('the first A-MSDU subframe', () => expectSyn(decodePacket(record(ieee80211(inner4, { qos: true, amsdu: true }), 105)), 4, 26 + 14 + 8));
  it('protected, null-data, management and control frames are skipped by name', () => {
    expect(decodePacket(record(ieee80211(inner4, { protected: true }), 105)).skipped).toBe('wlan-protected');
    expect(decodePacket(record(ieee80211(new Uint8Array(0), { subtype: 4 }), 105)).skipped).toBe('wlan-no-data');
    expect(decodePacket(record(ieee80211(new Uint8Array(0), { type: 0, subtype: 8 }), 105)).skipped).toBe('wlan-management');
    expect(decodePacket(record(hex('d4 00 00 00 02 00 00 00 00 01'), 105)).skipped).toBe('wlan-control');
  });
  it('radiotap, with TSFT before Flags and a trailing FCS dropped', () => {
    const frame = radiotap(ieee80211(inner4, { qos: true }), { tsft: true, fcs: true });
    const p = decodePacket(record(frame, 127));
    expectSyn(p, 4, 17 + 26 + 8);
    expect(p.tcp?.payload.length).toBe(0);
    expectSyn(decodePacket(record(radiotap(ieee80211(inner4)), 127)), 4, 9 + 24 + 8);
  });
  it('radiotap with a length past the capture is too short', () => {
    expect(decodePacket(record(hex('00 00 40 00 02 00 00 00 00'), 127)).issue).toEqual({ kind: 'too-short', layer: 'link', need: 64, have: 9, offset: 0 });
  });
});
