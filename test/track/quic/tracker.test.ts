/**
 * The QUIC tracker on generated conversations (test/helpers/quic.ts seals real Initials), one
 * `describe` per behaviour of issue 4. DecodedPacket objects are built directly; packet numbers
 * are 1, 2, 3 ... in the order sent.
 */
import { describe, expect, it } from 'vitest';
import type { DecodedPacket } from '../../../src/decode/packet.js';
import type { HoldEvent, ReleaseEvent, StateSink } from '../../../src/state/events.js';
import { QuicTracker } from '../../../src/track/quic/tracker.js';
import {
  ackFrame, clientHello, concat, connectionCloseFrame, cryptoFrame, DRAFT_29, hex, initialPacket, longPacket, retryPacket,
  serverHello, shortPacket, tpInt, transportParameters, udpPacket, V1, V2, versionNegotiation, Wire,
} from '../../helpers/quic.js';
import * as vec from './rfc-vectors.js';

const C = { address: '10.0.0.1', port: 50000 };
const S = { address: '10.0.0.2', port: 443 };
const ODCID = hex('8394c8f03e515708');
const CSCID = hex('c1c1c1c1');
const SSCID = hex('5e5e5e5e5e5e5e5e');
const RSCID = hex('7e7e7e7e7e7e7e7e');
const TOKEN = hex('746f6b656e');

const TP = transportParameters([[0x0f, CSCID], [0x0e, tpInt(4)], [0x01, tpInt(30000)]]);
const HELLO = clientHello({ serverName: 'example.com', alpn: ['h3', 'h3-29'], transportParameters: TP });

/** Records ledger events as short strings: "hold client 10.0.0.1 quic#0 quicConnections @1". */
class RecordingSink implements StateSink {
  readonly events: string[] = [];
  hold(e: HoldEvent): void {
    const who = e.endpoint.port === null ? `client ${e.endpoint.address}` : `server ${e.endpoint.address}:${e.endpoint.port}`;
    this.events.push(`hold ${who} quic#${e.ref.id}${e.ref.part ? `.${e.ref.part}` : ''} ${e.kind}${e.entries !== undefined ? `=${e.entries}` : ''} @${e.packet}`);
  }
  release(e: ReleaseEvent): void {
    const who = e.endpoint.port === null ? `client ${e.endpoint.address}` : `server ${e.endpoint.address}:${e.endpoint.port}`;
    this.events.push(`release ${who} quic#${e.ref.id}${e.ref.part ? `.${e.ref.part}` : ''} @${e.packet}`);
  }
  buffer(): void {}
}

function feed(tracker: QuicTracker, packets: DecodedPacket[]): boolean[] {
  return packets.map((p) => tracker.observeUdp(p));
}

const payloadBytes = (packets: DecodedPacket[]): number => packets.reduce((n, p) => n + p.udp!.length - 8, 0);

/** A v1 handshake: client Initial; server Initial+Handshake; client Initial+Handshake+1-RTT; 1-RTT both ways. */
function handshake(wire: Wire, o: { version?: number; client?: typeof C; odcid?: Uint8Array; cscid?: Uint8Array; sscid?: Uint8Array; suite?: number; hello?: Uint8Array } = {}): DecodedPacket[] {
  const version = o.version ?? V1;
  const client = o.client ?? C;
  const odcid = o.odcid ?? ODCID;
  const cscid = o.cscid ?? CSCID;
  const sscid = o.sscid ?? SSCID;
  return [
    wire.send(client, S, initialPacket({ version, side: 'client', dcid: odcid, scid: cscid, pn: 0, frames: cryptoFrame(0, o.hello ?? HELLO), padTo: 1200 })),
    wire.send(S, client,
      initialPacket({ version, side: 'server', keyCid: odcid, dcid: cscid, scid: sscid, pn: 0, frames: concat(ackFrame(0), cryptoFrame(0, serverHello({ cipherSuite: o.suite ?? 0x1302 }))) }),
      longPacket({ version, type: 'handshake', dcid: cscid, scid: sscid })),
    wire.send(client, S,
      initialPacket({ version, side: 'client', keyCid: odcid, dcid: sscid, scid: cscid, pn: 1, frames: ackFrame(0) }),
      longPacket({ version, type: 'handshake', dcid: sscid, scid: cscid }),
      shortPacket(sscid)),
    wire.send(S, client, shortPacket(cscid)),
    wire.send(client, S, shortPacket(sscid)),
  ];
}

