/**
 * Initial keys and packet protection against the published vectors: RFC 9001 Appendix A (v1),
 * RFC 9369 Appendix A (v2) and draft-ietf-quic-tls-29 Appendix A.
 */
import { describe, expect, it } from 'vitest';
import { deriveInitialKeys, initialSecrets } from '../../../src/track/quic/initial-keys.js';
import { hkdfExpandLabel } from './hkdf-reference.js';
import { decodePacketNumber, headerProtectionMask, openPacket } from '../../../src/track/quic/protection.js';
import { parseLongHeader } from '../../../src/track/quic/header.js';
import { retryPacket, V1, V2 } from '../../helpers/quic.js';
import * as vec from './rfc-vectors.js';

const bytes = (h: string): Buffer => Buffer.from(h, 'hex');
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const DRAFT_29 = 0xff00001d;

function open(packetHex: string, version: number, side: 'client' | 'server') {
  const b = bytes(packetHex);
  const h = parseLongHeader(b).header!;
  const keys = deriveInitialKeys(bytes(vec.DCID), version)!;
  return openPacket(b, { offset: 0, pnOffset: h.pnOffset!, end: h.end, truncated: h.truncated }, keys[side], -1);
}

describe('RFC 9001 §A.1: keys from DCID 8394c8f03e515708', () => {
  const secrets = initialSecrets(bytes(vec.DCID), V1)!;
  const keys = deriveInitialKeys(bytes(vec.DCID), V1)!;

  it('initial_secret = HKDF-Extract(initial_salt, dcid)', () => {
    expect(hexOf(secrets.initial)).toBe(vec.V1_KEYS.initialSecret);
  });

  it('client in / server in secrets', () => {
    expect(hexOf(secrets.client)).toBe(vec.V1_KEYS.client.secret);
    expect(hexOf(secrets.server)).toBe(vec.V1_KEYS.server.secret);
  });

  it('client key, iv, hp', () => {
    expect([hexOf(keys.client.key), hexOf(keys.client.iv), hexOf(keys.client.hp)])
      .toEqual([vec.V1_KEYS.client.key, vec.V1_KEYS.client.iv, vec.V1_KEYS.client.hp]);
  });

  it('server key, iv, hp', () => {
    expect([hexOf(keys.server.key), hexOf(keys.server.iv), hexOf(keys.server.hp)])
      .toEqual([vec.V1_KEYS.server.key, vec.V1_KEYS.server.iv, vec.V1_KEYS.server.hp]);
  });

  it('HKDF-Expand-Label builds the TLS 1.3 HkdfLabel (key of 16 from the client secret)', () => {
    expect(hexOf(hkdfExpandLabel(bytes(vec.V1_KEYS.client.secret), 'quic key', new Uint8Array(0), 16))).toBe(vec.V1_KEYS.client.key);
  });
});

describe('header protection mask (RFC 9001 §5.4.3 = AES-ECB(hp, sample))', () => {
  it('v1 client sample gives mask 437b9aec36 (RFC 9001 §A.2)', () => {
    const keys = deriveInitialKeys(bytes(vec.DCID), V1)!;
    expect(hexOf(headerProtectionMask(keys.client.hp, bytes(vec.V1_CLIENT.sample)))).toBe(vec.V1_CLIENT.mask);
  });

  it('v2 client sample gives mask 94a0c95e80 (RFC 9369 §A.2)', () => {
    const keys = deriveInitialKeys(bytes(vec.DCID), V2)!;
    expect(hexOf(headerProtectionMask(keys.client.hp, bytes(vec.V2_CLIENT.sample)))).toBe(vec.V2_CLIENT.mask);
  });
});

