/**
 * One plain-words line per record, with the packets to open in Wireshark: what grading and
 * check explanations show a student or a CI reader.
 */
import type { DnsTransactionReport, QuicConnectionReport, TcpFlowReport } from '../report/schema.js';
import { CONN_STATE_MEANING } from '../report/conn-states.js';
import { countOf, formatPacketRange, formatPackets, formatSeconds } from '../report/format.js';
import type { Collision, MergedEndpoint, Unsolicited } from './scope.js';

export function describeTcpFlow(f: TcpFlowReport): string {
  const extra: string[] = [];
  if (f.analysis.retransmissions > 0) extra.push(`${f.analysis.retransmissions} retransmitted`);
  if (f.closedBy !== null) extra.push(`closed first by the ${f.closedBy}`);
  return `TCP flow ${f.id} ${f.client} → ${f.server} (packets ${formatPacketRange(f.firstPacket, f.lastPacket)}): ` +
    `${f.connState}, ${CONN_STATE_MEANING[f.connState]}; handshake ${f.handshake}; history ${f.history}` +
    (extra.length > 0 ? `; ${extra.join(', ')}` : '');
}

export function describeDnsTransaction(t: DnsTransactionReport): string {
  const question = `${t.qname ?? '(no question)'}${t.qtype === null ? '' : ` ${t.qtype}`}`;
  let outcome: string;
  switch (t.outcome) {
    case 'answered':
    case 'late':
      outcome = [t.outcome, t.rcode, `(${formatPackets(t.responsePackets)})`, `after ${formatSeconds(t.rtt)}`]
        .filter((part) => part !== null).join(' ');
      break;
    case 'unanswered':
      outcome = 'never answered';
      break;
    case 'rejected':
      outcome = 'rejected by ICMP destination unreachable';
      break;
  }
  return `DNS query ${question} over ${t.transport.toUpperCase()} from ${t.client} to ${t.server} ` +
    `(query ${formatPackets(t.queryPackets)}): ${outcome}`;
}

export function describeUnsolicited(u: Unsolicited): string {
  return `DNS response ID ${u.id} from ${u.server} to ${u.client} for ${u.qname ?? '(no question)'} (packet #${u.packet}) answers no query`;
}

export function describeCollision(c: Collision): string {
  return `DNS response ID ${c.id} from ${c.server} to ${c.client} for ${c.qname ?? '(no question)'} (packet #${c.packet}) ` +
    `has another question than transaction ${c.transaction}`;
}

export function describeQuicConnection(c: QuicConnectionReport): string {
  const sni = c.serverName === null ? 'no SNI' : `SNI ${c.serverName}`;
  const alpn = c.alpn.length > 0 ? `ALPN ${c.alpn.join(',')}` : 'no ALPN';
  return `QUIC connection ${c.id} ${c.client} → ${c.server} (packets ${formatPacketRange(c.firstPacket, c.lastPacket)}): ` +
    `version ${c.version ?? 'unknown'}, ${sni}, ${alpn}, handshake ${c.handshake}`;
}

export function describeEndpoint(e: MergedEndpoint): string {
  const item = e.peakInstance.item;
  const at = item.peak.packet === null ? '' : ` at packet #${item.peak.packet}`;
  const why = item.reasons.length > 0 ? `; ${item.reasons.join('; ')}` : '';
  // Exact bytes, as in the JSON's peak.bytes that the metrics read: "2.0 KiB" would not match it.
  return `endpoint ${e.endpoint} (${e.role}): ${e.verdict}, peak ${countOf(item.peak.entries, 'entry', 'entries')} / ${countOf(item.peak.bytes, 'byte', 'bytes')}${at}${why}`;
}
