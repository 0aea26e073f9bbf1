/**
 * Connection attempts in a version the capture cannot read: a client's first long-header packet
 * of an unsupported or greased version (RFC 9000 §6, §15), the server's Version Negotiation that
 * answers it (§17.2.1: DCID and SCID echoed swapped), and the client's retry with a supported
 * version and the same DCID (§6.2: it keeps its connection IDs). tshark keeps all three in one
 * connection, as the mission of grouping by connection ID says. The attempt is remembered here
 * until that retry opens the connection, which then starts at the attempt's first packet.
 *
 * Bounded: at most `max` attempts (the oldest is dropped), keyed by the client's DCID.
 */
import type { BySide } from '../../model/by-side.js';
import { cidHex } from './cid.js';
import { LazyQueue } from '../lazy-queue.js';

/** What one attempt left before the connection opened. */
export interface VersionAttempt {
  /** The client's DCID and SCID, hex. */
  dcid: string;
  scid: string;
  clientAddress: string;
  clientPort: number;
  serverAddress: string;
  serverPort: number;
  version: number;
  firstPacket: number;
  time: number;
  datagrams: BySide;
  /** UDP payload bytes as sent. */
  bytes: BySide;
  /** Packets the tracker counted as unattributed QUIC meanwhile (to take back when the connection opens). */
  unattributed: number[];
  /** The Version Negotiation that answered it. */
  negotiation: { packet: number; versions: number[] } | null;
}

export class VersionAttempts {
  private readonly byDcid = new Map<string, VersionAttempt>();
  /** Oldest first, for the cap (not the Map's first key: V8 skips a hole per deleted entry to reach it). */
  private readonly order = new LazyQueue<VersionAttempt>((a) => this.byDcid.get(a.dcid) === a);

  constructor(private readonly max: number) {}

  /**
   * A client's long header in a version statecap cannot read. Returns the attempt it starts or
   * repeats (a repeat: same DCID from the same client).
   */
  sent(dcid: Uint8Array, scid: Uint8Array, version: number, from: [string, number], to: [string, number], packet: number, time: number, bytes: number): VersionAttempt | null {
    if (dcid.length === 0) return null;
    const key = cidHex(dcid);
    const known = this.byDcid.get(key);
    if (known) {
      if (known.clientAddress !== from[0] || known.clientPort !== from[1]) return null;
      known.datagrams.client++;
      known.bytes.client += bytes;
      return known;
    }
    const attempt: VersionAttempt = {
      dcid: key, scid: cidHex(scid), clientAddress: from[0], clientPort: from[1], serverAddress: to[0], serverPort: to[1],
      version, firstPacket: packet, time, datagrams: { client: 1, server: 0 }, bytes: { client: bytes, server: 0 },
      unattributed: [], negotiation: null,
    };
    this.byDcid.set(key, attempt);
    this.order.push(attempt);
    if (this.byDcid.size > this.max) {
      const oldest = this.order.shift();
      if (oldest !== undefined) this.byDcid.delete(oldest.dcid);
    }
    return attempt;
  }

  /** A Version Negotiation (its DCID/SCID are the client's SCID/DCID) from the attempt's server to its client. */
  answered(dcid: Uint8Array, scid: Uint8Array, versions: number[], from: [string, number], to: [string, number], packet: number, bytes: number): VersionAttempt | null {
    const attempt = this.byDcid.get(cidHex(scid));
    if (!attempt || attempt.scid !== cidHex(dcid)) return null;
    if (attempt.serverAddress !== from[0] || attempt.serverPort !== from[1] || attempt.clientAddress !== to[0] || attempt.clientPort !== to[1]) return null;
    attempt.datagrams.server++;
    attempt.bytes.server += bytes;
    attempt.negotiation = { packet, versions };
    return attempt;
  }

  /** The client's Initial that opens a connection with this DCID: the attempt it continues, removed. */
  take(dcid: Uint8Array, clientAddress: string, serverAddress: string, serverPort: number): VersionAttempt | null {
    // Every new connection asks: most captures have no attempt to take, so no key is made.
    if (this.byDcid.size === 0) return null;
    const key = cidHex(dcid);
    const attempt = this.byDcid.get(key);
    if (!attempt || attempt.clientAddress !== clientAddress || attempt.serverAddress !== serverAddress || attempt.serverPort !== serverPort) return null;
    this.byDcid.delete(key);
    this.order.removed(this.byDcid.size);
    return attempt;
  }
}
