/**
 * The fast Initial key schedule (one HMAC per HKDF-Expand-Label, one side at a time) against the
 * general HKDF definitions (RFC 5869 §2.2-2.3, RFC 8446 §7.1, in hkdf-reference.ts) and the
 * RFC 9001 Appendix A vectors.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  deriveInitialKeys, expandLabelInfo, initialPacketKeys, initialSalt, initialSecrets, packetKeys,
} from '../../../src/track/quic/initial-keys.js';
import { hkdfExpand, hkdfExpandLabel, hkdfExtract } from './hkdf-reference.js';
import { DRAFT_29, V1, V2 } from '../../helpers/quic.js';
import * as vec from './rfc-vectors.js';

const bytes = (h: string): Buffer => Buffer.from(h, 'hex');
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const EMPTY = new Uint8Array(0);

/** Every label and length the Initial keys use (RFC 9001 §5.1-5.2, RFC 9369 §3.3.2). */
const LABELS: [string, number][] = [
  ['client in', 32], ['server in', 32],
  ['quic key', 16], ['quic iv', 12], ['quic hp', 16],
  ['quicv2 key', 16], ['quicv2 iv', 12], ['quicv2 hp', 16],
];

describe('expandLabelInfo: HKDF-Expand-Label as one HMAC (RFC 5869 §2.3: T(1) = HMAC(PRK, info | 0x01))', () => {
  it('builds HkdfLabel (RFC 8446 §7.1) with an empty context, followed by the counter byte', () => {
    // uint16 16, label length 14, "tls13 quic key", context length 0, counter 1.
    expect(hexOf(expandLabelInfo('quic key', 16))).toBe(`0010${'0e'}${Buffer.from('tls13 quic key').toString('hex')}0001`);
  });

  it('equals the general HKDF-Expand-Label for every label used, from the RFC 9001 §A.1 secrets', () => {
    for (const secret of [vec.V1_KEYS.initialSecret, vec.V1_KEYS.client.secret, vec.V1_KEYS.server.secret].map(bytes)) {
      for (const [label, length] of LABELS) {
        const general = hexOf(hkdfExpandLabel(secret, label, EMPTY, length));
        const info = expandLabelInfo(label, length);
        expect(hexOf(createHmac('sha256', secret).update(info).digest().subarray(0, length)), label).toBe(general);
      }
    }
  });

  it('the general HKDF-Expand of up to 32 bytes is that one HMAC', () => {
    const prk = bytes(vec.V1_KEYS.initialSecret);
    const info = Buffer.from('any info');
    expect(hexOf(hkdfExpand(prk, info, 32))).toBe(createHmac('sha256', prk).update(info).update(Uint8Array.of(1)).digest('hex'));
  });

  it('refuses lengths that need a second HMAC block', () => {
    expect(() => expandLabelInfo('x', 33)).toThrow(RangeError);
  });
});

describe('initialPacketKeys: one side at a time', () => {
  it('gives the RFC 9001 §A.1 client and server keys', () => {
    for (const side of ['client', 'server'] as const) {
      const k = initialPacketKeys(bytes(vec.DCID), V1, side)!;
      expect([hexOf(k.key), hexOf(k.iv), hexOf(k.hp)]).toEqual([vec.V1_KEYS[side].key, vec.V1_KEYS[side].iv, vec.V1_KEYS[side].hp]);
    }
  });

  it('equals the general HKDF derivation for random DCIDs of 0-20 bytes in v1, v2 and draft-29', () => {
    let x = 12345;
    const rand = (): number => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x >>> 24;
    };
    for (let i = 0; i < 60; i++) {
      const dcid = Uint8Array.from({ length: i % 21 }, rand);
      for (const version of [V1, V2, DRAFT_29]) {
        const initial = hkdfExtract(initialSalt(version)!, dcid);
        const prefix = version === V2 ? 'quicv2' : 'quic';
        const both = deriveInitialKeys(dcid, version)!;
        const secrets = initialSecrets(dcid, version)!;
        expect(hexOf(secrets.initial)).toBe(hexOf(initial));
        for (const side of ['client', 'server'] as const) {
          const secret = hkdfExpandLabel(initial, `${side} in`, EMPTY, 32);
          const expected = [16, 12, 16].map((n, j) => hexOf(hkdfExpandLabel(secret, `${prefix} ${['key', 'iv', 'hp'][j]}`, EMPTY, n)));
          const one = initialPacketKeys(dcid, version, side)!;
          expect(hexOf(secrets[side])).toBe(hexOf(secret));
          expect([hexOf(one.key), hexOf(one.iv), hexOf(one.hp)]).toEqual(expected);
          expect([hexOf(both[side].key), hexOf(both[side].iv), hexOf(both[side].hp)]).toEqual(expected);
          const fromSecret = packetKeys(secret, version);
          expect([hexOf(fromSecret.key), hexOf(fromSecret.iv), hexOf(fromSecret.hp)]).toEqual(expected);
        }
      }
    }
  });

  it('keys returned earlier are not overwritten by later derivations (the scratch is internal)', () => {
    const first = initialPacketKeys(bytes(vec.DCID), V1, 'client')!;
    initialPacketKeys(bytes('0102030405060708'), V2, 'server');
    deriveInitialKeys(bytes('aa'), V1);
    expect([hexOf(first.key), hexOf(first.iv), hexOf(first.hp)]).toEqual([vec.V1_KEYS.client.key, vec.V1_KEYS.client.iv, vec.V1_KEYS.client.hp]);
  });

  it('is null for a version without a known salt', () => {
    expect(initialPacketKeys(bytes(vec.DCID), 0x1a2a3a4a, 'client')).toBeNull();
    expect(deriveInitialKeys(bytes(vec.DCID), 0x1a2a3a4a)).toBeNull();
  });
});
