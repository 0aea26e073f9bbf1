/** Long and short header parsing (RFC 9000 §17, RFC 9369 §3.2, RFC 8999). */
import { describe, expect, it } from 'vitest';
import { longPacketType, parseLongHeader, parseShortHeader, versionName } from '../../../src/track/quic/header.js';
import { concat, hex, longPacket, retryPacket, shortPacket, V1, V2, versionNegotiation } from '../../helpers/quic.js';
import * as vec from './rfc-vectors.js';

const hexOf = (b: Uint8Array | undefined): string => Buffer.from(b ?? []).toString('hex');

describe('long header', () => {
  // RFC 9001 §A.2: c0 00000001 08 8394c8f03e515708 00 00 449e 7b9aec34 ...
  const packet = hex(vec.V1_CLIENT.packet);

  it('reads the RFC 9001 §A.2 client Initial: CIDs, empty token, Length 0x49e, packet number at 18', () => {
    const h = parseLongHeader(packet).header!;
    expect(h.type).toBe('initial');
    expect(h.version).toBe(V1);
    expect(hexOf(h.dcid)).toBe(vec.DCID);
    expect(h.scid.length).toBe(0);
    expect(h.token?.length).toBe(0);
    expect(h.length).toBe(0x49e);
    expect(h.pnOffset).toBe(18);
    expect(h.end).toBe(1200);
    expect(h.truncated).toBeUndefined();
  });

  it('every prefix of the header (first 18 bytes) is an issue; past the Length field it is a truncated packet', () => {
    for (let n = 0; n < 18; n++) {
      const r = parseLongHeader(packet.subarray(0, n));
      expect(r.issue?.kind, `prefix ${n}`).toBe('too-short');
    }
    for (const n of [18, 19, 600, 1199]) {
      const h = parseLongHeader(packet.subarray(0, n)).header!;
      expect(h.truncated, `prefix ${n}`).toBe(true);
      expect(h.end).toBe(n);
    }
  });

  it('maps the type bits per version: v1 0b00 is Initial, v2 0b01 is Initial and 0b00 Retry (RFC 9369 §3.2)', () => {
    expect(longPacketType(0xc0, V1)).toBe('initial');
    expect(longPacketType(0xd0, V1)).toBe('0rtt');
    expect(longPacketType(0xe0, V1)).toBe('handshake');
    expect(longPacketType(0xf0, V1)).toBe('retry');
    expect(longPacketType(0xc0, V2)).toBe('retry');
    expect(longPacketType(0xd0, V2)).toBe('initial');
    expect(longPacketType(0xe0, V2)).toBe('0rtt');
    expect(longPacketType(0xf0, V2)).toBe('handshake');
    expect(parseLongHeader(hex(vec.V2_CLIENT.packet)).header?.type).toBe('initial');
  });

  it('finds the next coalesced packet from the Length field (RFC 9000 §12.2)', () => {
    const hs = longPacket({ type: 'handshake', dcid: hex('aa'), scid: hex('bbbb'), payloadLength: 20 });
    const datagram = concat(hs, shortPacket(hex('aa')));
    const h = parseLongHeader(datagram).header!;
    expect(h.type).toBe('handshake');
    expect(h.end).toBe(hs.length);
    expect(datagram[h.end] & 0x80).toBe(0);
  });

  it('reads a Version Negotiation packet (version 0) and its offered versions', () => {
    const h = parseLongHeader(versionNegotiation({ dcid: hex('c1c1'), scid: hex('d2d2d2'), versions: [V2, V1] })).header!;
    expect(h.type).toBe('version-negotiation');
    expect(hexOf(h.dcid)).toBe('c1c1');
    expect(hexOf(h.scid)).toBe('d2d2d2');
    expect(h.supportedVersions).toEqual([V2, V1]);
  });

  it('reads a Retry: token then the 16-byte integrity tag (RFC 9000 §17.2.5)', () => {
    const h = parseLongHeader(hex(vec.V1_RETRY)).header!;
    expect(h.type).toBe('retry');
    expect(hexOf(h.scid)).toBe('f067a5502a4262b5');
    expect(Buffer.from(h.token!).toString()).toBe('token');
    expect(hexOf(h.retryTag)).toBe('04a265ba2eff4d829058fb3f0f2496ba');
    const v2 = parseLongHeader(retryPacket({ version: V2, dcid: hex('01'), scid: hex('02'), originalDcid: hex('03'), token: hex('04') })).header!;
    expect(v2.type).toBe('retry');
  });

  it('a v1 CID longer than 20 bytes is a bad field (RFC 9000 §17.2); unknown versions allow 255 (RFC 8999 §5.1)', () => {
    const long21 = concat(hex('c0 00000001 15'), new Uint8Array(21), hex('00 00 01 00'));
    expect(parseLongHeader(long21).issue).toEqual({ kind: 'bad-field', field: 'dcid length', value: 21, offset: 5 });
    const unknown = concat(hex('c0 12345678 15'), new Uint8Array(21), hex('00'));
    expect(parseLongHeader(unknown).header?.type).toBe('unknown');
  });

  it('names versions the way reports print them', () => {
    expect([versionName(V1), versionName(V2), versionName(0xff00001d), versionName(0x51303530)]).toEqual(['1', '2', 'draft-29', '0x51303530']);
  });
});

describe('short header (RFC 9000 §17.3.1): the DCID length comes from the caller', () => {
  const b = shortPacket(hex('0102030405060708'), 20);

  it('takes exactly the given DCID length', () => {
    const h = parseShortHeader(b, 8).header!;
    expect(hexOf(h.dcid)).toBe('0102030405060708');
    expect(h.pnOffset).toBe(9);
    expect(parseShortHeader(b, 0).header?.dcid.length).toBe(0);
  });

  it('needs a packet-number byte after the DCID, and refuses lengths above 20', () => {
    expect(parseShortHeader(b.subarray(0, 9), 8).issue?.kind).toBe('too-short');
    expect(parseShortHeader(b, 21).issue?.kind).toBe('bad-field');
  });
});
