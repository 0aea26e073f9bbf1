/**
 * DNS over TCP after a segment the capture missed (a generated capture, end to end): framing
 * resumes at the next segment that starts with a whole message, so a later query and its
 * response pair again, as tshark pairs them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../../src/pipeline.js';
import { writePcap, type WrittenPacket } from '../../helpers/capture-file.js';
import { tcpFrame } from '../../helpers/packets.js';
import { framed, query, response } from './dns-helpers.js';

const T = 1_700_000_000;
const dir = mkdtempSync(join(tmpdir(), 'statecap-dns-resync-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('DNS over TCP: a lost client segment', () => {
  it('drops only the lost query; the query after it pairs with its response, and the lost bytes are counted', async () => {
    const C = '10.0.0.7';
    const S = '10.0.0.53';
    const q1 = framed(query(1, 'one.example'));
    const q2 = framed(query(2, 'two.example'));
    const q3 = framed(query(3, 'three.example'));
    const r1 = framed(response(1, 'one.example', { addresses: ['192.0.2.1'] }));
    const r2 = framed(response(2, 'two.example', { addresses: ['192.0.2.2'] }));
    const r3 = framed(response(3, 'three.example', { addresses: ['192.0.2.3'] }));
    const cs = 1001; // client's first payload byte
    const ss = 5001;
    const seg = (t: number, fromClient: boolean, seq: number, ack: number, flags: string, payload: Uint8Array = new Uint8Array(0)): WrittenPacket => ({
      time: T + t,
      data: fromClient
        ? tcpFrame({ src: C, dst: S, srcPort: 40000, dstPort: 53, seq, ack, flags, payload })
        : tcpFrame({ src: S, dst: C, srcPort: 53, dstPort: 40000, seq, ack, flags, payload }),
    });
    const packets: WrittenPacket[] = [
      seg(0, true, cs - 1, 0, 'S'), // 1
      seg(0.01, false, ss - 1, cs, 'SA'), // 2
      seg(0.02, true, cs, ss, 'A'), // 3
      seg(0.03, true, cs, ss, 'PA', q1), // 4
      seg(0.04, false, ss, cs + q1.length, 'PA', r1), // 5
      // the client's segment with q2 (at cs + q1.length) is not in the capture
      seg(0.06, true, cs + q1.length + q2.length, ss + r1.length, 'PA', q3), // 6: held above the hole
      seg(0.07, false, ss + r1.length, cs + q1.length + q2.length + q3.length, 'PA', r2), // 7: its ACK gives the hole up
      seg(0.08, false, ss + r1.length + r2.length, cs + q1.length + q2.length + q3.length, 'PA', r3), // 8
    ];
    const path = join(dir, 'resync.pcap');
    writeFileSync(path, writePcap(packets));
    const report = await analyzeCapture(path, {});
    if (!('dns' in report)) throw new Error('no report');
    const dns = report.dns;
    // q1 (4) -> r1 (5); q3, delivered past the gap as of its own packet 6 -> r3 (8); r2 answers a query never seen.
    expect(dns.transactions.map((t) => [t.id, t.qname, t.queryPackets, t.responsePackets])).toEqual([
      [1, 'one.example', [4], [5]],
      [3, 'three.example', [6], [8]],
    ]);
    expect(dns.unsolicited.map((u) => [u.packet, u.id])).toEqual([[7, 2]]);
    expect([dns.tcpFramingGaps, dns.tcpResyncs, dns.tcpLostBytes]).toEqual([1, 1, q2.length]);
  });
});
