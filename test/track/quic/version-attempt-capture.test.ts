/**
 * QUIC version negotiation with the same DCID, end to end on a generated capture: a first Initial
 * in a greased version (RFC 9000 §15), the server's Version Negotiation, and the client's v1 retry
 * with the same DCID are one connection from packet 1, as tshark groups them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../../src/pipeline.js';
import { writePcap } from '../../helpers/capture-file.js';
import { udpFrame } from '../../helpers/packets.js';
import { clientHello, concat, cryptoFrame, hex, initialPacket, V1, versionNegotiation } from '../../helpers/quic.js';

const T = 1_700_000_000;
const dir = mkdtempSync(join(tmpdir(), 'statecap-quic-vn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('QUIC: Version Negotiation, then a retry with the same DCID', () => {
  it('one connection of three datagrams from the greased Initial; the server holds nothing for the attempt', async () => {
    const dcid = hex('0011223344556677');
    const scid = hex('a0a1a2a3');
    const greased = 0x3a4a5a6a;
    const head = concat(Uint8Array.of(0xc0, 0x3a, 0x4a, 0x5a, 0x6a, dcid.length), dcid, Uint8Array.of(scid.length), scid);
    const first = concat(head, new Uint8Array(1200 - head.length).fill(0x42));
    const c = (t: number, payload: Uint8Array) => ({ time: T + t, data: udpFrame({ src: '10.0.0.1', dst: '10.0.0.2', srcPort: 50000, dstPort: 443, payload }) });
    const s = (t: number, payload: Uint8Array) => ({ time: T + t, data: udpFrame({ src: '10.0.0.2', dst: '10.0.0.1', srcPort: 443, dstPort: 50000, payload }) });
    const path = join(dir, 'vn.pcap');
    writeFileSync(path, writePcap([
      c(0, first),
      s(0.01, versionNegotiation({ dcid: scid, scid: dcid, versions: [V1] })),
      c(0.02, initialPacket({ version: V1, side: 'client', dcid, scid, frames: cryptoFrame(0, clientHello({ serverName: 'vn.example' })), padTo: 1200 })),
    ]));
    const report = await analyzeCapture(path, {});
    if (!('quic' in report)) throw new Error('no report');
    expect(report.quic.connections.map((q) => [q.firstPacket, q.datagrams, q.versions, q.version, q.serverName, q.clientInitialDcid])).toEqual([
      [1, 3, [`0x${greased.toString(16)}`, '1'], '1', 'vn.example', '0011223344556677'],
    ]);
    expect(report.quic.unattributed.datagrams).toBe(0);
    const server = report.endpoints.find((e) => e.endpoint === '10.0.0.2:443');
    expect(server?.peak.entries ?? 0).toBe(0);
  });
});
