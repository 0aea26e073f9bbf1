/**
 * End to end through generated captures: a TCP connection and a DNS transaction carried inside
 * each UDP encapsulation that tshark and Zeek decode by default must reach the trackers as if
 * they were sent bare (same flows, same packet numbers), and the outer UDP datagrams must not
 * show up as flows of their own.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import { analyzeCapture } from '../../../src/pipeline.js';
import type { Report } from '../../../src/report/schema.js';
import { writePcap } from '../../helpers/capture-file.js';
import { ayiya, ethernet, geneve, gre, gtpu, ip, ipv4, l2tp, tcp, teredo, udp, vxlan } from '../../helpers/packets.js';

const T = 1_700_000_000;
const dir = mkdtempSync(join(tmpdir(), 'statecap-tunnels-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const C = '192.168.1.1';
const S = '192.168.1.2';
const C6 = '2001:db8::1';
const S6 = '2001:db8::2';

/** The inner packets: a whole TCP connection (1-6) then a DNS query and its response (7-8). */
function innerPackets(c: string, s: string): Uint8Array[] {
  const seg = (from: string, to: string, sp: number, dp: number, seq: number, ack: number, flags: string, payload = '') =>
    ip({ src: from, dst: to, protocol: 6, payload: tcp({ src: from, dst: to, srcPort: sp, dstPort: dp, seq, ack, flags, payload }) });
  const query = dnsPacket.encode({ type: 'query', id: 77, questions: [{ type: 'A', name: 'example.org' }] });
  const response = dnsPacket.encode({ type: 'response', id: 77, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name: 'example.org' }],
    answers: [{ type: 'A', name: 'example.org', data: '192.0.2.7', ttl: 60 }] });
  return [
    seg(c, s, 1234, 80, 100, 0, 'S'),
    seg(s, c, 80, 1234, 500, 101, 'SA'),
    seg(c, s, 1234, 80, 101, 501, 'A'),
    seg(c, s, 1234, 80, 101, 501, 'FA'),
    seg(s, c, 80, 1234, 501, 102, 'FA'),
    seg(c, s, 1234, 80, 102, 502, 'A'),
    ip({ src: c, dst: s, protocol: 17, payload: udp({ src: c, dst: s, srcPort: 5555, dstPort: 53, payload: query }) }),
    ip({ src: s, dst: c, protocol: 17, payload: udp({ src: s, dst: c, srcPort: 53, dstPort: 5555, payload: response }) }),
  ];
}

/** Each inner packet wrapped by `wrap` into a UDP datagram between two tunnel endpoints on `port`. */
async function analyzeTunnel(name: string, port: number, inner: Uint8Array[], wrap: (p: Uint8Array) => Uint8Array): Promise<Report> {
  const frames = inner.map((p, i) => {
    const outer = udp({ src: '10.0.0.1', dst: '10.0.0.2', srcPort: 40000 + (i % 2), dstPort: port, payload: wrap(p) });
    return { time: T + i * 0.01, data: ethernet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 17, payload: outer })) };
  });
  const path = join(dir, name);
  writeFileSync(path, writePcap(frames));
  const report = await analyzeCapture(path, {});
  if (!('tcp' in report)) throw new Error(`analyzeCapture failed: ${report.error}`);
  return report;
}

/** The inner TCP connection is one whole flow of 6 packets, and the DNS query (7) was answered by 8. */
function expectInnerConversation(report: Report, c: string, s: string): void {
  const at = (a: string, port: number) => (a.includes(':') ? `[${a}]:${port}` : `${a}:${port}`);
  expect(report.tcp.flows.map((f) => [f.client, f.server, f.firstPacket, f.packets, f.connState])).toEqual([
    [at(c, 1234), at(s, 80), 1, 6, 'SF'],
  ]);
  expect(report.dns.transactions.map((t) => [t.client, t.server, t.qname, t.queryPackets, t.responsePackets])).toEqual([
    [at(c, 5555), at(s, 53), 'example.org', [7], [8]],
  ]);
}

describe('UDP encapsulations decoded by default (as tshark and Zeek do)', () => {
  const inner4 = innerPackets(C, S);
  const inner6 = innerPackets(C6, S6);
  it('GRE in UDP, port 4754 (RFC 8086)', async () => {
    expectInnerConversation(await analyzeTunnel('gre-udp.pcap', 4754, inner4, (p) => gre(p, { key: 9 })), C, S);
  });
  it('VXLAN, port 4789 (RFC 7348)', async () => {
    expectInnerConversation(await analyzeTunnel('vxlan.pcap', 4789, inner4, (p) => vxlan(ethernet(p))), C, S);
  });
  it('Geneve, port 6081 (RFC 8926)', async () => {
    expectInnerConversation(await analyzeTunnel('geneve.pcap', 6081, inner4, (p) => geneve(ethernet(p))), C, S);
  });
  it('GTP-U, port 2152 (3GPP TS 29.281)', async () => {
    expectInnerConversation(await analyzeTunnel('gtpu.pcap', 2152, inner4, (p) => gtpu(p)), C, S);
  });
  it('Teredo, port 3544 (RFC 4380)', async () => {
    expectInnerConversation(await analyzeTunnel('teredo.pcap', 3544, inner6, (p) => teredo(p)), C6, S6);
  });
  it('AYIYA, port 5072', async () => {
    expectInnerConversation(await analyzeTunnel('ayiya.pcap', 5072, inner6, (p) => ayiya(p)), C6, S6);
  });
  it('L2TPv2, port 1701 (RFC 2661)', async () => {
    expectInnerConversation(await analyzeTunnel('l2tp.pcap', 1701, inner4, (p) => l2tp(p, { sequence: true })), C, S);
  });
});
