/**
 * fixtures/quic-loopback.pcap: real QUIC between Debian's ngtcp2 example client and server on
 * 127.0.0.1, recorded by scripts/record/quic.sh. Expected values written by hand from the capture
 * (tshark 4.0 gives the same connections and datagram counts):
 *   1-11   connection 0: handshake + GET to :4433
 *   12-23  connection 1: to :4434, which answers the first Initial with a Retry (packet 13)
 *   24-43  connection 2: its client port changes at packet 38 (NAT rebinding, same CIDs)
 *   44-56  connection 3: then the client migrates on purpose with a fresh CID (RFC 9000 §9.5),
 *   57-62  which cannot be tied to it without the keys: unattributed.
 * ngtcp2 greases the fixed bit (RFC 9287), so short headers with it clear must still be matched.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { readCapture } from '../../../src/capture/open.js';
import { decodePacket } from '../../../src/decode/decode.js';
import type { HoldEvent, StateSink } from '../../../src/state/events.js';
import { QuicTracker } from '../../../src/track/quic/tracker.js';

const FIXTURE = fileURLToPath(new URL('../../../fixtures/quic-loopback.pcap', import.meta.url));

async function run() {
  const holds: string[] = [];
  const sink: StateSink = {
    hold: (e: HoldEvent) => holds.push(`${e.endpoint.role} ${e.endpoint.port ?? ''} #${e.ref.id}${e.ref.part ? '.cids' : ''}${e.entries ? `=${e.entries}` : ''} @${e.packet}`),
    release: () => holds.push('release'),
    buffer: () => {},
  };
  const tracker = new QuicTracker({ state: sink });
  const taken: number[] = [];
  await readCapture(FIXTURE, (record) => {
    const pkt = decodePacket(record);
    if (pkt.udp && tracker.observeUdp(pkt)) taken.push(pkt.number);
  });
  return { report: tracker.finish(), holds, taken };
}

describe('ngtcp2 on loopback', async () => {
  const { report, holds, taken } = await run();
  const [c0, c1, c2, c3] = report.connections;

  it('finds four connections with their first packets and datagram counts, and 6 unattributed datagrams', () => {
    expect(report.connections.map((c) => [c.id, c.firstPacket, c.lastPacket, c.datagrams])).toEqual([
      [0, 1, 11, 11], [1, 12, 23, 12], [2, 24, 43, 20], [3, 44, 56, 13],
    ]);
    expect(report.unattributed).toEqual({ datagrams: 6, packets: [57, 58, 59, 60, 61, 62] });
    expect(taken.length).toBe(62);
  });

  it('reads SNI, ALPN, cipher suite and the client transport parameters; every handshake completes', () => {
    for (const c of report.connections) {
      expect([c.serverName, c.alpn, c.cipherSuite, c.version, c.handshake]).toEqual(['localhost', ['h3'], 'TLS_AES_128_GCM_SHA256', '1', 'complete']);
      expect(c.transportParameters?.initial_source_connection_id).toBe(c.clientScid);
      expect(c.transportParameters?.grease_quic_bit).toBe(1);
      expect(c.transportParameters?.active_connection_id_limit).toBe(7);
    }
  });

  it('connection 0: CIDs as on the wire', () => {
    expect([c0.client, c0.server, c0.clientInitialDcid, c0.clientScid, c0.serverScid, c0.retryScid]).toEqual([
      '127.0.0.1:50966', '127.0.0.1:4433', '4c845442060bd871afd6a0bc1d27185c9abe', 'a73223358fb33e9d3853a175e025c8ae3d',
      'b5ac710d52b3fea8ee8eb1a5bdb9df04298c', null,
    ]);
    expect(c0.datagramsByDirection).toEqual({ client: 6, server: 5 });
  });

  it('connection 1: the Retry SCID, then the server SCID of its Initial', () => {
    expect([c1.server, c1.retryScid, c1.serverScid]).toEqual(['127.0.0.1:4434', '712ee95f51b7af1654d23106aaa907a8ead2', '8e2827aa5781082a3b24cb6bcd243e56ee35']);
    expect(c1.cids.server).toEqual(['335403cbcbb22d2f182edc45fdafca0cf93b', '712ee95f51b7af1654d23106aaa907a8ead2', '8e2827aa5781082a3b24cb6bcd243e56ee35']);
  });

  it('connection 2: a second path from packet 38 (NAT rebinding keeps the CIDs)', () => {
    expect(c2.paths).toEqual([
      { client: '127.0.0.1:42651', server: '127.0.0.1:4433', firstPacket: 24 },
      { client: '127.0.0.1:53384', server: '127.0.0.1:4433', firstPacket: 38 },
    ]);
  });

  it('connection 3: one path; its migrated datagrams are not claimed', () => {
    expect(c3.paths.length).toBe(1);
    expect(c3.lastPacket).toBe(56);
  });

  it('the ledger: clients hold from their first Initial, the Retry server from its Initial (packet 15), not the Retry', () => {
    expect(holds.filter((h) => h.includes('#1'))).toEqual([
      'client  #1 @12', 'client  #1.cids=1 @12', 'server 4434 #1 @15', 'server 4434 #1.cids=3 @15',
    ]);
    expect(holds.filter((h) => h.startsWith('server 4433') && !h.includes('cids'))).toEqual(['server 4433 #0 @2', 'server 4433 #2 @25', 'server 4433 #3 @45']);
    expect(holds).not.toContain('release');
  });
});