describe('a complete v1 handshake', () => {
  const wire = new Wire();
  const sink = new RecordingSink();
  const tracker = new QuicTracker({ state: sink });
  const packets = handshake(wire);
  const taken = feed(tracker, packets);
  const report = tracker.finish();
  const c = report.connections[0];

  it('takes every datagram and makes one connection of 5 datagrams', () => {
    expect(taken).toEqual([true, true, true, true, true]);
    expect(report.connections.length).toBe(1);
    expect([c.firstPacket, c.lastPacket, c.datagrams]).toEqual([1, 5, 5]);
    expect(c.datagramsByDirection).toEqual({ client: 3, server: 2 });
  });

  it('counts coalesced packets per direction: client 1 + 3 + 1, server 2 + 1', () => {
    expect(c.packets).toEqual({ client: 5, server: 3 });
  });

  it('counts UDP payload bytes per direction', () => {
    expect(c.bytes).toEqual({ client: payloadBytes([packets[0], packets[2], packets[4]]), server: payloadBytes([packets[1], packets[3]]) });
  });

  it('records the CIDs: original DCID, client SCID, server SCID, and per side', () => {
    expect([c.clientInitialDcid, c.clientScid, c.serverScid, c.retryScid]).toEqual(['8394c8f03e515708', 'c1c1c1c1', '5e5e5e5e5e5e5e5e', null]);
    expect(c.cids).toEqual({ client: ['c1c1c1c1'], server: ['8394c8f03e515708', '5e5e5e5e5e5e5e5e'] });
  });

  it('reads SNI, ALPN and transport parameters from the ClientHello, the cipher suite from the ServerHello', () => {
    expect(c.serverName).toBe('example.com');
    expect(c.alpn).toEqual(['h3', 'h3-29']);
    expect(c.transportParameters).toEqual({ initial_source_connection_id: 'c1c1c1c1', active_connection_id_limit: 4, max_idle_timeout: 30000 });
    expect(c.cipherSuite).toBe('TLS_AES_256_GCM_SHA384');
  });

  it('is complete (server Handshake and client 1-RTT seen), idle until the end, on one path', () => {
    expect(c.handshake).toBe('complete');
    expect(c.ended).toBe('idle until end of capture');
    expect(c.paths).toEqual([{ client: '10.0.0.1:50000', server: '10.0.0.2:443', firstPacket: 1 }]);
    expect([c.version, c.versions, c.client, c.server]).toEqual(['1', ['1'], '10.0.0.1:50000', '10.0.0.2:443']);
    expect(report.summary).toEqual({ connections: 1, handshakes: { complete: 1, partial: 0, initialOnly: 0 } });
    expect(report.unattributed).toEqual({ datagrams: 0, packets: [] });
  });

  it('tells the ledger: client holds from its Initial, server from its first packet, each with its CIDs', () => {
    expect(sink.events).toEqual([
      'hold client 10.0.0.1 quic#0 quicConnections @1',
      'hold client 10.0.0.1 quic#0.1 quicCids=1 @1',
      'hold server 10.0.0.2:443 quic#0 quicConnections @2',
      'hold server 10.0.0.2:443 quic#0.1 quicCids=2 @2',
    ]);
  });

  it('an Initial only is "initial-only"; with the server Handshake but no client 1-RTT it is "partial"', () => {
    const t1 = new QuicTracker();
    feed(t1, packets.slice(0, 1));
    expect(t1.finish().connections[0].handshake).toBe('initial-only');
    const t2 = new QuicTracker();
    feed(t2, packets.slice(0, 2));
    expect(t2.finish().connections[0].handshake).toBe('partial');
  });
});

describe('the RFC 9001 Appendix A packets end to end (zero-length client SCID)', () => {
  it('pairs the server Initial with the client Initial by 4-tuple and reads both hellos', () => {
    const tracker = new QuicTracker();
    feed(tracker, [udpPacket(1, 1, C, S, hex(vec.V1_CLIENT.packet)), udpPacket(2, 2, S, C, hex(vec.V1_SERVER.packet))]);
    const c = tracker.finish().connections[0];
    expect(c.datagrams).toBe(2);
    expect([c.clientScid, c.serverScid, c.serverName, c.cipherSuite]).toEqual(['', 'f067a5502a4262b5', 'example.com', 'TLS_AES_128_GCM_SHA256']);
    expect(c.alpn).toEqual(['alpn']);
    expect(c.cids).toEqual({ client: [], server: ['8394c8f03e515708', 'f067a5502a4262b5'] });
  });
});

