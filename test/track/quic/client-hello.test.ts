/** TLS hellos as QUIC Initials carry them (RFC 8446 §4.1.2-4.1.3, RFC 9001 §8.2, RFC 9000 §18). */
import { describe, expect, it } from 'vitest';
import { parseClientHello, parseServerHello, parseTransportParameters } from '../../../src/track/quic/client-hello.js';
import { clientHello, hex, serverHello, tpInt, transportParameters } from '../../helpers/quic.js';
import * as vec from './rfc-vectors.js';

// The RFC 9001 §A.2 CRYPTO frame is 06 00 40f1 <241 bytes of ClientHello>.
const rfcClientHello = hex(vec.CLIENT_CRYPTO_FRAME).subarray(4);
// The RFC 9001 §A.3 payload is ACK (5 bytes), then 06 00 405a <90 bytes of ServerHello>.
const rfcServerHello = hex(vec.V1_SERVER.payload).subarray(9);

describe('ClientHello', () => {
  it('RFC 9001 §A.2: SNI example.com, ALPN "alpn", suites, TLS 1.3 and the transport parameters', () => {
    const r = parseClientHello(rfcClientHello);
    expect(r.issue).toBeUndefined();
    expect(r.value).toEqual({
      serverName: 'example.com',
      alpn: ['alpn'],
      cipherSuites: [0x1301, 0x1302],
      tlsVersions: [0x0304],
      transportParameters: {
        // 0x04 is an 8-byte varint of 2^62-1: exact, as text.
        initial_max_data: '4611686018427387903',
        initial_max_stream_data_bidi_local: 65535,
        initial_max_stream_data_uni: 65535,
        initial_max_streams_bidi: 16,
        max_idle_timeout: 30000,
        initial_max_streams_uni: 16,
        initial_source_connection_id: vec.DCID,
        initial_max_stream_data_bidi_remote: 65535,
      },
    });
  });

  it('every truncation of the RFC ClientHello is an issue, never a throw', () => {
    for (let n = 0; n < rfcClientHello.length; n++) {
      const r = parseClientHello(rfcClientHello.subarray(0, n));
      expect(r.issue, `prefix ${n}`).toBeTypeOf('string');
    }
  });

  it('a prefix of the message (a snaplen cut) still gives the extensions that are whole in it', () => {
    // In the RFC ClientHello the server_name extension is bytes 49-68 and ALPN bytes 86-96.
    expect(parseClientHello(rfcClientHello.subarray(0, 80), { prefix: true }).value?.serverName).toBe('example.com');
    expect(parseClientHello(rfcClientHello.subarray(0, 80), { prefix: true }).value?.alpn).toEqual([]);
    expect(parseClientHello(rfcClientHello.subarray(0, 120), { prefix: true }).value?.alpn).toEqual(['alpn']);
    expect(parseClientHello(rfcClientHello.subarray(0, 60), { prefix: true }).value?.serverName).toBeNull();
  });

  it('reads the draft codepoint 0xffa5 and the CID parameters by name', () => {
    const tp = transportParameters([[0x0f, hex('c1c1')], [0x00, hex('0d0d')], [0x10, hex('7e7e')], [0x0e, tpInt(4)], [0x0c, new Uint8Array(0)], [0x1b, tpInt(1)]]);
    const r = parseClientHello(clientHello({ serverName: 'a.example', alpn: ['h3-29', 'hq-29'], transportParameters: tp, draftTransportParameters: true }));
    expect(r.value?.alpn).toEqual(['h3-29', 'hq-29']);
    expect(r.value?.transportParameters).toEqual({
      initial_source_connection_id: 'c1c1',
      original_destination_connection_id: '0d0d',
      retry_source_connection_id: '7e7e',
      active_connection_id_limit: 4,
      disable_active_migration: 1,
    });
  });

  it('a ServerHello is not a ClientHello', () => {
    expect(parseClientHello(rfcServerHello).issue).toMatch(/handshake type is 2/);
  });
});

describe('ServerHello', () => {
  it('RFC 9001 §A.3: TLS_AES_128_GCM_SHA256, TLS 1.3', () => {
    expect(parseServerHello(rfcServerHello).value).toEqual({ cipherSuite: 0x1301, cipherSuiteName: 'TLS_AES_128_GCM_SHA256', tlsVersion: 0x0304 });
  });

  it('names the other TLS 1.3 suites and shows unknown ones in hex', () => {
    expect(parseServerHello(serverHello({ cipherSuite: 0x1303 })).value?.cipherSuiteName).toBe('TLS_CHACHA20_POLY1305_SHA256');
    expect(parseServerHello(serverHello({ cipherSuite: 0xc02f })).value?.cipherSuiteName).toBe('0xc02f');
  });
});

describe('transport parameters', () => {
  it('an integer parameter that is not exactly one varint is shown as hex', () => {
    expect(parseTransportParameters(transportParameters([[0x01, hex('0102')]]))).toEqual({ max_idle_timeout: '0102' });
  });
  it('a parameter whose length runs past the extension ends the list', () => {
    expect(parseTransportParameters(hex('0e 01 04 0f 09 aa'))).toEqual({ active_connection_id_limit: 4 });
  });
  it('version_information (RFC 9368 §3) as text', () => {
    expect(parseTransportParameters(transportParameters([[0x11, hex('00000001 6b3343cf 00000001')]]))).toEqual({ version_information: 'chosen 1; available 2, 1' });
  });
});
