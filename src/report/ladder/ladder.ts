/**
 * The ladder (sequence) diagram of one conversation as plain rows, shared by the terminal view
 * (`statecap explain`) and the SVG of the HTML report: one arrow per logged packet, the states
 * each end enters beside its line at the packet that changed them, and a fold row for the packets
 * left out between the first and the last ones. Pure functions of report rows.
 */
import type { DnsTransactionReport, QuicConnectionReport, TcpFlowReport, TcpPacketRecord, TcpTransition } from '../schema.js';
import { rfcSection } from './sections.js';

export type Side = 'client' | 'server';

export interface LadderArrow {
  kind: 'arrow';
  packet: number;
  /** Seconds since the conversation's first packet. */
  time: number;
  from: Side;
  /** What the packet is: TCP flags, "query A example.com", "Initial". */
  label: string;
  /** Numbers: "seq=1 ack=1 win=65535 len=100". */
  detail: string;
  /** Findings worth a warning colour: "retransmission", "dup ACK", ... */
  notes: string[];
}

export interface StateChange {
  state: string;
  /** Why, briefly: an RFC 9293 section for TCP, a word for DNS and QUIC. */
  note: string;
  /** The change's moment is an estimate (TcpTransition.uncertain): drawn with a "?". */
  uncertain?: true;
}

export interface LadderStates {
  kind: 'states';
  /** The packet that changed them (null: at the end of the capture). */
  packet: number | null;
  /** Seconds since the conversation's first packet (NaN: unknown). */
  time: number;
  client: StateChange | null;
  server: StateChange | null;
}

export interface LadderFold {
  kind: 'fold';
  /** Packets left out here. */
  count: number;
}

export type LadderRow = LadderArrow | LadderStates | LadderFold;

export interface Ladder {
  /** Anchor id in the HTML report: "tcp-3", "dns-0", "quic-1". */
  id: string;
  title: string;
  client: string;
  server: string;
  /** Each end's state before the first row. */
  start: { client: string; server: string };
  rows: LadderRow[];
  /** Packets of the conversation, drawn or folded. */
  packets: number;
}

/** Anchor ids, one function so the summary links and the ladders agree. */
export const ladderId = {
  tcp: (id: number): string => `tcp-${id}`,
  dns: (index: number): string => `dns-${index}`,
  quic: (id: number): string => `quic-${id}`,
};

function tcpArrow(p: TcpPacketRecord, start: number): LadderArrow {
  const ack = p.ack === null ? '' : ` ack=${p.ack}`;
  return {
    kind: 'arrow', packet: p.packet, time: p.time - start, from: p.from, label: p.flags,
    detail: `seq=${p.seq}${ack} win=${p.window} len=${p.length}`, notes: p.analysis,
  };
}

/** State rows for the transitions of one packet (both ends on one row when they change together). */
function stateRows(transitions: readonly TcpTransition[], packet: TcpPacketRecord | null, start: number): LadderStates[] {
  const rows: LadderStates[] = [];
  for (const t of transitions) {
    const sent = packet === null ? null : packet.from === t.endpoint;
    const syn = packet === null ? null : packet.flags.split(',').includes('SYN');
    // A transition the tracker could not time for sure (a retransmitted SYN or FIN) is marked.
    const change: StateChange = { state: t.to, note: rfcSection(t, sent, syn), ...(t.uncertain ? { uncertain: true } : {}) };
    const last = rows[rows.length - 1];
    // One row per packet and end: a second change of the same end at the same packet gets its own row.
    if (last !== undefined && last.packet === t.packet && last[t.endpoint] === null) last[t.endpoint] = change;
    else rows.push({ kind: 'states', packet: t.packet, time: t.time - start, client: t.endpoint === 'client' ? change : null, server: t.endpoint === 'server' ? change : null });
  }
  return rows;
}

/** The ladder of a TCP flow; without a packet log (not recorded), only its state changes. */
export function tcpLadder(flow: TcpFlowReport): Ladder {
  const log = flow.packetLog;
  const byPacket = new Map<number, TcpTransition[]>();
  for (const t of flow.transitions) {
    const list = byPacket.get(t.packet);
    if (list === undefined) byPacket.set(t.packet, [t]);
    else list.push(t);
  }
  const rows: LadderRow[] = [];
  const drawn = new Set<number>();
  const emit = (p: TcpPacketRecord): void => {
    rows.push(tcpArrow(p, flow.start));
    drawn.add(p.packet);
    rows.push(...stateRows(byPacket.get(p.packet) ?? [], p, flow.start));
  };
  const first = log?.first ?? [];
  const last = log?.last ?? [];
  for (const p of first) emit(p);
  const folded = log === undefined ? flow.packets : log.folded;
  if (folded > 0) {
    rows.push({ kind: 'fold', count: folded });
    // Changes at packets that were folded away still show, after the fold, with their packet number.
    const hidden = flow.transitions.filter((t) => !drawn.has(t.packet) && !last.some((p) => p.packet === t.packet));
    rows.push(...stateRows(hidden, null, flow.start));
  }
  for (const p of last) emit(p);
  const firstChange = (side: Side): string => flow.transitions.find((t) => t.endpoint === side)?.from ?? flow.finalState[side];
  return {
    id: ladderId.tcp(flow.id),
    title: `TCP flow ${flow.id}: ${flow.client} → ${flow.server}, ${flow.packets} packet${flow.packets === 1 ? '' : 's'}, ${flow.connState}`,
    client: flow.client,
    server: flow.server,
    start: { client: firstChange('client'), server: firstChange('server') },
    rows,
    packets: flow.packets,
  };
}

