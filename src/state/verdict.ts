/**
 * An endpoint's verdict, its reasons in plain words with packet numbers, and the routing a load
 * balancer in front of it needs. Rules:
 * - stateful: it held any TCP state (a control block keeps sequence numbers, windows and a state
 *   machine across every exchange of the connection, RFC 9293 §3.3.2) or any QUIC state (a
 *   connection and its CIDs, RFC 9000 §5). State spans exchanges.
 * - stateless: it held only DNS state. A DNS server over UDP keeps a query only from query to
 *   response; a DNS client keeps the query ID and its source port until the answer or the timeout
 *   (RFC 1035 §7.3). Neither outlives one request/response exchange: losing it loses only the
 *   answers in flight, which the client retries. (A client with many such queries is busy, not
 *   stateful: its reasons list them.)
 * - stickyRouting: '4-tuple' if it held TCP state, else 'connection-id' if QUIC (a CID-aware
 *   balancer needs no 4-tuple stickiness, RFC 9000 §5.1), else 'none'.
 * Reasons: one summary line, the first MAX_FLOW_LINES flows (stateful ones first), "and N more",
 * and a line when the same address also acts in the other role (e.g. a resolver that forwards).
 */
import type { EndpointReport } from '../model/endpoint.js';
import type { StateKind } from './events.js';
import type { FlowSpan, FlowSpans } from './flow-spans.js';

export const MAX_FLOW_LINES = 5;

export interface VerdictInput {
  role: 'server' | 'client';
  /** Every kind the endpoint ever held. */
  kindsHeld: ReadonlySet<StateKind>;
  spans: FlowSpans;
  /** Names of endpoints with the same address in the other role. */
  otherRole: string[];
}

export type Verdict = Pick<EndpointReport, 'verdict' | 'reasons' | 'stickyRouting'>;

const KIND_WORDS: Record<StateKind, string> = {
  tcpHalfOpen: 'half-open',
  tcpConnections: 'connected',
  tcpTimeWait: 'TIME-WAIT',
  dnsPendingQueries: 'waiting for the answer',
  dnsInFlight: 'in flight',
  quicConnections: 'connected',
  quicCids: 'connection IDs',
};

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Seconds with at most three decimals, no trailing zeros. */
export function formatSeconds(seconds: number): string {
  return String(Number(seconds.toFixed(3)));
}

function spanEnd(span: FlowSpan): string {
  const end = span.end;
  if (end === null) return 'to the end of the capture';
  if (end.how === 'released') return `to packet ${end.packet}`;
  return `to its expiry ${formatSeconds(end.after)} s after packet ${span.lastHoldPacket}`;
}

function spanLine(span: FlowSpan, role: 'server' | 'client'): string {
  const range = `from packet ${span.firstPacket} ${spanEnd(span)}`;
  const kinds = span.kinds.map((k) => KIND_WORDS[k]).join(', then ');
  switch (span.proto) {
    case 'tcp':
      return `holds TCP state for flow ${span.id} ${range} (${kinds})`;
    case 'quic': {
      const cids = span.cids > 0 ? `, maps ${plural(span.cids, 'connection ID', 'connection IDs')}` : '';
      return `holds QUIC connection ${span.id} ${range}${cids}`;
    }
    case 'dns':
      return role === 'client'
        ? `keeps the query ID and source port of DNS transaction ${span.id} ${range}`
        : `keeps DNS transaction ${span.id} in flight ${range}`;
    default:
      return `holds ${span.proto.toUpperCase()} state for flow ${span.id} ${range} (${kinds})`;
  }
}

function summaryLine(input: VerdictInput, stateful: boolean): string {
  const { tcp, dns, quic } = input.spans.counts;
  const dnsQueries = plural(dns, 'DNS query', 'DNS queries');
  if (stateful) {
    const parts: string[] = [];
    if (tcp > 0) parts.push(`${plural(tcp, 'TCP connection', 'TCP connections')} (a control block each: sequence numbers, windows, a state machine)`);
    if (quic > 0) parts.push(`${plural(quic, 'QUIC connection', 'QUIC connections')} (connection state and its connection IDs)`);
    if (parts.length === 0) parts.push('connection state');
    if (dns > 0) parts.push(`also ${dnsQueries}`);
    return `stateful: keeps state that spans exchanges: ${parts.join('; ')}`;
  }
  if (input.role === 'server') {
    return `stateless: no state outlives a single request/response exchange: ${dnsQueries}, each kept only from query to response`;
  }
  return `stateless: keeps only per-query state: the query ID and source port of ${dnsQueries} until each answer or ` +
    'timeout; losing it loses only the answers in flight, which the client retries';
}

export function endpointVerdict(input: VerdictInput): Verdict {
  const held = input.kindsHeld;
  const tcp = held.has('tcpConnections') || held.has('tcpHalfOpen') || held.has('tcpTimeWait');
  const quic = held.has('quicConnections') || held.has('quicCids');
  const stateful = tcp || quic;
  const reasons = [summaryLine(input, stateful)];

  const spans = input.spans.spans();
  const ordered = [...spans.filter((s) => s.proto !== 'dns'), ...spans.filter((s) => s.proto === 'dns')];
  const shown = ordered.slice(0, MAX_FLOW_LINES);
  for (const span of shown) reasons.push(spanLine(span, input.role));

  const counts = input.spans.counts;
  const shownPer: Record<string, number> = { tcp: 0, dns: 0, quic: 0 };
  for (const span of shown) shownPer[span.proto] = (shownPer[span.proto] ?? 0) + 1;
  const rest = [
    counts.tcp - shownPer.tcp > 0 ? plural(counts.tcp - shownPer.tcp, 'TCP connection', 'TCP connections') : '',
    counts.quic - shownPer.quic > 0 ? plural(counts.quic - shownPer.quic, 'QUIC connection', 'QUIC connections') : '',
    counts.dns - shownPer.dns > 0 ? plural(counts.dns - shownPer.dns, 'DNS transaction', 'DNS transactions') : '',
  ].filter((s) => s !== '');
  const more = counts.tcp + counts.quic + counts.dns - shown.length;
  if (more > 0) reasons.push(`and ${more} more (${rest.join(', ')})`);

  if (input.otherRole.length > 0) {
    const names = input.otherRole.slice(0, 3).join(', ') + (input.otherRole.length > 3 ? ', ...' : '');
    reasons.push(input.role === 'server'
      ? `the same address also acts as a client (${names}): e.g. a resolver forwarding queries keeps their IDs and ports there`
      : `the same address also serves (${names})`);
  }
  return { verdict: stateful ? 'stateful' : 'stateless', reasons, stickyRouting: tcp ? '4-tuple' : quic ? 'connection-id' : 'none' };
}
