import { describe, expect, it } from 'vitest';
import { decodeNetbiosName } from '../../../src/track/dns/netbios.js';
import { DnsTracker } from '../../../src/track/dns/tracker.js';
import { query, response, udpPacket } from './dns-helpers.js';

describe('NetBIOS first-level encoding (RFC 1001 §14.1)', () => {
  it('decodes the RFC example and names seen on the wire, dropping padding and the suffix byte', () => {
    // RFC 1001 §14.1: "FRED" padded with spaces.
    expect(decodeNetbiosName('EGFCEFEECACACACACACACACACACACACA')).toBe('FRED');
    expect(decodeNetbiosName('EGFCEFEECACACACACACACACACACACACA.NETBIOS.COM')).toBe('FRED.NETBIOS.COM');
    // A workstation name with suffix 0x00, and a workgroup with suffix 0x1d (master browser).
    expect(decodeNetbiosName('ECFCFHEDDAEDECDDDIDDEEDBEGDEDCAA')).toBe('BRWC0CB383D1F42');
    expect(decodeNetbiosName('fhepfcelehfcepfffacacacacacacabn')).toBe('WORKGROUP');
  });

  it('leaves anything else alone', () => {
    expect(decodeNetbiosName('example.com')).toBeNull();
    expect(decodeNetbiosName('EGFCEFEECACACACACACACACACACACAC')).toBeNull(); // 31 letters
    expect(decodeNetbiosName('EGFCEFEECACACACACACACACACACACACZ')).toBeNull(); // Z is past P
  });

  it('names an NBNS query on port 137 by its NetBIOS name; other ports keep the name as written', () => {
    const dns = new DnsTracker({ ports: [137, 5353] });
    const encoded = 'FHEPFCELEHFCEPFFFACACACACACACABN';
    dns.observeUdp(udpPacket(1, 0, ['10.0.0.7', 137], ['10.0.0.255', 137], query(9321, encoded)));
    dns.observeUdp(udpPacket(2, 0.01, ['10.0.0.9', 137], ['10.0.0.7', 137], response(9321, encoded)));
    dns.observeUdp(udpPacket(3, 0.02, ['10.0.0.7', 5353], ['224.0.0.251', 5353], query(0, encoded)));
    const r = dns.finish();
    expect(r.transactions.map((t) => [t.qname, t.responsePackets])).toEqual([['WORKGROUP', [2]], [encoded, []]]);
  });
});
