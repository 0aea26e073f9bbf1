/**
 * Adversarial captures, small versions of issue 7's (the million-scale ones are in the bench
 * script): state tables stay within their caps and every eviction is counted in report.limits,
 * never silent. Frames are built once and patched per packet (addresses, ports, IDs), so 10,000
 * packets cost milliseconds; checksums are left stale, which statecap ignores by default.
 */
import { afterAll, describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import { writePcap, type WrittenPacket } from '../helpers/capture-file.js';
import { ethernet, ipv4, udpFrame } from '../helpers/packets.js';
import { analyzeBytes, expectReport, scratch } from '../helpers/analyze.js';
import { AT, T, patch, quicInitialFlood, synFlood, unansweredDnsQueries } from './frames.js';

const dir = scratch();
afterAll(() => dir.cleanup());

describe('a SYN flood: 5,000 half-open connections with --max-flows 1000', () => {
  // Each client sends a SYN and the server answers SYN-ACK; no client ever completes the handshake.
  const packets = synFlood(5000);

  // Analyzed once for the two tests that read the same report.
  let atCap: Promise<ReturnType<typeof expectReport>> | null = null;
  const analyzedAtCap = (): Promise<ReturnType<typeof expectReport>> =>
    (atCap ??= analyzeBytes(dir, 'syn-flood.pcap', writePcap(packets), { maxFlows: 1000 }).then(expectReport));

  it('evicts exactly 4,000 flows and still reports all 5,000', async () => {
    const r = await analyzedAtCap();
    expect(r.capture.packets).toBe(10000);
    expect(r.limits.maxFlows).toBe(1000);
    expect(r.limits.evictedFlows).toBe(4000);
    expect(r.tcp.summary.flows).toBe(5000);
    expect(r.tcp.flows.every((f) => f.packets === 2 && f.history === 'Sh')).toBe(true);
    expect(r.tcp.flows.slice(0, 2).map((f) => [f.client, f.firstPacket, f.lastPacket])).toEqual([['10.0.0.1:40000', 1, 2], ['10.0.0.2:40000', 3, 4]]);
  });

  it('releases the half-open state of each evicted flow: the server never holds more than --max-flows', async () => {
    const r = await analyzedAtCap();
    // Every flow was open (SYN-SENT / SYN-RECEIVED) when evicted.
    expect(r.limits.evictedOpenFlows).toBe(4000);
    const server = r.endpoints.find((e) => e.endpoint === '192.0.2.1:80');
    // Flow i+1000's SYN evicts flow i, whose server entry started at its SYN-ACK: at most 1,000 at once.
    expect(server?.peak.entries).toBe(1000);
    expect(server?.atEnd.entries).toBe(1000);
    expect(server?.restart?.breaks.tcp.length).toBe(1000);
  });

  it('--max-endpoints 100: clients after the 99th (and the server) share one row, which holds what they held', async () => {
    const r = expectReport(await analyzeBytes(dir, 'syn-flood.pcap', writePcap(packets), { maxFlows: 1000, maxEndpoints: 100 }));
    expect(r.endpoints.length).toBe(101);
    expect(r.limits.sharedEndpointRows).toEqual(['(other clients)']);
    const shared = r.endpoints.find((e) => e.endpoint === '(other clients)');
    expect([shared?.role, shared?.peak.entries, shared?.atEnd.entries]).toEqual(['client', 1000, 1000]);
    expect(r.endpoints.filter((e) => e.role === 'client' && e.endpoint !== '(other clients)').map((e) => e.endpoint).sort())
      .toEqual(Array.from({ length: 99 }, (_, i) => `10.0.0.${i + 1}`).sort());
    expect(r.warnings).toContain(`${r.capture.path}: more than 100 endpoints (--max-endpoints): later clients share the row (other clients)`);
  });

  it('--max-state-mb 1: 256 client rows of 4,096 bytes fit, later clients share one row; the server keeps its own', async () => {
    const r = expectReport(await analyzeBytes(dir, 'syn-flood.pcap', writePcap(packets), { maxFlows: 1000, maxStateMb: 1 }));
    // 1 MB / 4,096 bytes = 256 client rows, taken by the first 256 clients in order of their SYNs;
    // the server's rows have their own budget, so the attacked server is not folded.
    expect(r.limits.endpointRowsForMemory).toBe(256);
    expect(r.limits.sharedEndpointRows).toEqual(['(other clients)']);
    expect(r.endpoints.filter((e) => e.role === 'client' && e.endpoint !== '(other clients)').map((e) => e.endpoint).sort())
      .toEqual(Array.from({ length: 256 }, (_, i) => `10.0.${(i + 1) >> 8}.${(i + 1) & 255}`).sort()); // clientAddress(i): 10.0.0.1 + i
    expect(r.endpoints.find((e) => e.endpoint === '192.0.2.1:80')?.role).toBe('server');
    expect(r.warnings).toContain(`${r.capture.path}: 256 client rows reached --max-state-mb (1 MB): later clients share the row (other clients)`);
  });

  it('--max-records 300 lists flows 0-299 and counts all 5,000 in the summary', async () => {
    const r = expectReport(await analyzeBytes(dir, 'syn-flood.pcap', writePcap(packets), { maxFlows: 1000, maxRecords: 300 }));
    expect(r.tcp.flows.map((f) => f.id)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(r.tcp.summary).toEqual({ flows: 5000, packets: 10000, connStates: { S1: 5000 }, handshakes: { complete: 0, partial: 5000, missing: 0 }, retransmissions: 0 });
    expect(r.limits.maxRecords).toBe(300);
    expect(r.limits.omittedFlows).toBe(4700);
    expect(r.warnings).toEqual([
      // 5,000 half-open flows through a table of 1,000: 4,000 evicted, all still open (SYN-SENT).
      `${r.capture.path}: 4000 TCP flows evicted at the cap of 1000 (--max-flows), the least recently seen first, 4000 of them still open: results for those are partial`,
      `${r.capture.path}: 4700 TCP flows not listed: each list stops at 300 rows (--max-records); the summaries count them all`]);
  });
});

describe('5,000 unanswered DNS queries with --max-pending-dns 1000', () => {
  const packets = unansweredDnsQueries(5000);

  it('evicts exactly 4,000 pending queries; every query is still reported', async () => {
    const r = expectReport(await analyzeBytes(dir, 'dns-flood.pcap', writePcap(packets), { maxPendingDns: 1000 }));
    expect(r.limits.maxPendingDns).toBe(1000);
    expect(r.limits.evictedDnsQueries).toBe(4000);
    expect(r.dns.summary.queries).toBe(5000);
    expect(r.dns.summary.unanswered).toBe(5000);
    // An evicted query's state is released at the eviction: the client never holds more than the cap.
    expect(r.endpoints.find((e) => e.endpoint === '10.0.0.1')?.peak.entries).toBe(1000);
    // The server never answered: an attempt destination, not a server holding state (issue 11).
    expect(r.endpoints.map((e) => e.endpoint)).toEqual(['10.0.0.1']);
    expect(r.attempts.map((a) => [a.endpoint, a.attempts, a.reason])).toEqual([['10.0.0.53:53', 5000, 'no-answer']]);
  });

  it('--max-records 100: lists transactions 0-99, counts every query and answer in the summary', async () => {
    // Answer the first 2,000 queries 10 ms after each (within the 1,000 still pending), the last one with NXDOMAIN.
    const answered = packets.slice(0, 2000).flatMap((p, i) => {
      const response = udpFrame({
        src: '10.0.0.53', dst: '10.0.0.1', srcPort: 53, dstPort: 20000,
        payload: dnsPacket.encode({ type: 'response', id: 0, flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (i === 1999 ? 3 : 0),
          questions: [{ type: 'A', name: 'flood.example' }] }),
      });
      return [p, { time: p.time + 0.01, data: patch(response, [[AT.DST_PORT, 2, 20000 + i], [AT.DNS_ID, 2, i]]) }];
    });
    // 1,000 responses nobody asked for (IDs 60000+), after everything else.
    const stray = Array.from({ length: 1000 }, (_, i) => ({ time: T + 1 + i * 1e-4,
      data: patch(udpFrame({ src: '10.0.0.53', dst: '10.0.0.1', srcPort: 53, dstPort: 30000,
        payload: dnsPacket.encode({ type: 'response', id: 0, questions: [{ type: 'A', name: 'stray.example' }] }) }), [[AT.DNS_ID, 2, 60000 + i]]) }));
    const all = [...answered, ...packets.slice(2000).map((p) => ({ ...p, time: p.time + 0.5 })), ...stray];
    const r = expectReport(await analyzeBytes(dir, 'dns-records.pcap', writePcap(all), { maxPendingDns: 1000, maxRecords: 100 }));
    expect(r.dns.transactions.map((t) => t.index)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(r.dns.unsolicited.map((u) => u.id)).toEqual(Array.from({ length: 100 }, (_, i) => 60000 + i));
    expect(r.dns.summary).toMatchObject({ queries: 5000, answered: 2000, unanswered: 3000, unsolicited: 1000, rttMedian: 0.01, rttP95: 0.01,
      rcodes: { NOERROR: 1999, NXDOMAIN: 1 } });
    expect([r.limits.omittedDnsTransactions, r.limits.omittedDnsRows]).toEqual([4900, 900]);
  });
});

describe('QUIC Initials with random connection IDs, --max-quic-connections 100', () => {
  it('300 Initials open 300 connections, 200 of them evicted', async () => {
    // A deterministic "random" DCID per Initial (a 32-bit LCG), each from its own client address.
    const { packets, dcids: ids } = quicInitialFlood(300, 12345);
    const dcids = new Set(ids);
    expect(dcids.size).toBe(300);
    const r = expectReport(await analyzeBytes(dir, 'quic-flood.pcap', writePcap(packets), { maxQuicConnections: 100 }));
    expect(r.limits.maxQuicConnections).toBe(100);
    expect(r.limits.evictedQuicConnections).toBe(200);
    expect(r.quic.summary.connections).toBe(300);
    expect(new Set(r.quic.connections.map((c) => c.clientInitialDcid))).toEqual(dcids);
    expect(r.quic.unattributed.datagrams).toBe(0);
    // An evicted connection's state is released: its client (each Initial has its own) ends holding nothing.
    const clients = r.endpoints.filter((e) => e.role === 'client');
    expect(clients.filter((e) => e.atEnd.entries === 0).length).toBe(200);
    expect(clients.filter((e) => e.atEnd.entries === 2).length).toBe(100);

    const capped = expectReport(await analyzeBytes(dir, 'quic-flood.pcap', writePcap(packets), { maxQuicConnections: 100, maxRecords: 50 }));
    expect(capped.quic.connections.map((c) => c.id)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(capped.quic.summary).toEqual({ connections: 300, handshakes: { complete: 0, partial: 0, initialOnly: 300 } });
    expect(capped.limits.omittedQuicConnections).toBe(250);
  });
});

describe('5,000 first fragments that never complete, --max-fragments 100', () => {
  // IPv4 fragments at offset 0 with more-fragments set (RFC 791 §3.2), IDs 0-4999: none is ever finished.
  const first = ethernet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 17, id: 0, moreFragments: true, payload: new Uint8Array(64) }));
  const packets: WrittenPacket[] = Array.from({ length: 5000 }, (_, i) => ({ time: T + i * 1e-4, data: patch(first, [[AT.IP_ID, 2, i]]) }));

  it('keeps at most 100 datagrams under reassembly: 4,900 evicted', async () => {
    const r = expectReport(await analyzeBytes(dir, 'fragment-flood.pcap', writePcap(packets), { maxFragments: 100 }));
    expect(r.limits.maxFragments).toBe(100);
    expect(r.limits.evictedFragments).toBe(4900);
    expect([r.capture.packets, r.tcp.flows.length, r.capture.undecoded]).toEqual([5000, 0, {}]);
  });
});
