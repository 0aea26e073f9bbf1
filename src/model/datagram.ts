/** UDP and ICMP flow rows (statecap/report-v1 `udp`, `icmp`): conversations of datagrams, Zeek conn.log-like. */

import type { BySide } from './by-side.js';

/** How the datagrams of a flow pair up. */
export type DatagramPattern = 'request-response' | 'stream' | 'one-way';

export interface DatagramFlowReport {
  id: number;
  /** The side that sent first (ICMP echo: the sender of the request). */
  client: string;
  server: string;
  firstPacket: number;
  lastPacket: number;
  start: number;
  end: number;
  duration: number;
  packets: BySide;
  payloadBytes: BySide;
  /** Zeek-like: S0 only the client sent, SF both sides, SHR only the server, OTH neither pattern (ICMP other than echo). */
  connState: 'S0' | 'SF' | 'SHR' | 'OTH';
  /** Requests answered by a response (a client datagram followed by a server datagram). */
  exchanges: number;
  unanswered: number;
  pattern: DatagramPattern;
  /** Why the row was closed: inactivity timeout, end of the capture, or evicted at the cap. */
  ended: 'timeout' | 'capture-end' | 'evicted';
  /** Who keeps what for this flow, named. */
  state: {
    serverSocketDemux: string;
    /** A middlebox on the path (NAT, stateful firewall) keeps a 5-tuple mapping for the whole flow plus its timeout. */
    middleboxConntrack: { fromPacket: number; toPacket: number; seconds: number };
  };
}

export interface DatagramFlowsReport {
  flows: DatagramFlowReport[];
  summary: { flows: number; packets: number; exchanges: number; connStates: Partial<Record<string, number>> };
}
