/** Side effects of opening packets (src/track/quic/protection.ts): none on the capture, none on global state. */
import { describe, expect, it } from 'vitest';
import { deriveInitialKeys } from '../../../src/track/quic/initial-keys.js';
import { headerProtectionMask, openPacket, packetNonce } from '../../../src/track/quic/protection.js';
import { parseLongHeader } from '../../../src/track/quic/header.js';
import { V1, V2 } from '../../helpers/quic.js';
import * as vec from './rfc-vectors.js';

const bytes = (h: string): Buffer => Buffer.from(h, 'hex');

function openRfcClientInitial(b: Uint8Array) {
  const h = parseLongHeader(b).header!;
  return openPacket(b, { offset: 0, pnOffset: h.pnOffset!, end: h.end }, deriveInitialKeys(bytes(vec.DCID), V1)!.client, -1);
}

describe('openPacket', () => {
  it('leaves the capture bytes as they were (the header is unmasked in a copy)', () => {
    const b = bytes(vec.V1_CLIENT.packet);
    const before = Buffer.from(b);
    expect(openRfcClientInitial(b).packet?.authenticated).toBe(true);
    expect(b.equals(before)).toBe(true);
  });

  it('refuses a packet whose tag is wrong in any byte, and opens it again once restored', () => {
    const b = bytes(vec.V1_CLIENT.packet);
    for (let i = b.length - 16; i < b.length; i++) {
      b[i] ^= 0x01;
      expect(openRfcClientInitial(b).failure, `tag byte ${i}`).toBe('authentication-failed');
      b[i] ^= 0x01;
    }
    expect(openRfcClientInitial(b).packet?.authenticated).toBe(true);
  });

  it('leaves Error.stackTraceLimit as it was after a failed open', () => {
    const saved = Error.stackTraceLimit;
    try {
      Error.stackTraceLimit = 7;
      const tampered = bytes(vec.V1_CLIENT.packet);
      tampered[tampered.length - 1] ^= 1;
      expect(openRfcClientInitial(tampered).failure).toBe('authentication-failed');
      expect(Error.stackTraceLimit).toBe(7);
    } finally {
      Error.stackTraceLimit = saved;
    }
  });

  it('gives the same result twice in a row (no state carried between packets)', () => {
    const tampered = bytes(vec.V1_CLIENT.packet);
    tampered[30] ^= 1;
    expect(openRfcClientInitial(tampered).failure).toBe('authentication-failed');
    const a = openRfcClientInitial(bytes(vec.V1_CLIENT.packet));
    const b = openRfcClientInitial(bytes(vec.V1_CLIENT.packet));
    expect(Buffer.from(a.packet!.payload).equals(Buffer.from(b.packet!.payload))).toBe(true);
  });
});

describe('headerProtectionMask (RFC 9001 §5.4.3)', () => {
  it('gives each key its own mask when keys alternate or a key buffer is rewritten (the cached cipher follows the key bytes)', () => {
    const v1 = deriveInitialKeys(bytes(vec.DCID), V1)!.client.hp;
    const v2 = deriveInitialKeys(bytes(vec.DCID), V2)!.client.hp;
    const v1Sample = bytes(vec.V1_CLIENT.sample);
    const v2Sample = bytes(vec.V2_CLIENT.sample);
    for (let i = 0; i < 2; i++) {
      expect(headerProtectionMask(v1, v1Sample).toString('hex')).toBe(vec.V1_CLIENT.mask);
      expect(headerProtectionMask(v1, v1Sample).toString('hex')).toBe(vec.V1_CLIENT.mask);
      expect(headerProtectionMask(v2, v2Sample).toString('hex')).toBe(vec.V2_CLIENT.mask);
    }
    const key = Buffer.from(v1);
    expect(headerProtectionMask(key, v1Sample).toString('hex')).toBe(vec.V1_CLIENT.mask);
    key.set(v2);
    expect(headerProtectionMask(key, v2Sample).toString('hex')).toBe(vec.V2_CLIENT.mask);
  });
});

describe('packetNonce (RFC 9001 §5.3)', () => {
  it('XORs the packet number into the IV, into a new buffer or the one given, leaving the IV alone', () => {
    const iv = bytes(vec.V1_KEYS.client.iv);
    const expected = Buffer.from(iv);
    expected[11] ^= 2;
    expect(packetNonce(iv, 2).toString('hex')).toBe(expected.toString('hex'));
    const out = Buffer.alloc(12, 0xff);
    expect(packetNonce(iv, 2, out)).toBe(out);
    expect(out.toString('hex')).toBe(expected.toString('hex'));
    expect(iv.toString('hex')).toBe(vec.V1_KEYS.client.iv);
  });
});
