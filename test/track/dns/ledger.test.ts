import { describe, expect, it } from 'vitest';
import type { EntryHandle, StateSink } from '../../../src/state/events.js';
import type { DnsTransaction } from '../../../src/track/dns/transaction.js';
import { DnsTracker } from '../../../src/track/dns/tracker.js';
import { T0, framed, icmpUnreachable, query, recordingSink, response, tcpFlow, udpPacket } from './dns-helpers.js';

const CLIENT = { role: 'client', address: '10.0.0.7', port: null } as const;
const SERVER = { role: 'server', address: '10.0.0.53', port: 53, transport: 'udp' } as const;
const ref = (id: number) => ({ proto: 'dns', id }) as const;

describe('ledger events', () => {
  it('client holds a pending query and the server an in-flight one, both released at the answer', () => {
    const sink = recordingSink();
    const dns = new DnsTracker({ state: sink, timeout: 5 });
    dns.observeUdp(udpPacket(1, 0, ['10.0.0.7', 40000], ['10.0.0.53', 53], query(1, 'a.example')));
    dns.observeUdp(udpPacket(2, 0.5, ['10.0.0.53', 53], ['10.0.0.7', 40000], response(1, 'a.example')));
    expect(sink.events).toEqual([
      { type: 'hold', endpoint: CLIENT, ref: ref(0), kind: 'dnsPendingQueries', time: T0, packet: 1, until: T0 + 5 },
      { type: 'hold', endpoint: SERVER, ref: ref(0), kind: 'dnsInFlight', time: T0, packet: 1, until: T0 + 5 },
      { type: 'release', endpoint: CLIENT, ref: ref(0), time: T0 + 0.5, packet: 2 },
      { type: 'release', endpoint: SERVER, ref: ref(0), time: T0 + 0.5, packet: 2 },
    ]);
  });

  // Kept transactions (up to maxRecords) live to the report: holding the ledger's handles after
  // the release kept 100,000 released entries alive on the DNS flood (heap after GC 109 -> 135 MB).
  it('an answered transaction releases through its two handles, then keeps neither', () => {
    const handles: EntryHandle[] = [];
    const released: EntryHandle[] = [];
    const sink: StateSink = {
      hold: () => { const h = {} as EntryHandle; handles.push(h); return h; },
      release: () => {},
      buffer: () => {},
      releaseHeld: (h) => void released.push(h),
    };
    const dns = new DnsTracker({ state: sink, timeout: 5 });
    dns.observeUdp(udpPacket(1, 0, ['10.0.0.7', 40000], ['10.0.0.53', 53], query(1, 'a.example')));
    dns.observeUdp(udpPacket(2, 0.5, ['10.0.0.53', 53], ['10.0.0.7', 40000], response(1, 'a.example')));
    expect(handles.length).toBe(2);
    expect(released.length).toBe(2);
    expect(released[0]).toBe(handles[0]);
    expect(released[1]).toBe(handles[1]);
    const kept = (dns as unknown as { transactions: DnsTransaction[] }).transactions;
    expect(kept.map((t) => [t.clientHold, t.serverHold])).toEqual([[null, null]]);
  });

  it('a client with 5 outstanding queries holds 5 entries, refs = transaction indexes', () => {
    const sink = recordingSink();
    const dns = new DnsTracker({ state: sink });
    for (let i = 0; i < 5; i++) dns.observeUdp(udpPacket(i + 1, i * 0.1, ['10.0.0.7', 40000 + i], ['10.0.0.53', 53], query(i, `q${i}.example`)));
    const holds = sink.events.filter((e) => e.type === 'hold' && e.kind === 'dnsPendingQueries');
    expect(holds.map((e) => [e.ref.id, e.packet])).toEqual([[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]]);
    expect(dns.finish().transactions.map((t) => t.index)).toEqual([0, 1, 2, 3, 4]);
  });

  it('a retransmission renews the hold: the client keeps waiting `timeout` past it', () => {
    const sink = recordingSink();
    const dns = new DnsTracker({ state: sink, timeout: 5 });
    dns.observeUdp(udpPacket(1, 0, ['10.0.0.7', 40000], ['10.0.0.53', 53], query(1, 'a.example')));
    dns.observeUdp(udpPacket(2, 2, ['10.0.0.7', 40000], ['10.0.0.53', 53], query(1, 'a.example')));
    expect(sink.events.map((e) => [e.type, e.endpoint.role, e.packet, 'until' in e ? e.until : null])).toEqual([
      ['hold', 'client', 1, T0 + 5],
      ['hold', 'server', 1, T0 + 5],
      ['hold', 'client', 2, T0 + 7],
      ['hold', 'server', 2, T0 + 7],
    ]);
  });

  it('an ICMP rejection releases both entries', () => {
    const sink = recordingSink();
    const dns = new DnsTracker({ state: sink });
    dns.observeUdp(udpPacket(1, 0, ['10.0.0.7', 40000], ['10.0.0.53', 53], query(1, 'a.example')));
    dns.observeIcmp(icmpUnreachable(2, 0.001, '10.0.0.53', ['10.0.0.7', 40000], ['10.0.0.53', 53]));
    expect(sink.events.slice(2)).toEqual([
      { type: 'release', endpoint: CLIENT, ref: ref(0), time: T0 + 0.001, packet: 2 },
      { type: 'release', endpoint: SERVER, ref: ref(0), time: T0 + 0.001, packet: 2 },
    ]);
  });

  it('a multicast query: the client holds it, no server holds it in flight', () => {
    const sink = recordingSink();
    const dns = new DnsTracker({ state: sink, ports: [5353] });
    dns.observeUdp(udpPacket(1, 0, ['192.168.1.10', 5353], ['224.0.0.251', 5353], query(0, 'printer.local', { flags: 0 })));
    expect(sink.events.map((e) => [e.type, e.endpoint.role, e.endpoint.address])).toEqual([['hold', 'client', '192.168.1.10']]);
  });

  it('a forwarding resolver is a server for its client and a client of the upstream server', () => {
    const sink = recordingSink();
    const dns = new DnsTracker({ state: sink });
    const stub: [string, number] = ['10.0.0.7', 40000];
    const resolver: [string, number] = ['10.0.0.53', 53];
    const resolverOut: [string, number] = ['10.0.0.53', 33333];
    const upstream: [string, number] = ['192.0.2.53', 53];
    dns.observeUdp(udpPacket(1, 0, stub, resolver, query(1, 'a.example')));
    dns.observeUdp(udpPacket(2, 0.001, resolverOut, upstream, query(2, 'a.example')));
    dns.observeUdp(udpPacket(3, 0.030, upstream, resolverOut, response(2, 'a.example')));
    dns.observeUdp(udpPacket(4, 0.031, resolver, stub, response(1, 'a.example')));
    expect(sink.events.map((e) => [e.type, e.endpoint.role, e.endpoint.address, e.endpoint.port, e.ref.id, e.packet])).toEqual([
      ['hold', 'client', '10.0.0.7', null, 0, 1],
      ['hold', 'server', '10.0.0.53', 53, 0, 1],
      ['hold', 'client', '10.0.0.53', null, 1, 2],
      ['hold', 'server', '192.0.2.53', 53, 1, 2],
      ['release', 'client', '10.0.0.53', null, 1, 3],
      ['release', 'server', '192.0.2.53', 53, 1, 3],
      ['release', 'client', '10.0.0.7', null, 0, 4],
      ['release', 'server', '10.0.0.53', 53, 0, 4],
    ]);
  });

  it('DNS over TCP holds and releases the same kinds', () => {
    const sink = recordingSink();
    const dns = new DnsTracker({ state: sink });
    const flow = tcpFlow(3, ['10.0.0.7', 50000], ['10.0.0.53', 53]);
    dns.data(flow, true, framed(query(7, 'a.example')), 4, T0 + 1);
    dns.data(flow, false, framed(response(7, 'a.example')), 6, T0 + 1.01);
    expect(sink.events.map((e) => [e.type, e.endpoint.role, 'kind' in e ? e.kind : null, e.packet])).toEqual([
      ['hold', 'client', 'dnsPendingQueries', 4],
      ['hold', 'server', 'dnsInFlight', 4],
      ['release', 'client', null, 6],
      ['release', 'server', null, 6],
    ]);
  });
});
