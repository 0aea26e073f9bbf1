/**
 * DNS UPDATE (RFC 2136, opcode 5) on a generated capture: the question section is the Zone
 * section, so the transaction reports both the zone and the name being updated (the owner of the
 * first Update record, the name Zeek's dns.log shows), and still matches its response by zone.
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
const dir = mkdtempSync(join(tmpdir(), 'statecap-dns-update-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const UPDATE = 5 << 11; // opcode in bits 11-14 of the flags word (RFC 1035 §4.1.1)

describe('DNS UPDATE', () => {
  it('reports zone and qname; a prerequisite-only update is named after its prerequisite; plain queries have no zone', async () => {
    const zone = [{ type: 'SOA' as const, name: 'example.org' }];
    const update = dnsPacket.encode({
      type: 'query', id: 0x0501, flags: UPDATE, questions: zone,
      authorities: [{ type: 'A', name: 'host.example.org', ttl: 300, data: '192.0.2.9' }],
    });
    const prerequisiteOnly = dnsPacket.encode({
      type: 'query', id: 0x0502, flags: UPDATE, questions: zone,
      answers: [{ type: 'A', name: 'must-exist.example.org', ttl: 0, class: 'ANY', data: '0.0.0.0' }],
    });
    const reply = (id: number) => dnsPacket.encode({ type: 'response', id, flags: UPDATE, questions: zone });
    const plain = dnsPacket.encode({ type: 'query', id: 0x0503, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name: 'www.example.org' }] });
    const c = (t: number, port: number, payload: Uint8Array) => ({ time: T + t, data: udpFrame({ src: '10.0.0.7', dst: '10.0.0.53', srcPort: port, dstPort: 53, payload }) });
    const s = (t: number, port: number, payload: Uint8Array) => ({ time: T + t, data: udpFrame({ src: '10.0.0.53', dst: '10.0.0.7', srcPort: 53, dstPort: port, payload }) });
    const path = join(dir, 'update.pcap');
    writeFileSync(path, writePcap([
      c(0, 40001, update), s(0.01, 40001, reply(0x0501)),
      c(0.1, 40002, prerequisiteOnly), s(0.11, 40002, reply(0x0502)),
      c(0.2, 40003, plain),
    ]));
    const report = await analyzeCapture(path, {});
    if (!('dns' in report)) throw new Error('no report');
    expect(report.dns.transactions.map((t) => [t.id, t.qname, t.zone, t.qtype, t.queryPackets, t.responsePackets])).toEqual([
      [0x0501, 'host.example.org', 'example.org', 'SOA', [1], [2]],
      [0x0502, 'must-exist.example.org', 'example.org', 'SOA', [3], [4]],
      [0x0503, 'www.example.org', undefined, 'A', [5], []],
    ]);
    expect('zone' in report.dns.transactions[2]).toBe(false);
  });
});