describe('Retry (RFC 9000 §8.1.2, §17.2.5)', () => {
  const wire = new Wire();
  const sink = new RecordingSink();
  const tracker = new QuicTracker({ state: sink });
  const packets = [
    wire.send(C, S, initialPacket({ side: 'client', dcid: ODCID, scid: CSCID, pn: 0, frames: cryptoFrame(0, HELLO), padTo: 1200 })),
    wire.send(S, C, retryPacket({ dcid: CSCID, scid: RSCID, originalDcid: ODCID, token: TOKEN })),
    // After a Retry the client's keys come from the Retry's SCID (RFC 9001 §5.2).
    wire.send(C, S, initialPacket({ side: 'client', dcid: RSCID, scid: CSCID, token: TOKEN, pn: 1, frames: cryptoFrame(0, HELLO), padTo: 1200 })),
    // A second Retry after the client answered the first is discarded (RFC 9000 §17.2.5.2).
    wire.send(S, C, retryPacket({ dcid: CSCID, scid: hex('9999999999999999'), originalDcid: ODCID, token: TOKEN })),
    wire.send(S, C,
      initialPacket({ side: 'server', keyCid: RSCID, dcid: CSCID, scid: SSCID, pn: 0, frames: concat(ackFrame(1), cryptoFrame(0, serverHello())) }),
      longPacket({ type: 'handshake', dcid: CSCID, scid: SSCID })),
    wire.send(C, S, longPacket({ type: 'handshake', dcid: SSCID, scid: CSCID }), shortPacket(SSCID)),
  ];
  feed(tracker, packets);
  const c = tracker.finish().connections[0];

  it('stays one connection of 6 datagrams', () => {
    expect(tracker.finish().connections.length).toBe(1);
    expect(c.datagrams).toBe(6);
  });

  it('records the Retry SCID, and the server SCID from its Initial, not from the ignored second Retry', () => {
    expect([c.clientInitialDcid, c.retryScid, c.serverScid]).toEqual(['8394c8f03e515708', '7e7e7e7e7e7e7e7e', '5e5e5e5e5e5e5e5e']);
    expect(c.cids.server).toEqual(['8394c8f03e515708', '7e7e7e7e7e7e7e7e', '5e5e5e5e5e5e5e5e']);
  });

  it('decrypts the server Initial with keys from the Retry SCID', () => {
    expect(c.cipherSuite).toBe('TLS_AES_128_GCM_SHA256');
    expect(c.serverName).toBe('example.com');
    expect(c.handshake).toBe('complete');
  });

  it('the server holds nothing for the stateless Retry: its state starts at its Initial (packet 5), with 3 CIDs', () => {
    expect(sink.events).toEqual([
      'hold client 10.0.0.1 quic#0 quicConnections @1',
      'hold client 10.0.0.1 quic#0.1 quicCids=1 @1',
      'hold server 10.0.0.2:443 quic#0 quicConnections @5',
      'hold server 10.0.0.2:443 quic#0.1 quicCids=3 @5',
    ]);
  });
});

describe('QUIC v2 (RFC 9369)', () => {
  it('reads v2 long headers (renumbered types) and decrypts with the v2 salt and labels', () => {
    const tracker = new QuicTracker();
    feed(tracker, handshake(new Wire(), { version: V2 }));
    const c = tracker.finish().connections[0];
    expect([c.version, c.versions, c.datagrams, c.handshake]).toEqual(['2', ['2'], 5, 'complete']);
    expect([c.serverName, c.cipherSuite]).toEqual(['example.com', 'TLS_AES_256_GCM_SHA384']);
    expect(c.packets).toEqual({ client: 5, server: 3 });
  });
});

