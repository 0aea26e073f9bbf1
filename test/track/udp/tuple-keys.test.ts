/**
 * UDP flows found by the addresses' numeric keys (datagram-flows.ts observeTuple): a datagram known
 * only as text (a tunnel's outer datagram, one an ICMP error quotes) must find the flow its packets
 * made, and IPv6 keys (hashes) must still be told apart by text.
 */
import { describe, expect, it } from 'vitest';
import { addressKeyOfText } from '../../../src/decode/address-key.js';
import { ipv6Key } from '../../../src/decode/ip-layer.js';
import { DatagramFlows } from '../../../src/track/datagram-flows.js';
import type { KeyedEnds } from '../../../src/track/tuple-index.js';
import type { StateSink } from '../../../src/state/events.js';
import { ipv6Bytes } from '../../helpers/packets.js';

const noState: StateSink = { hold: () => undefined, release: () => undefined, buffer: () => undefined };
const flows = (): DatagramFlows =>
  new DatagramFlows({ proto: 'udp', state: noState, timeout: 60, maxFlows: 100, maxRecords: 100, kinds: null });
const text = (src: string, dst: string): KeyedEnds => ({ src, dst, srcKey: addressKeyOfText(src), dstKey: addressKeyOfText(dst) });

describe('address keys of text', () => {
  it('equal the keys the decoder gives the same addresses', () => {
    // 192.168.1.10 = 0xc0a8010a.
    expect(addressKeyOfText('192.168.1.10')).toBe(0xc0a8010a);
    for (const a of ['2001:db8::1', '::ffff:192.0.2.1', '::192.0.2.1', 'fe80::1:2:3:4', '::', '1:2:3:4:5:6:7:8']) {
      expect(addressKeyOfText(a)).toBe(ipv6Key(ipv6Bytes(a), 0));
    }
  });
});

describe('UDP flows by tuple key', () => {
  it('a text-only datagram and a keyed one join the same flow, either direction', () => {
    const f = flows();
    // Keyed as the decoder keys 10.0.0.1 (0x0a000001) and 10.0.0.2 (0x0a000002).
    f.observeTuple({ src: '10.0.0.1', dst: '10.0.0.2', srcKey: 0x0a000001, dstKey: 0x0a000002 }, 5000, 53, 10, 1, 0);
    f.observeTuple(text('10.0.0.2', '10.0.0.1'), 53, 5000, 20, 2, 1);
    expect(f.hasTuple(text('10.0.0.1', '10.0.0.2'), 5000, 53)).toBe(true);
    expect(f.hasTuple(text('10.0.0.1', '10.0.0.2'), 5000, 54)).toBe(false);
    const { flows: rows } = f.finish();
    // One flow: packet 1 from the client, packet 2 the server's answer.
    expect(rows.map((r) => [r.client, r.server, r.packets, r.exchanges])).toEqual([['10.0.0.1:5000', '10.0.0.2:53', { client: 1, server: 1 }, 1]]);
  });

  it('IPv6 addresses with the same key are still two flows (told apart by text)', () => {
    const f = flows();
    // Both sources given the same (forced) key: only their text differs.
    const key = addressKeyOfText('2001:db8::1');
    f.observeTuple({ src: '2001:db8::1', dst: '2001:db8::ff', srcKey: key, dstKey: addressKeyOfText('2001:db8::ff') }, 7000, 9000, 1, 1, 0);
    f.observeTuple({ src: '2001:db8::2', dst: '2001:db8::ff', srcKey: key, dstKey: addressKeyOfText('2001:db8::ff') }, 7000, 9000, 1, 2, 0);
    const { flows: rows } = f.finish();
    expect(rows.map((r) => r.client)).toEqual(['[2001:db8::1]:7000', '[2001:db8::2]:7000']);
  });
});
