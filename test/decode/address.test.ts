import { describe, expect, it } from 'vitest';
import { ipv4Text, ipv6Text } from '../../src/decode/address.js';
import { ipv6Bytes, ipv4Bytes } from '../helpers/packets.js';

const v6 = (text: string): string => ipv6Text(ipv6Bytes(text), 0);

describe('ipv4Text', () => {
  it('prints dotted decimal without leading zeros', () => {
    expect(ipv4Text(ipv4Bytes('10.0.0.1'), 0)).toBe('10.0.0.1');
    expect(ipv4Text(ipv4Bytes('255.255.255.255'), 0)).toBe('255.255.255.255');
    expect(ipv4Text(ipv4Bytes('0.0.0.0'), 0)).toBe('0.0.0.0');
  });
  it('reads at an offset inside a larger buffer', () => {
    expect(ipv4Text(Uint8Array.from([9, 9, 192, 168, 1, 20, 9]), 2)).toBe('192.168.1.20');
  });
});

describe('address text caches', () => {
  it('repeat lookups and more distinct addresses than the cache holds still give each address its own text', () => {
    const a = ipv6Bytes('2001:db8::1');
    const b = ipv6Bytes('2001:db8::2');
    for (let i = 0; i < 3; i++) {
      expect(ipv6Text(a, 0)).toBe('2001:db8::1');
      expect(ipv6Text(b, 0)).toBe('2001:db8::2');
      expect(ipv4Text(ipv4Bytes('10.0.0.1'), 0)).toBe('10.0.0.1');
    }
    const v6 = ipv6Bytes('2001::');
    const v4 = new Uint8Array(4);
    for (let i = 0; i < 70_000; i++) { // past the 65,536-entry bound: the caches are emptied and refilled
      v6[14] = i >> 8; v6[15] = i & 0xff; v6[13] = i >> 16;
      v4[2] = i >> 8; v4[3] = i & 0xff; v4[1] = i >> 16;
      ipv6Text(v6, 0);
      ipv4Text(v4, 0);
    }
    v6[13] = 1; v6[14] = 0x11; v6[15] = 0x70; // i = 70,000
    expect(ipv6Text(v6, 0)).toBe('2001::1:1170');
    expect(ipv6Text(a, 0)).toBe('2001:db8::1');
    expect(ipv4Text(Uint8Array.from([0, 1, 17, 112]), 0)).toBe('0.1.17.112');
  });
});

// Expected strings are what tshark 4.0 and Zeek (glibc inet_ntop) print for the same bytes.
describe('ipv6Text (RFC 5952, inet_ntop mixed notation)', () => {
  it.each([
    ['0:0:0:0:0:0:0:1', '::1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['fe80:0:0:0:0:0:1:2', 'fe80::1:2'],
    ['ABCD:00EF:0:0:0:0:0:0001', 'abcd:ef::1'], // lowercase, leading zeros dropped
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // one zero group is never "::"
    ['1:0:0:1:0:0:0:1', '1:0:0:1::1'], // longest run wins
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // tie: first run
    ['0:0:1:0:0:0:0:0', '0:0:1::'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['0:2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
    ['0:0:2:3:4:5:6:7', '::2:3:4:5:6:7'],
    ['::ffff:c000:0201', '::ffff:192.0.2.1'], // IPv4-mapped
    ['::ffff:0:0', '::ffff:0.0.0.0'],
    ['::0102:0304', '::1.2.3.4'], // IPv4-compatible
    ['::1:0', '::0.1.0.0'], // six zero groups: inet_ntop prints it dotted
    ['::0:100', '::100'], // seven zero groups: not dotted
    ['::ffff:0:0102:0304', '::ffff:0:102:304'], // IPv4-translated: not dotted
    ['64:ff9b::0102:0304', '64:ff9b::102:304'],
  ])('%s -> %s', (input, expected) => {
    expect(v6(input)).toBe(expected);
  });
});
