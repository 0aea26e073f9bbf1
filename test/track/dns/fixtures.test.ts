/**
 * The loopback captures recorded by scripts/record/dns.sh (dig against dnsmasq on 127.53.0.1, a
 * silent socket on 127.53.0.2, nothing on 127.53.0.3), read through the whole pipeline. The
 * expected values were read off the captures with tcpdump and agree with tshark's dns.response_in.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../../src/index.js';
import type { DnsReport } from '../../../src/report/schema.js';

async function dnsOf(name: string): Promise<DnsReport> {
  const report = await analyzeCapture(fileURLToPath(new URL(`../../../fixtures/${name}`, import.meta.url)));
  if ('error' in report) throw new Error(report.error);
  return report.dns;
}

const row = (t: DnsReport['transactions'][number]) => [
  t.index, t.transport, t.id, t.client, t.server, t.qname, t.qtype, t.queryPackets, t.responsePackets, t.rcode, t.rtt, t.outcome,
];

describe('recorded DNS fixtures', () => {
  it('dns-udp-tcp: UDP, TCP (frames 6/8 inside a handshake and close), NXDOMAIN and REFUSED', async () => {
    const dns = await dnsOf('dns-udp-tcp.pcap');
    expect(dns.transactions.map(row)).toEqual([
      [0, 'udp', 0x5721, '127.53.0.9:37220', '127.53.0.1:53', 'a.statecap.test', 'A', [1], [2], 'NOERROR', 0.002366, 'answered'],
      [1, 'tcp', 0x08f3, '127.53.0.9:37737', '127.53.0.1:53', 'b.statecap.test', 'A', [6], [8], 'NOERROR', 0.000055, 'answered'],
      [2, 'udp', 0x1181, '127.53.0.9:57430', '127.53.0.1:53', 'missing.statecap.test', 'A', [13], [14], 'NXDOMAIN', 0.000076, 'answered'],
      [3, 'udp', 0xa3e8, '127.53.0.9:47016', '127.53.0.1:53', 'elsewhere.example', 'A', [15], [16], 'REFUSED', 0.000066, 'answered'],
    ]);
    expect(dns.transactions[0].flags).toEqual({ aa: true, tc: false, rd: true, ra: true });
    expect(dns.transactions[0].answers).toBe(1);
    expect(dns.summary).toMatchObject({ queries: 4, answered: 4, unanswered: 0, unsolicited: 0, malformed: 0, rcodes: { NOERROR: 2, NXDOMAIN: 1, REFUSED: 1 } });
    expect([dns.unsolicited, dns.malformed, dns.collisions, dns.tcpFramingGaps]).toEqual([[], [], [], 0]);
  });

  it('dns-unanswered: dig tries twice from two ports with one ID; nothing answers', async () => {
    const dns = await dnsOf('dns-unanswered.pcap');
    expect(dns.transactions.map(row)).toEqual([
      [0, 'udp', 0x5148, '127.53.0.9:46829', '127.53.0.2:53', 'a.statecap.test', 'A', [1], [], null, null, 'unanswered'],
      [1, 'udp', 0x5148, '127.53.0.9:50012', '127.53.0.2:53', 'a.statecap.test', 'A', [2], [], null, null, 'unanswered'],
    ]);
    expect(dns.summary).toMatchObject({ queries: 2, answered: 0, unanswered: 2, rttMedian: null, rttP95: null });
  });

  it('dns-tc-retry: a TC=1 answer over UDP, then the same question over TCP, linked', async () => {
    const dns = await dnsOf('dns-tc-retry.pcap');
    expect(dns.transactions.map(row)).toEqual([
      [0, 'udp', 0xe8eb, '127.53.0.9:50421', '127.53.0.1:53', 'big.statecap.test', 'TXT', [1], [2], 'NOERROR', 0.000069, 'answered'],
      [1, 'tcp', 0xd9c0, '127.53.0.9:34131', '127.53.0.1:53', 'big.statecap.test', 'TXT', [6], [8], 'NOERROR', 0.00004, 'answered'],
    ]);
    expect(dns.transactions.map((t) => [t.flags?.tc, t.answers, t.retriedOverTcp])).toEqual([
      [true, 2, 1],
      [false, 4, null],
    ]);
  });

  it('dns-icmp: the query to a port nobody listens on is rejected by ICMP port unreachable', async () => {
    const dns = await dnsOf('dns-icmp.pcap');
    expect(dns.transactions.map(row)).toEqual([
      [0, 'udp', 0xb888, '127.53.0.9:53946', '127.53.0.3:53', 'a.statecap.test', 'A', [1], [], null, null, 'rejected'],
    ]);
    expect(dns.summary).toMatchObject({ queries: 1, rejected: 1, unanswered: 0 });
  });
});