describe('version negotiation', () => {
  it('compatible (RFC 9368): a v1 Initial answered in v2 stays one connection whose version is 2', () => {
    const wire = new Wire();
    const tracker = new QuicTracker();
    const tp = transportParameters([[0x0f, CSCID], [0x11, hex('00000001 00000001 6b3343cf')]]);
    feed(tracker, [
      wire.send(C, S, initialPacket({ version: V1, side: 'client', dcid: ODCID, scid: CSCID, frames: cryptoFrame(0, clientHello({ serverName: 'v2.example', transportParameters: tp })), padTo: 1200 })),
      // The server's Initial keys come from the same original DCID, with v2's salt (RFC 9368 §6, RFC 9369 §3.3).
      wire.send(S, C,
        initialPacket({ version: V2, side: 'server', keyCid: ODCID, dcid: CSCID, scid: SSCID, frames: cryptoFrame(0, serverHello()) }),
        longPacket({ version: V2, type: 'handshake', dcid: CSCID, scid: SSCID })),
      wire.send(C, S, longPacket({ version: V2, type: 'handshake', dcid: SSCID, scid: CSCID }), shortPacket(SSCID)),
    ]);
    const r = tracker.finish();
    expect(r.connections.length).toBe(1);
    const c = r.connections[0];
    expect([c.version, c.versions, c.datagrams, c.handshake, c.cipherSuite]).toEqual(['2', ['1', '2'], 3, 'complete', 'TLS_AES_128_GCM_SHA256']);
    expect(c.transportParameters?.version_information).toBe('chosen 1; available 1, 2');
  });

  it('a Version Negotiation packet then a new Initial with the same DCID stay one connection', () => {
    const wire = new Wire();
    const tracker = new QuicTracker();
    feed(tracker, [
      wire.send(C, S, initialPacket({ version: DRAFT_29, side: 'client', dcid: ODCID, scid: CSCID, frames: cryptoFrame(0, HELLO), padTo: 1200 })),
      wire.send(S, C, versionNegotiation({ dcid: CSCID, scid: ODCID, versions: [V1, V2] })),
      wire.send(C, S, initialPacket({ version: V1, side: 'client', dcid: ODCID, scid: CSCID, frames: cryptoFrame(0, HELLO), padTo: 1200 })),
    ]);
    const c = tracker.finish().connections[0];
    expect([c.datagrams, c.versions, c.version, c.ended]).toEqual([3, ['draft-29', '1'], '1', 'idle until end of capture']);
    expect(c.serverName).toBe('example.com');
  });

  /** A client's first datagram in a version statecap cannot read: invariant header (RFC 8999 §5.1), opaque rest, 1200 bytes. */
  const unreadableInitial = (version: number) => {
    const head = concat(Uint8Array.of(0xc0, version >>> 24, (version >>> 16) & 0xff, (version >>> 8) & 0xff, version & 0xff),
      Uint8Array.of(ODCID.length), ODCID, Uint8Array.of(CSCID.length), CSCID);
    return concat(head, new Uint8Array(1200 - head.length).fill(0x5a));
  };
  for (const [what, version, name] of [['a greased (reserved) version', 0x1a2a3a4a, '0x1a2a3a4a'], ['an unsupported version', 0x00000005, '0x00000005']] as const) {
    it(`${what}, Version Negotiation, then a v1 Initial with the same DCID: one connection from the first packet`, () => {
      const wire = new Wire();
      const sink = new RecordingSink();
      const tracker = new QuicTracker({ state: sink });
      const sent = [
        wire.send(C, S, unreadableInitial(version)), // 1
        wire.send(S, C, versionNegotiation({ dcid: CSCID, scid: ODCID, versions: [V1] })), // 2
        wire.send(C, S, initialPacket({ version: V1, side: 'client', dcid: ODCID, scid: CSCID, frames: cryptoFrame(0, HELLO), padTo: 1200 })), // 3
      ];
      // A reserved version is QUIC on sight (RFC 9000 §15); another unknown one only once answered or continued.
      expect(feed(tracker, sent)).toEqual([name === '0x1a2a3a4a', true, true]);
      const r = tracker.finish();
      const c = r.connections[0];
      expect(r.connections).toHaveLength(1);
      expect([c.firstPacket, c.datagrams, c.datagramsByDirection, c.packets, c.versions, c.version]).toEqual([
        1, 3, { client: 2, server: 1 }, { client: 2, server: 1 }, [name, '1'], '1',
      ]);
      expect(c.bytes).toEqual({ client: payloadBytes([sent[0], sent[2]]), server: payloadBytes([sent[1]]) });
      expect(r.unattributed).toEqual({ datagrams: 0, packets: [] });
      expect(c.serverName).toBe('example.com');
      // The ledger dates the client's state from the retry, and the server held nothing for the attempt (RFC 9000 §6.1).
      expect(sink.events).toEqual(['hold client 10.0.0.1 quic#0 quicConnections @3', ...sink.events.slice(1)]);
      expect(sink.events.filter((e) => e.includes('server'))).toEqual([]);
    });
  }

  it('an unreadable long header that cannot be a first Initial (short datagram) or a retry from another client is no attempt', () => {
    const wire = new Wire();
    const tracker = new QuicTracker();
    const small = unreadableInitial(0x00000005).subarray(0, 200);
    feed(tracker, [
      wire.send(C, S, small), // 1: under 1200 bytes
      wire.send({ address: '10.0.0.9', port: 50000 }, S, unreadableInitial(0x00000005)), // 2: another client
      wire.send(C, S, initialPacket({ version: V1, side: 'client', dcid: ODCID, scid: CSCID, frames: cryptoFrame(0, HELLO), padTo: 1200 })), // 3
    ]);
    const c = tracker.finish().connections[0];
    expect([c.firstPacket, c.datagrams, c.versions]).toEqual([3, 1, ['1']]);
  });

  it('a Version Negotiation the client does not follow is how the connection ended', () => {
    const wire = new Wire();
    const sink = new RecordingSink();
    const tracker = new QuicTracker({ state: sink });
    feed(tracker, [
      wire.send(C, S, initialPacket({ version: DRAFT_29, side: 'client', dcid: ODCID, scid: CSCID, frames: cryptoFrame(0, HELLO), padTo: 1200 })),
      wire.send(S, C, versionNegotiation({ dcid: CSCID, scid: ODCID, versions: [V1, V2] })),
    ]);
    const c = tracker.finish().connections[0];
    expect(c.ended).toBe('Version Negotiation at packet 2 (server offers 1, 2); the client did not continue');
    expect(c.handshake).toBe('initial-only');
    // Version Negotiation is stateless (RFC 9000 §6): the server holds nothing.
    expect(sink.events.filter((e) => e.includes('server'))).toEqual([]);
  });
});

describe('coalesced packets (RFC 9000 §12.2)', () => {
  it('reads every packet of a datagram; padding after them and a packet with another DCID are not packets', () => {
    const wire = new Wire();
    const tracker = new QuicTracker();
    feed(tracker, [
      // Zero bytes after the Initial pad the datagram, outside any packet.
      wire.send(C, S, initialPacket({ side: 'client', dcid: ODCID, scid: CSCID, frames: cryptoFrame(0, HELLO) }), new Uint8Array(300)),
      wire.send(S, C,
        initialPacket({ side: 'server', keyCid: ODCID, dcid: CSCID, scid: SSCID, frames: cryptoFrame(0, serverHello()) }),
        longPacket({ type: 'handshake', dcid: CSCID, scid: SSCID }),
        longPacket({ type: 'handshake', dcid: CSCID, scid: SSCID }),
        shortPacket(CSCID)),
      // A Handshake packet for another DCID cannot share the datagram: reading stops there.
      wire.send(C, S, longPacket({ type: 'handshake', dcid: SSCID, scid: CSCID }), longPacket({ type: 'handshake', dcid: hex('0bad0bad'), scid: CSCID })),
    ]);
    const c = tracker.finish().connections[0];
    expect(c.packets).toEqual({ client: 2, server: 4 });
    expect(c.datagrams).toBe(3);
  });
});

