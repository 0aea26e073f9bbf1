import { describe, expect, it } from 'vitest';
import { V6_KEY_BASE } from '../../../src/decode/ip-layer.js';
import type { IpLayer } from '../../../src/decode/packet.js';
import { FlowTable, type TableEntry } from '../../../src/track/tcp/table.js';

class Entry implements TableEntry<Entry> {
  touched = false;
  bucketNext: Entry | null = null;
  listed = false;
  constructor(
    readonly name: string,
    readonly clientAddress: string, readonly clientKey: number, readonly clientPort: number,
    readonly serverAddress: string, readonly serverKey: number, readonly serverPort: number,
  ) {}
}

/** An IP layer with these keys and text; `reads` counts how often the text was read. */
function ipOf(src: string, srcKey: number, dst: string, dstKey: number): IpLayer & { reads: number } {
  const ip = { version: 4 as const, srcKey, dstKey, protocol: 6, offset: 0, headerLength: 20, payloadLength: 0, ttl: 64, id: 0, reads: 0 };
  return Object.defineProperties(ip, {
    src: { get: () => { ip.reads++; return src; }, enumerable: true },
    dst: { get: () => { ip.reads++; return dst; }, enumerable: true },
  }) as IpLayer & { reads: number };
}

describe('FlowTable keys', () => {
  it('finds a flow from either direction by IPv4 keys without reading address text', () => {
    const table = new FlowTable<Entry>();
    const flow = new Entry('a', '10.0.0.1', 0x0a000001, 40000, '10.0.0.2', 0x0a000002, 80);
    table.add(flow);
    const out = ipOf('10.0.0.1', 0x0a000001, '10.0.0.2', 0x0a000002);
    const back = ipOf('10.0.0.2', 0x0a000002, '10.0.0.1', 0x0a000001);
    expect(table.get(out, 40000, 80)).toBe(flow);
    expect(table.get(back, 80, 40000)).toBe(flow);
    expect(out.reads + back.reads).toBe(0); // IPv4 keys are the addresses
    expect(table.get(out, 40001, 80)).toBeUndefined(); // another client port
  });

  it('tells apart IPv6 flows whose keys collide by their text', () => {
    // Forced collision: two client addresses with the same (hash) key, same ports and server.
    const k1 = V6_KEY_BASE + 12345;
    const k2 = V6_KEY_BASE + 67890;
    const table = new FlowTable<Entry>();
    const a = new Entry('a', '2001:db8::1', k1, 5000, '2001:db8::53', k2, 53);
    const b = new Entry('b', '2001:db8::99', k1, 5000, '2001:db8::53', k2, 53);
    table.add(a);
    table.add(b);
    expect(table.get(ipOf('2001:db8::1', k1, '2001:db8::53', k2), 5000, 53)?.name).toBe('a');
    expect(table.get(ipOf('2001:db8::53', k2, '2001:db8::99', k1), 53, 5000)?.name).toBe('b');
    expect(table.get(ipOf('2001:db8::7', k1, '2001:db8::53', k2), 5000, 53)).toBeUndefined();
    table.delete(b);
    expect(table.get(ipOf('2001:db8::99', k1, '2001:db8::53', k2), 5000, 53)).toBeUndefined();
    expect(table.get(ipOf('2001:db8::1', k1, '2001:db8::53', k2), 5000, 53)?.name).toBe('a');
    expect(table.size).toBe(1);
  });
});
