import { describe, expect, it } from 'vitest';
import { decodePacket } from '../../src/decode/decode.js';
import { AF, concat, ethernet, hex, ipv4, ipv6, nullLoopback, sll, sll2, tcp, udp } from '../helpers/packets.js';
import { record } from './record.js';

const v4 = ipv4({ src: '192.0.2.1', dst: '192.0.2.2', protocol: 6, payload: tcp({ srcPort: 1111, dstPort: 22, seq: 1, flags: 'S' }) });
const v6 = ipv6({ src: '2001:db8::1', dst: '2001:db8::2', nextHeader: 6, payload: tcp({ srcPort: 2222, dstPort: 22, seq: 1, flags: 'S' }) });

describe('link types', () => {
  it('Ethernet (1)', () => {
    expect(decodePacket(record(ethernet(v4), 1)).tcp?.srcPort).toBe(1111);
    expect(decodePacket(record(ethernet(v6), 1)).tcp?.srcPort).toBe(2222);
  });

  it('Linux cooked v1 (113) and v2 (276)', () => {
    expect(decodePacket(record(sll(v4), 113)).ip?.offset).toBe(16);
    expect(decodePacket(record(sll(v6), 113)).tcp?.srcPort).toBe(2222);
    expect(decodePacket(record(sll2(v4), 276)).ip?.offset).toBe(20);
    expect(decodePacket(record(sll2(v6), 276)).tcp?.srcPort).toBe(2222);
  });

  describe('BSD null (0) and loop (108), either byte order, every AF_INET6', () => {
    for (const linkType of [0, 108]) {
      for (const bigEndian of [false, true]) {
        it(`linktype ${linkType}, ${bigEndian ? 'big' : 'little'}-endian AF_INET`, () => {
          const p = decodePacket(record(nullLoopback(v4, AF.INET, bigEndian), linkType));
          expect(p.ip).toMatchObject({ version: 4, offset: 4 });
          expect(p.tcp?.srcPort).toBe(1111);
        });
        for (const family of [AF.INET6_BSD, AF.INET6_FREEBSD, AF.INET6_DARWIN]) {
          it(`linktype ${linkType}, ${bigEndian ? 'big' : 'little'}-endian AF_INET6 = ${family}`, () => {
            const p = decodePacket(record(nullLoopback(v6, family, bigEndian), linkType));
            expect(p.ip).toMatchObject({ version: 6, offset: 4 });
            expect(p.tcp?.srcPort).toBe(2222);
          });
        }
      }
    }
    it('another family is skipped by name', () => {
      const p = decodePacket(record(nullLoopback(v4, 7), 0));
      expect(p).toMatchObject({ skipped: 'af-7', ip: undefined });
    });
  });

  describe('raw IP', () => {
    for (const linkType of [12, 14, 101]) {
      it(`linktype ${linkType} sniffs the version nibble`, () => {
        expect(decodePacket(record(v4, linkType)).ip?.version).toBe(4);
        expect(decodePacket(record(v6, linkType)).ip?.version).toBe(6);
      });
      it(`linktype ${linkType} with version 5 is a bad field`, () => {
        expect(decodePacket(record(hex('50 00 00 14'), linkType)).issue).toEqual({ kind: 'bad-field', layer: 'link', field: 'ip-version', value: 5, offset: 0 });
      });
    }
    it('228 is IPv4 only and 229 IPv6 only', () => {
      expect(decodePacket(record(v4, 228)).tcp?.srcPort).toBe(1111);
      expect(decodePacket(record(v6, 229)).tcp?.srcPort).toBe(2222);
      expect(decodePacket(record(v6, 228)).issue).toEqual({ kind: 'bad-field', layer: 'ipv4', field: 'version', value: 6, offset: 0 });
      expect(decodePacket(record(v4, 229)).issue).toEqual({ kind: 'bad-field', layer: 'ipv6', field: 'version', value: 4, offset: 0 });
    });
  });

  it('an unknown link type is skipped with its number, never fatal', () => {
    const p = decodePacket(record(v4, 147, { number: 12, time: 5.25 }));
    expect(p).toEqual({
      number: 12, time: 5.25, linkType: 147, skipped: 'linktype-147',
      vlans: undefined, tunnels: undefined, ip: undefined, tcp: undefined, udp: undefined, icmp: undefined, issue: undefined,
    });
  });
});

describe('EtherTypes', () => {
  it('ARP is skipped as arp', () => {
    expect(decodePacket(record(ethernet(new Uint8Array(28), { etherType: 0x0806 }))).skipped).toBe('arp');
  });
  it('an unknown EtherType is skipped as ethertype-0x.... (4 hex digits)', () => {
    expect(decodePacket(record(ethernet(new Uint8Array(10), { etherType: 0x88cc }))).skipped).toBe('ethertype-0x88cc');
    expect(decodePacket(record(ethernet(new Uint8Array(10), { etherType: 0x0900 }))).skipped).toBe('ethertype-0x0900');
  });
  it('an EtherType behind VLAN tags keeps the VLAN IDs', () => {
    const p = decodePacket(record(ethernet(new Uint8Array(28), { etherType: 0x0806, vlans: [5, 6], qinq: true })));
    expect(p).toMatchObject({ skipped: 'arp', vlans: [5, 6] });
  });
  it('802.3 length field with LLC/SNAP carries an EtherType (RFC 1042)', () => {
    const snap = concat(hex('aa aa 03 00 00 00 08 00'), v4);
    const frame = ethernet(snap, { etherType: snap.length });
    const p = decodePacket(record(frame));
    expect(p.ip).toMatchObject({ version: 4, offset: 22 });
    expect(p.tcp?.srcPort).toBe(1111);
  });
  it('802.3 with another LLC SAP (spanning tree) is skipped as llc', () => {
    const stp = concat(hex('42 42 03'), new Uint8Array(35));
    expect(decodePacket(record(ethernet(stp, { etherType: stp.length }))).skipped).toBe('llc');
  });
  it('more than 8 stacked VLAN tags is a bad field, with the first 8 kept', () => {
    const p = decodePacket(record(ethernet(v4, { vlans: [1, 2, 3, 4, 5, 6, 7, 8, 9] })));
    expect(p.vlans).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(p.issue).toEqual({ kind: 'bad-field', layer: 'vlan', field: 'tag-count', value: 9, offset: 14 + 8 * 4 });
  });
  it('VLAN ID is the low 12 bits of the TCI (PCP and DEI ignored)', () => {
    const frame = ethernet(v4, { vlans: [0x123] });
    frame[14] |= 0xe0 | 0x10; // PCP 7, DEI 1
    expect(decodePacket(record(frame)).vlans).toEqual([0x123]);
  });
  it('SLL carrying an unknown protocol is skipped by EtherType', () => {
    expect(decodePacket(record(sll(udp({ srcPort: 1, dstPort: 2, payload: '' }), 0x0004), 113)).skipped).toBe('ethertype-0x0004');
  });
});