describe('a ClientHello in pieces (RFC 9000 §19.6)', () => {
  const big = clientHello({ serverName: 'split.example', alpn: ['h3'], keyShareLength: 1500 });
  const cut = 1000;

  it('split over two Initials, second half first: read once both are in', () => {
    const wire = new Wire();
    const tracker = new QuicTracker();
    tracker.observeUdp(wire.send(C, S, initialPacket({ side: 'client', dcid: ODCID, scid: CSCID, pn: 0, frames: cryptoFrame(cut, big.subarray(cut)), padTo: 1200 })));
    expect(tracker.finish().connections[0].serverName).toBeNull();
    tracker.observeUdp(wire.send(C, S, initialPacket({ side: 'client', dcid: ODCID, scid: CSCID, pn: 1, frames: cryptoFrame(0, big.subarray(0, cut)), padTo: 1200 })));
    const c = tracker.finish().connections[0];
    expect([c.serverName, c.alpn, c.datagrams]).toEqual(['split.example', ['h3'], 2]);
  });

  it('split into frames sent out of order inside one packet', () => {
    const tracker = new QuicTracker();
    const small = clientHello({ serverName: 'one.example', alpn: ['h3'] });
    const frames = concat(cryptoFrame(100, small.subarray(100)), cryptoFrame(40, small.subarray(40, 100)), cryptoFrame(0, small.subarray(0, 40)));
    tracker.observeUdp(new Wire().send(C, S, initialPacket({ side: 'client', dcid: ODCID, scid: CSCID, frames, padTo: 1200 })));
    expect(tracker.finish().connections[0].serverName).toBe('one.example');
  });
});

describe('several connections on one 4-tuple', () => {
  it('keeps them apart by CID, including interleaved 1-RTT packets', () => {
    const wire = new Wire();
    const tracker = new QuicTracker();
    const a = handshake(wire, { odcid: hex('a0a0a0a0a0a0a0a0'), cscid: hex('a1a1a1a1'), sscid: hex('a2a2a2a2a2a2a2a2') });
    const b = handshake(wire, { odcid: hex('b0b0b0b0b0b0b0b0'), cscid: hex('b1b1b1b1'), sscid: hex('b2b2b2b2b2b2b2b2') });
    feed(tracker, [...a, ...b]);
    feed(tracker, [
      wire.send(C, S, shortPacket(hex('a2a2a2a2a2a2a2a2'))), // 11
      wire.send(S, C, shortPacket(hex('b1b1b1b1'))), // 12
      wire.send(S, C, shortPacket(hex('a1a1a1a1'))), // 13
    ]);
    const r = tracker.finish();
    expect(r.connections.map((c) => [c.id, c.firstPacket, c.lastPacket, c.datagrams, c.clientScid])).toEqual([
      [0, 1, 13, 7, 'a1a1a1a1'],
      [1, 6, 12, 6, 'b1b1b1b1'],
    ]);
    expect(r.connections.map((c) => c.client)).toEqual(['10.0.0.1:50000', '10.0.0.1:50000']);
  });
});

describe('migration (RFC 9000 §9)', () => {
  it('the known server CID from a new client port is the same connection on a new path', () => {
    const wire = new Wire();
    const tracker = new QuicTracker();
    const moved = { address: '10.0.0.1', port: 50001 };
    const rebound = { address: '192.0.2.7', port: 40000 };
    feed(tracker, handshake(wire));
    const taken = feed(tracker, [
      wire.send(moved, S, shortPacket(SSCID)), // 6: new port
      wire.send(S, moved, shortPacket(CSCID)), // 7: the server answers on the new path
      wire.send(rebound, S, shortPacket(SSCID)), // 8: new address (NAT rebinding)
    ]);
    expect(taken).toEqual([true, true, true]);
    const c = tracker.finish().connections[0];
    expect(c.datagrams).toBe(8);
    expect(c.paths).toEqual([
      { client: '10.0.0.1:50000', server: '10.0.0.2:443', firstPacket: 1 },
      { client: '10.0.0.1:50001', server: '10.0.0.2:443', firstPacket: 6 },
      { client: '192.0.2.7:40000', server: '10.0.0.2:443', firstPacket: 8 },
    ]);
    expect(c.datagramsByDirection).toEqual({ client: 5, server: 3 });
  });
});

describe('a greased fixed bit (RFC 9287)', () => {
  it('does not stop a short header from matching, on its path or a new one', () => {
    const wire = new Wire();
    const tracker = new QuicTracker();
    const greased = (dcid: Uint8Array): Uint8Array => {
      const p = shortPacket(dcid);
      p[0] &= ~0x40;
      return p;
    };
    feed(tracker, handshake(wire));
    feed(tracker, [wire.send(S, C, greased(CSCID)), wire.send({ address: '10.0.0.1', port: 50009 }, S, greased(SSCID))]);
    const c = tracker.finish().connections[0];
    expect([c.datagrams, c.paths.length]).toEqual([7, 2]);
  });
});