describe('opening the example packets', () => {
  it('RFC 9001 §A.2: the v1 client Initial decrypts to the ClientHello CRYPTO frame plus PADDING', () => {
    const r = open(vec.V1_CLIENT.packet, V1, 'client');
    expect(r.failure).toBeUndefined();
    const p = r.packet!;
    expect(p.authenticated).toBe(true);
    expect(p.firstByte).toBe(0xc3);
    expect(p.pnLength).toBe(4);
    expect(p.packetNumber).toBe(vec.V1_CLIENT.packetNumber);
    // 1200 bytes - 22 header bytes - 16 tag bytes = 1162 bytes of frames.
    expect(p.payload.length).toBe(1162);
    expect(hexOf(p.payload.subarray(0, vec.CLIENT_CRYPTO_FRAME.length / 2))).toBe(vec.CLIENT_CRYPTO_FRAME);
    expect(p.payload.subarray(vec.CLIENT_CRYPTO_FRAME.length / 2).every((x) => x === 0)).toBe(true);
  });

  it('RFC 9001 §A.3: the v1 server Initial decrypts to ACK + CRYPTO(ServerHello)', () => {
    const r = open(vec.V1_SERVER.packet, V1, 'server');
    expect(r.packet?.authenticated).toBe(true);
    expect(r.packet?.packetNumber).toBe(vec.V1_SERVER.packetNumber);
    expect(hexOf(r.packet!.payload)).toBe(vec.V1_SERVER.payload);
  });

  it('RFC 9369 §A.2: the v2 client Initial (type bits 0b01) decrypts with the v2 salt and "quicv2" labels', () => {
    const r = open(vec.V2_CLIENT.packet, V2, 'client');
    expect(r.packet?.authenticated).toBe(true);
    expect(r.packet?.firstByte).toBe(0xd3);
    expect(r.packet?.packetNumber).toBe(2);
    expect(hexOf(r.packet!.payload.subarray(0, vec.CLIENT_CRYPTO_FRAME.length / 2))).toBe(vec.CLIENT_CRYPTO_FRAME);
  });

  it('the v2 packet does not open with v1 keys (the salt and labels matter)', () => {
    expect(open(vec.V2_CLIENT.packet, V1, 'client').failure).toBe('authentication-failed');
  });

  it('draft-29 §A.1/§A.3: keys from the draft-29 salt open the draft-29 server Initial', () => {
    const keys = deriveInitialKeys(bytes(vec.DCID), DRAFT_29)!;
    expect([hexOf(keys.client.key), hexOf(keys.client.iv)]).toEqual([vec.DRAFT29_CLIENT_KEYS.key, vec.DRAFT29_CLIENT_KEYS.iv]);
    expect([hexOf(keys.server.key), hexOf(keys.server.iv)]).toEqual([vec.DRAFT29_SERVER.keys.key, vec.DRAFT29_SERVER.keys.iv]);
    const r = open(vec.DRAFT29_SERVER.packet, DRAFT_29, 'server');
    expect(r.packet?.authenticated).toBe(true);
    expect(r.packet?.packetNumber).toBe(1);
  });

  it('a flipped ciphertext bit fails authentication (data, not an exception)', () => {
    const tampered = bytes(vec.V1_CLIENT.packet);
    tampered[500] ^= 0x01;
    expect(open(tampered.toString('hex'), V1, 'client').failure).toBe('authentication-failed');
  });

  it('a packet cut by the snaplen deciphers its captured prefix without authentication', () => {
    const cut = bytes(vec.V1_CLIENT.packet).subarray(0, 300);
    const h = parseLongHeader(cut).header!;
    expect(h.truncated).toBe(true);
    const keys = deriveInitialKeys(bytes(vec.DCID), V1)!;
    const r = openPacket(cut, { offset: 0, pnOffset: h.pnOffset!, end: h.end, truncated: true }, keys.client, -1);
    expect(r.packet?.authenticated).toBe(false);
    // 300 captured bytes - 22 header bytes = 278 payload bytes, equal to the plaintext's first 278.
    expect(hexOf(r.packet!.payload)).toBe(vec.CLIENT_CRYPTO_FRAME.slice(0, 278 * 2).padEnd(278 * 2, '0'));
  });

  it('a packet too short for the header-protection sample is refused', () => {
    const b = bytes(vec.V1_CLIENT.packet).subarray(0, 30);
    const keys = deriveInitialKeys(bytes(vec.DCID), V1)!;
    expect(openPacket(b, { offset: 0, pnOffset: 18, end: 30 }, keys.client, -1).failure).toBe('too-short-for-sample');
  });
});

describe('packet number reconstruction (RFC 9000 §A.3)', () => {
  it('the RFC example: largest 0xa82f30ea, truncated 0x9b32 in 16 bits -> 0xa82f9b32', () => {
    expect(decodePacketNumber(0xa82f30ea, 0x9b32, 2)).toBe(0xa82f9b32);
  });
  it('first packet of a space (largest -1) keeps the truncated value', () => {
    expect(decodePacketNumber(-1, 2, 4)).toBe(2);
  });
  it('wraps forward past the window', () => {
    expect(decodePacketNumber(0xff, 0x01, 1)).toBe(0x101);
  });
});

describe('test builder sanity', () => {
  it('retryPacket reproduces RFC 9001 §A.4 byte for byte (integrity tag included)', () => {
    const r = retryPacket({ dcid: new Uint8Array(0), scid: bytes('f067a5502a4262b5'), originalDcid: bytes(vec.DCID), token: Buffer.from('token') });
    expect(hexOf(r)).toBe(vec.V1_RETRY);
  });
});
