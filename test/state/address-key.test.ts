/**
 * The ledger keys IPv4 endpoints by number: only canonical dotted-quad text (what the decoder
 * writes) may map to a number, so that two different texts never share an endpoint row.
 */
import { describe, expect, it } from 'vitest';
import { ipv4Value, StateLedger } from '../../src/state/ledger.js';
import { client, endpointNamed, tcp } from './script.js';

describe('ipv4Value', () => {
  it('maps canonical dotted quads to their 32-bit value (as int32)', () => {
    expect(ipv4Value('10.0.0.1')).toBe(0x0a000001);
    expect(ipv4Value('0.0.0.0')).toBe(0);
    expect(ipv4Value('192.168.0.53')).toBe(0xc0a80035 | 0);
    expect(ipv4Value('255.255.255.255')).toBe(-1);
  });

  it('refuses every other text: leading zeros, octets past 255, wrong part counts, IPv6, names', () => {
    for (const text of ['10.0.0.01', '010.0.0.1', '10.0.0.00', '10.0.0.256', '10.0.0', '10.0.0.1.2', '10..0.1', '.10.0.1',
      '10.0.0.', '::1', '::ffff:10.0.0.1', '(other clients)', '', '1.2.3.4 ', '+1.2.3.4']) {
      expect(ipv4Value(text), text).toBeNaN();
    }
  });
});

describe('endpoint rows by address', () => {
  it('keeps 10.0.0.1 and 10.0.0.01 apart (the second is not canonical: keyed by its text)', () => {
    const ledger = new StateLedger();
    ledger.hold({ endpoint: client('10.0.0.1'), ref: tcp(1), kind: 'tcpConnections', time: 1, packet: 1 });
    ledger.hold({ endpoint: client('10.0.0.01'), ref: tcp(2), kind: 'tcpConnections', time: 2, packet: 2 });
    ledger.hold({ endpoint: client('10.0.0.1'), ref: tcp(3), kind: 'tcpConnections', time: 3, packet: 3 });
    const result = ledger.finish(4, 3);
    // 10.0.0.1 holds flows 1 and 3 (2 entries at its peak, packet 3); 10.0.0.01 holds flow 2 only.
    expect(endpointNamed(result, '10.0.0.1').peak).toEqual({ entries: 2, bytes: 2 * 2304, time: 3, packet: 3 });
    expect(endpointNamed(result, '10.0.0.01').peak).toEqual({ entries: 1, bytes: 2304, time: 2, packet: 2 });
  });
});

describe('rows by IPv4 value behind the filter of known addresses', () => {
  it('finds every known address and sends every other one to the shared row, as a Map would', () => {
    let x = 2463534242;
    const next = (): number => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return x >>> 0; };
    const address = (v: number): string => `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
    const ledger = new StateLedger({ maxEndpoints: 500 });
    const rows = new Map<string, number>();
    const seen: string[] = [];
    let shared = 0;
    for (let i = 0; i < 6000; i++) {
      // Half new random addresses (a spoofed flood), half ones seen before (known or shared).
      const text = i % 2 === 0 || seen.length === 0 ? address(next()) : seen[next() % seen.length];
      seen.push(text);
      if (rows.has(text) || rows.size < 500) rows.set(text, (rows.get(text) ?? 0) + 1);
      else shared++;
      ledger.hold({ endpoint: client(text), ref: tcp(i), kind: 'tcpConnections', time: i, packet: i + 1 });
    }
    const result = ledger.finish(6001, 6000);
    for (const [text, held] of rows) expect(endpointNamed(result, text).peak.entries, text).toBe(held);
    expect(endpointNamed(result, '(other clients)').peak.entries).toBe(shared);
  });
});