describe('short headers of an unknown connection', () => {
  it('to a QUIC server from a new 4-tuple (a migration with a fresh CID, RFC 9000 §9.5): unattributed', () => {
    const wire = new Wire();
    const tracker = new QuicTracker();
    feed(tracker, handshake(wire));
    expect(tracker.observeUdp(wire.send({ address: '10.0.0.1', port: 50002 }, S, shortPacket(hex('f0f0f0f0f0f0f0f0'))))).toBe(true);
    expect(tracker.finish().unattributed).toEqual({ datagrams: 1, packets: [6] });
  });

  it('on a 4-tuple that carries QUIC: unattributed (counted, first packet numbers listed)', () => {
    const wire = new Wire();
    const tracker = new QuicTracker();
    feed(tracker, handshake(wire));
    const taken = feed(tracker, [wire.send(C, S, shortPacket(hex('dddddddddddddddd'))), wire.send(S, C, shortPacket(hex('eeeeeeee')))]);
    expect(taken).toEqual([true, true]);
    const r = tracker.finish();
    expect(r.unattributed).toEqual({ datagrams: 2, packets: [6, 7] });
    expect(r.connections[0].datagrams).toBe(5);
  });

  it('on a 4-tuple that never carried QUIC, or before any connection: not QUIC', () => {
    const tracker = new QuicTracker();
    const other = { address: '10.9.9.9', port: 5000 };
    expect(tracker.observeUdp(udpPacket(1, 1, other, S, shortPacket(SSCID)))).toBe(false);
    feed(tracker, handshake(new Wire()));
    expect(tracker.observeUdp(udpPacket(9, 9, other, { address: '10.9.9.8', port: 6000 }, shortPacket(hex('0102030405060708'))))).toBe(false);
    expect(tracker.finish().unattributed.datagrams).toBe(0);
  });

  it('0-RTT before any client Initial, and a server Initial whose client Initial was not captured, are unattributed', () => {
    const wire = new Wire();
    const tracker = new QuicTracker();
    const taken = feed(tracker, [
      wire.send(C, S, longPacket({ type: '0rtt', dcid: ODCID, scid: CSCID })),
      wire.send(S, C, initialPacket({ side: 'server', keyCid: ODCID, dcid: CSCID, scid: SSCID, frames: cryptoFrame(0, serverHello()) })),
    ]);
    expect(taken).toEqual([true, true]);
    const r = tracker.finish();
    expect(r.connections).toEqual([]);
    expect(r.unattributed).toEqual({ datagrams: 2, packets: [1, 2] });
  });

  it('UDP that is not QUIC is left alone: an unknown version, an empty payload', () => {
    const tracker = new QuicTracker();
    const unknownVersion = concat(hex('c0 51474f31 08'), ODCID, hex('00 00'));
    expect(tracker.observeUdp(udpPacket(1, 1, C, S, unknownVersion))).toBe(false);
    expect(tracker.observeUdp(udpPacket(2, 2, C, S, new Uint8Array(0)))).toBe(false);
  });
});

describe('an Initial to a CID the capture never showed being issued', () => {
  it('belongs to the connection of its 4-tuple whose Initial keys authenticate it', () => {
    const wire = new Wire();
    const tracker = new QuicTracker();
    const fresh = hex('90abcdf8');
    feed(tracker, handshake(wire).slice(0, 2));
    feed(tracker, [
      wire.send(C, S, initialPacket({ side: 'client', keyCid: ODCID, dcid: fresh, scid: CSCID, pn: 1, frames: ackFrame(0), padTo: 1200 })),
      wire.send(C, S, longPacket({ type: 'handshake', dcid: fresh, scid: CSCID }), shortPacket(fresh)),
    ]);
    const r = tracker.finish();
    expect(r.connections.length).toBe(1);
    expect(r.connections[0].datagrams).toBe(4);
    expect(r.connections[0].cids.server).toEqual(['8394c8f03e515708', '5e5e5e5e5e5e5e5e', '90abcdf8']);
  });
});

describe('CONNECTION_CLOSE in an Initial', () => {
  it('ends the connection and releases its state at both ends', () => {
    const wire = new Wire();
    const sink = new RecordingSink();
    const tracker = new QuicTracker({ state: sink });
    feed(tracker, [
      wire.send(C, S, initialPacket({ side: 'client', dcid: ODCID, scid: CSCID, frames: cryptoFrame(0, HELLO), padTo: 1200 })),
      // CRYPTO_ERROR 0x100 + TLS alert 120 (no_application_protocol), RFC 9001 §4.8.
      wire.send(S, C, initialPacket({ side: 'server', keyCid: ODCID, dcid: CSCID, scid: SSCID, frames: connectionCloseFrame(0x178, 'no ALPN', 0x06) })),
    ]);
    const c = tracker.finish().connections[0];
    expect(c.ended).toBe('CONNECTION_CLOSE from the server in an Initial packet (CRYPTO_ERROR (TLS alert 120): "no ALPN") at packet 2');
    expect(sink.events).toEqual([
      'hold client 10.0.0.1 quic#0 quicConnections @1',
      'hold client 10.0.0.1 quic#0.1 quicCids=1 @1',
      'hold server 10.0.0.2:443 quic#0 quicConnections @2',
      'hold server 10.0.0.2:443 quic#0.1 quicCids=2 @2',
      'release client 10.0.0.1 quic#0 @2',
      'release client 10.0.0.1 quic#0.1 @2',
      'release server 10.0.0.2:443 quic#0 @2',
      'release server 10.0.0.2:443 quic#0.1 @2',
    ]);
  });
});

