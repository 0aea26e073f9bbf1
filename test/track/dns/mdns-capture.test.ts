/**
 * mDNS end to end on a generated capture (with --dns-port 5353): every message carries ID 0, so a
 * response is tied to a query by its answer records (RFC 6762 §6, §18.1), never by the ID alone.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import { analyzeCapture } from '../../../src/pipeline.js';
import { writePcap } from '../../helpers/capture-file.js';
import { udpFrame } from '../../helpers/packets.js';

const T = 1_700_000_000;
const dir = mkdtempSync(join(tmpdir(), 'statecap-mdns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GROUP = '224.0.0.251';
const mdns = (t: number, src: string, dst: string, message: Uint8Array) =>
  ({ time: T + t, data: udpFrame({ src, dst, srcPort: 5353, dstPort: 5353, payload: message }) });
const ask = (name: string, type: 'PTR' | 'SRV' | 'A') => dnsPacket.encode({ type: 'query', id: 0, questions: [{ type, name }] });
const answer = (records: dnsPacket.Answer[]) => dnsPacket.encode({ type: 'response', id: 0, flags: dnsPacket.AUTHORITATIVE_ANSWER, answers: records });

describe('mDNS matched by answer records', () => {
  it('a query, an unrelated announcement, the real answer, a later announcement of the same name', async () => {
    const packets = [
      mdns(0, '192.168.1.10', GROUP, ask('_ipp._tcp.local', 'PTR')), // 1
      mdns(0.02, '192.168.1.30', GROUP, answer([{ type: 'A', name: 'speaker.local', ttl: 120, data: '192.168.1.30' }])), // 2: announcement
      mdns(0.05, '192.168.1.20', GROUP, answer([{ type: 'PTR', name: '_ipp._tcp.local', ttl: 4500, data: 'Printer._ipp._tcp.local' }])), // 3
      mdns(30, '192.168.1.20', GROUP, answer([{ type: 'PTR', name: '_ipp._tcp.local', ttl: 4500, data: 'Printer._ipp._tcp.local' }])), // 4: 30 s later
    ];
    const path = join(dir, 'mdns.pcap');
    writeFileSync(path, writePcap(packets));
    const report = await analyzeCapture(path, { dnsPorts: [5353] });
    if (!('dns' in report)) throw new Error('no report');
    expect(report.dns.transactions.map((t) => [t.client, t.server, t.qname, t.queryPackets, t.responsePackets, t.responseFrom])).toEqual([
      ['192.168.1.10:5353', '224.0.0.251:5353', '_ipp._tcp.local', [1], [3], ['192.168.1.20:5353']],
    ]);
    // Both announcements answer no query: 2 names another host, 4 comes long after the query's timeout.
    expect(report.dns.unsolicited.map((u) => [u.packet, u.id, u.server])).toEqual([[2, 0, '192.168.1.30:5353'], [4, 0, '192.168.1.20:5353']]);
  });
});