/**
 * A DNS transaction: the query (and its retransmissions), then each response. The client holds a
 * pending query from its first query until the answer (RFC 1035 §7.1: the resolver keeps it to
 * match the reply); the server holds nothing for it (RFC 1035 §4.2.1: each query is answered alone).
 */
export function dnsLadder(t: DnsTransactionReport): Ladder {
  const rows: LadderRow[] = [];
  const q = `query ${t.qtype ?? '?'} ${t.qname ?? '(no question)'}`;
  t.queryPackets.forEach((packet, i) => {
    rows.push({
      kind: 'arrow', packet, time: i === 0 ? 0 : Number.NaN, from: 'client', label: q,
      detail: `id=0x${t.id.toString(16).padStart(4, '0')} ${t.transport}`, notes: i === 0 ? [] : ['retransmission'],
    });
    if (i === 0) rows.push({ kind: 'states', packet, time: 0, client: { state: 'query pending', note: '' }, server: null });
  });
  t.responsePackets.forEach((packet, i) => {
    const rtt = i === 0 && t.rtt !== null ? t.rtt : Number.NaN;
    rows.push({
      kind: 'arrow', packet, time: rtt, from: 'server', label: `response ${t.rcode ?? '?'}, ${t.answers} answer${t.answers === 1 ? '' : 's'}`,
      detail: `id=0x${t.id.toString(16).padStart(4, '0')}${t.flags?.tc ? ' TC' : ''}${t.flags?.aa ? ' AA' : ''}`,
      notes: i === 0 ? [] : ['duplicate response'],
    });
    if (i === 0) rows.push({ kind: 'states', packet, time: rtt, client: { state: t.outcome, note: '' }, server: null });
  });
  if (t.responsePackets.length === 0) rows.push({ kind: 'states', packet: null, time: Number.NaN, client: { state: t.outcome, note: '' }, server: null });
  return {
    id: ladderId.dns(t.index),
    title: `DNS transaction ${t.index}: ${t.client} → ${t.server}, ${q}, ${t.outcome}`,
    client: t.client,
    server: t.server,
    start: { client: 'idle', server: 'idle' },
    rows,
    packets: t.queryPackets.length + t.responsePackets.length,
  };
}

/**
 * A QUIC connection as far as the report knows it: its first datagram, each path change
 * (migration, RFC 9000 §9), the datagrams between folded, and how it ended. Both ends hold the
 * connection and its CIDs from the handshake on (RFC 9000 §5.1).
 */
export function quicLadder(c: QuicConnectionReport): Ladder {
  const rows: LadderRow[] = [];
  rows.push({
    kind: 'arrow', packet: c.firstPacket, time: 0, from: 'client', label: 'Initial',
    detail: [c.serverName === null ? null : `SNI ${c.serverName}`, c.version === null ? null : `version ${c.version}`].filter((x) => x !== null).join(' '), notes: [],
  });
  const cids = (side: Side): string => `${c.cids[side].length} CID${c.cids[side].length === 1 ? '' : 's'}`;
  rows.push({
    kind: 'states', packet: c.firstPacket, time: 0,
    client: { state: 'connection', note: cids('client') },
    server: { state: c.handshake === 'initial-only' ? 'initial only' : 'connection', note: cids('server') },
  });
  // The report keeps no per-datagram log: what lies between the first datagram and the end is
  // folded, path changes excepted (each drawn with its first packet).
  const moves = c.paths.slice(1);
  const folded = c.datagrams - 1 - moves.length;
  if (folded > 0) rows.push({ kind: 'fold', count: folded });
  for (const path of moves) {
    rows.push({ kind: 'arrow', packet: path.firstPacket, time: Number.NaN, from: 'client', label: 'new path', detail: `${path.client} → ${path.server}`, notes: ['migration'] });
  }
  rows.push({ kind: 'states', packet: c.lastPacket, time: c.end - c.start, client: { state: 'ended', note: '' }, server: { state: 'ended', note: '' } });
  return {
    id: ladderId.quic(c.id),
    title: `QUIC connection ${c.id}: ${c.client} → ${c.server}, ${c.datagrams} datagrams, handshake ${c.handshake}, ${c.ended}`,
    client: c.client,
    server: c.server,
    start: { client: 'idle', server: 'idle' },
    rows,
    packets: c.datagrams,
  };
}

/** Arrows drawn (a test compares this with the flow's packets when nothing was folded). */
export function arrowCount(ladder: Ladder): number {
  return ladder.rows.filter((r) => r.kind === 'arrow').length;
}