describe('a capture cut by its snaplen', () => {
  it('still creates the connection from a client Initial it can only partly decipher, counting the bytes sent and reading what it can', () => {
    const wire = new Wire();
    const tracker = new QuicTracker();
    const taken = tracker.observeUdp(wire.sendTruncated(200, C, S, initialPacket({ side: 'client', dcid: ODCID, scid: CSCID, frames: cryptoFrame(0, HELLO), padTo: 1200 })));
    expect(taken).toBe(true);
    const c = tracker.finish().connections[0];
    expect([c.clientInitialDcid, c.datagrams, c.bytes.client, c.packets.client]).toEqual(['8394c8f03e515708', 1, 1200, 1]);
    // The first 200 bytes hold the start of the ClientHello: its server_name and ALPN extensions.
    expect([c.serverName, c.alpn]).toEqual(['example.com', ['h3', 'h3-29']]);
  });
});

describe('the connection table limit', () => {
  it('evicts the least recently active connection and counts it', () => {
    const wire = new Wire();
    const tracker = new QuicTracker({ maxConnections: 2 });
    const open = (n: number): DecodedPacket =>
      wire.send({ address: '10.0.0.1', port: 50000 + n }, S, initialPacket({ side: 'client', dcid: hex(`0${n}0${n}0${n}0${n}0${n}0${n}0${n}0${n}`), scid: hex(`c${n}`), frames: cryptoFrame(0, HELLO), padTo: 1200 }));
    feed(tracker, [open(1), open(2), open(3)]);
    expect(tracker.evictedConnections).toBe(1);
    // Connection 0 is forgotten: its server's answer attaches to nothing.
    expect(tracker.observeUdp(wire.send(S, { address: '10.0.0.1', port: 50001 }, longPacket({ type: 'handshake', dcid: hex('c1'), scid: SSCID })))).toBe(true);
    const r = tracker.finish();
    expect(r.connections.map((c) => c.datagrams)).toEqual([1, 1, 1]);
    expect(r.connections[0].ended).toBe('no longer tracked after packet 3 (connection table full)');
    expect(r.unattributed.packets).toEqual([4]);
  });
});

describe('connections end on capture time: idle timeout', () => {
  // The client's max_idle_timeout is 30000 ms (TP above): both ends drop a connection silent for
  // longer (RFC 9000 §10.1), and say nothing on the wire.
  function run(gap: number) {
    const wire = new Wire();
    const sink = new RecordingSink();
    const tracker = new QuicTracker({ state: sink });
    const packets = handshake(wire); // 1-5
    const late = wire.send(C, S, shortPacket(SSCID)); // 6
    late.time += gap;
    const taken = feed(tracker, [...packets, late]);
    return { taken, sink, tracker, report: tracker.finish() };
  }

  it('a packet 31 s after the last finds the connection gone: released then, not evicted', () => {
    const { report, sink, tracker, taken } = run(31);
    expect(report.connections.map((c) => [c.lastPacket, c.ended])).toEqual([[5, 'idle timeout: silent for 30 s after packet 5']]);
    expect(sink.events.filter((e) => e.startsWith('release'))).toEqual([
      'release client 10.0.0.1 quic#0 @6', 'release client 10.0.0.1 quic#0.1 @6',
      'release server 10.0.0.2:443 quic#0 @6', 'release server 10.0.0.2:443 quic#0.1 @6',
    ]);
    expect(tracker.evictedConnections).toBe(0);
    // Its CIDs are no longer routed and no connection is live: a short header alone is not
    // recognisably QUIC (it is left to other trackers).
    expect(taken[5]).toBe(false);
    expect(report.unattributed).toEqual({ datagrams: 0, packets: [] });
  });

  it('a packet 20 s after the last still belongs to the connection', () => {
    const { report } = run(20);
    expect(report.connections.map((c) => [c.lastPacket, c.ended])).toEqual([[6, 'idle until end of capture']]);
  });

  // The option (--tracker-option quicIdleTimeout) stands in only for an unknown max_idle_timeout.
  function runWith(gap: number, idleTimeout: number, hello?: Uint8Array) {
    const wire = new Wire();
    const tracker = new QuicTracker({ idleTimeout });
    const packets = handshake(wire, { hello }); // 1-5
    const late = wire.send(C, S, shortPacket(SSCID)); // 6
    late.time += gap;
    feed(tracker, [...packets, late]);
    return tracker.finish().connections.map((c) => [c.lastPacket, c.ended]);
  }
  const NO_IDLE_TP = clientHello({ serverName: 'example.com', alpn: ['h3'], transportParameters: transportParameters([[0x0f, CSCID]]) });

  it('the client\'s max_idle_timeout (30 s) wins over the option: 20 s later still belongs', () => {
    expect(runWith(20, 10)).toEqual([[6, 'idle until end of capture']]);
  });

  it('without a max_idle_timeout the option decides: 11 s of silence ends it at 10 s, not at the default 30 s', () => {
    expect(runWith(11, 10, NO_IDLE_TP)).toEqual([[5, 'idle timeout: silent for 10 s after packet 5']]);
    expect(runWith(11, 30, NO_IDLE_TP)).toEqual([[6, 'idle until end of capture']]);
  });
});

