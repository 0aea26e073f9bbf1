/**
 * The conn.log rows Zeek would write for one tshark stream. Zeek forgets a connection when one of
 * its timers fires or a SYN reuses the 4-tuple (zeek-session.ts `ended`), and its next packet then
 * starts a new connection with its own uid: SYN retries more than 5 s apart, data after a RST, a
 * one-sided conversation idle past a timer. tshark's `tcp.stream` keeps all of it as one stream,
 * and so does statecap's flow; the flow lists Zeek's reading as `zeek` rows, so that both are in
 * the report. The flow's own `connState` and `history` stay those of Zeek's first connection.
 */
import type { ConnState, ZeekConnectionReport } from '../../model/tcp.js';
import { ZeekSession, type ZeekSegment } from './zeek-session.js';

interface FinishedRow {
  firstPacket: number;
  origIsClient: boolean;
  connState: ConnState;
  history: string;
}

export class ZeekConnections {
  private current: ZeekSession;
  private currentFirst: number;
  /** Connections Zeek already ended, oldest first (created at the first split: most flows have none). */
  private finished: FinishedRow[] | null = null;

  constructor(first: ZeekSegment, srcPort: number, dstPort: number, packet: number) {
    this.current = new ZeekSession(first, srcPort, dstPort);
    this.currentFirst = packet;
  }

  /** One packet; when Zeek would have forgotten the connection, this packet starts the next one. */
  observe(s: ZeekSegment, srcPort: number, dstPort: number, packet: number): void {
    this.current.observe(s);
    if (!this.current.ended) return;
    (this.finished ??= []).push(rowOf(this.current, this.currentFirst));
    this.current = new ZeekSession(s, srcPort, dstPort);
    this.currentFirst = packet;
    this.current.observe(s);
  }

  /** Zeek's first connection of the flow: its conn_state. */
  connState(): ConnState {
    return this.finished ? this.finished[0].connState : this.current.connState();
  }

  /** Zeek's first connection of the flow: its history. */
  history(): string {
    return this.finished ? this.finished[0].history : this.current.history.text;
  }

  /**
   * Every row, in order. `uid` is deterministic ("C<flow id>.<n>"), not Zeek's random one; `orig`
   * says which side Zeek takes as originator (its roles may flip, e.g. a lone SYN-ACK).
   */
  rows(flowId: number): ZeekConnectionReport[] {
    // Most flows are one connection: no intermediate lists for them, and a list of exactly one
    // (a push onto [] would give it room for 17).
    if (this.finished === null) return [reportRow(flowId, 0, rowOf(this.current, this.currentFirst))];
    const rows = this.finished.map((r, n) => reportRow(flowId, n, r));
    rows.push(reportRow(flowId, rows.length, rowOf(this.current, this.currentFirst)));
    return rows;
  }
}

function reportRow(flowId: number, n: number, r: FinishedRow): ZeekConnectionReport {
  return { uid: `C${flowId}.${n}`, firstPacket: r.firstPacket, orig: r.origIsClient ? 'client' : 'server', connState: r.connState, history: r.history };
}

function rowOf(session: ZeekSession, firstPacket: number): FinishedRow {
  return { firstPacket, origIsClient: session.origIsClient, connState: session.connState(), history: session.history.text };
}