describe('connections end on capture time, each on its own deadline', () => {
  it('an older attempt still in its handshake does not hold back the idle timeout of a later connection', () => {
    // Packet 1: another client's Initial that nobody answers (its handshake never completes, so it
    // is kept: a client backs off its retries for longer than an idle timeout). Packets 2-6: a
    // complete connection, then 31 s of silence before packet 7, past its 30 s max_idle_timeout.
    const wire = new Wire();
    const sink = new RecordingSink();
    const tracker = new QuicTracker({ state: sink });
    const other = { address: '10.0.0.9', port: 50001 };
    const attempt = wire.send(other, S, initialPacket({ side: 'client', dcid: hex('0102030405060708'), scid: hex('0a0b'), frames: cryptoFrame(0, HELLO), padTo: 1200 }));
    const packets = handshake(wire); // 2-6
    const late = wire.send(C, S, shortPacket(SSCID)); // 7
    late.time += 31;
    feed(tracker, [attempt, ...packets, late]);
    const report = tracker.finish();
    expect(report.connections.map((c) => [c.firstPacket, c.lastPacket, c.ended])).toEqual([
      [1, 1, 'idle until end of capture'],
      [2, 6, 'idle timeout: silent for 30 s after packet 6'],
    ]);
    expect(sink.events.filter((e) => e.startsWith('release client 10.0.0.1'))).toEqual([
      'release client 10.0.0.1 quic#1 @7', 'release client 10.0.0.1 quic#1.1 @7',
    ]);
  });
});

describe('connections end on capture time: the draining period after a CONNECTION_CLOSE', () => {
  // The server closes in its Initial (packet 2); the client's Initial again `gap` s later (packet 3,
  // a retransmission the server's close crossed) belongs to the connection only within the
  // closing/draining period (RFC 9000 §10.2), 3 s by default.
  function run(gap: number, drainTimeout?: number) {
    const wire = new Wire();
    const tracker = new QuicTracker({ drainTimeout });
    const first = initialPacket({ side: 'client', dcid: ODCID, scid: CSCID, frames: cryptoFrame(0, HELLO), padTo: 1200 });
    const packets = [
      wire.send(C, S, first),
      wire.send(S, C, initialPacket({ side: 'server', keyCid: ODCID, dcid: CSCID, scid: SSCID, frames: connectionCloseFrame(0x178, 'no ALPN', 0x06) })),
      wire.send(C, S, first),
    ];
    packets[2].time += gap;
    feed(tracker, packets);
    return tracker.finish().connections.map((c) => [c.firstPacket, c.datagrams]);
  }

  it('2 s after the close the copy still belongs to the closed connection', () => {
    expect(run(2)).toEqual([[1, 3]]);
  });

  it('with a 1 s draining period the connection is gone: the copy opens a new one', () => {
    expect(run(2, 1)).toEqual([[1, 2], [3, 1]]);
  });
});

describe('a stateless reset ends the connection: state loss', () => {
  class LossSink extends RecordingSink {
    readonly losses: { packet: number; kind: string; endpoint: string; id: number | undefined }[] = [];
    loss(e: Parameters<NonNullable<StateSink['loss']>>[0]): void {
      this.losses.push({ packet: e.packet, kind: e.kind, endpoint: `${e.endpoint.address}:${e.endpoint.port}`, id: e.ref?.id });
    }
    flow(): void {}
  }
  // RFC 9000 §10.3: first byte 01xxxxxx, unpredictable bytes, a 16-byte token; 30 bytes here.
  const reset = concat(hex('4d'), hex('0102030405060708090a0b0c0d'), hex('00112233445566778899aabbccddeeff'));

  it('a server reset after which nothing more is attributed: the server had lost the connection', () => {
    const wire = new Wire();
    const sink = new LossSink();
    const tracker = new QuicTracker({ state: sink });
    feed(tracker, [...handshake(wire), wire.send(S, C, reset)]); // 1-5, reset 6
    tracker.finish();
    expect(sink.losses).toEqual([{ packet: 6, kind: 'quic-stateless-reset', endpoint: '10.0.0.2:443', id: 0 }]);
  });

  it('not when the connection goes on afterwards', () => {
    const wire = new Wire();
    const sink = new LossSink();
    const tracker = new QuicTracker({ state: sink });
    feed(tracker, [...handshake(wire), wire.send(S, C, reset), wire.send(C, S, shortPacket(SSCID))]);
    tracker.finish();
    expect(sink.losses).toEqual([]);
  });
});
