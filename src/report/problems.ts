/**
 * "Problems found": the things in a report a reader should act on, in plain words, each with the
 * packets to look at. Used by the markdown view (CI job summaries, PR comments).
 */
import type { AnalysisOptionsReport, DnsReport, LimitsReport, QuicReport, Report, TcpFlowReport } from './schema.js';
import type { Problem } from '../track/tracker.js';
import { TRACKERS } from '../track/registry.js';
import { CONN_STATE_MEANING, TROUBLED_CONN_STATES } from './conn-states.js';
import { dnsAttention } from './dns-attention.js';
import { omittedTotal } from './limits.js';
import { countOf, formatPacketRange, formatPackets } from './format.js';

export type { Problem } from '../track/tracker.js';

/** Every problem in `report`, grouped by area (capture, each tracker in registry order, limits), in packet order within an area. */
export function findProblems(report: Report): Problem[] {
  const problems: Problem[] = [];
  if (report.capture.error !== undefined) {
    problems.push({ area: 'capture', text: `reading stopped early: ${report.capture.error}`, where: '' });
  }
  for (const warning of report.warnings) problems.push({ area: 'capture', text: warning, where: '' });

  const view = { options: report.options, color: false, maxRows: Number.MAX_SAFE_INTEGER };
  const sections = report as unknown as Record<string, unknown>;
  for (const module of TRACKERS) problems.push(...module.problems(sections[module.name] as never, view));

  problems.push(...omissionProblems(report.limits)); // evictions are in report.warnings, listed above
  return problems;
}

/** TCP flows worth a look: troubled conn_state codes, retransmissions and the like. */
export function tcpProblems(flows: readonly TcpFlowReport[]): Problem[] {
  const problems: Problem[] = [];
  for (const f of flows) {
    const who = `flow ${f.id} ${f.client} → ${f.server}`;
    const where = formatPacketRange(f.firstPacket, f.lastPacket);
    if (TROUBLED_CONN_STATES.has(f.connState)) {
      problems.push({ area: 'tcp', text: `${who}: ${f.connState}, ${CONN_STATE_MEANING[f.connState]} (history ${f.history})`, where });
    }
    const a = f.analysis;
    const trouble: string[] = [];
    if (a.retransmissions > 0) trouble.push(countOf(a.retransmissions, 'retransmission', 'retransmissions'));
    if (a.outOfOrder > 0) trouble.push(countOf(a.outOfOrder, 'out-of-order segment', 'out-of-order segments'));
    if (a.duplicateAcks > 0) trouble.push(countOf(a.duplicateAcks, 'duplicate ACK', 'duplicate ACKs'));
    if (a.zeroWindows > 0) trouble.push(countOf(a.zeroWindows, 'zero window', 'zero windows'));
    if (trouble.length > 0) problems.push({ area: 'tcp', text: `${who}: ${trouble.join(', ')}`, where });
  }

  return problems;
}

/** DNS transactions and messages worth a look. */
export function dnsProblems(dns: DnsReport, options: AnalysisOptionsReport): Problem[] {
  const problems: Problem[] = [];
  for (const item of dnsAttention(dns, options.dnsTimeout)) {
    const between = item.client === '-' ? '' : ` from ${item.client} to ${item.server}`;
    const query = item.query === '-' ? '' : ` ${item.query}`;
    problems.push({ area: 'dns', text: `${item.kind}${query}${between}: ${item.detail}`, where: formatPackets(item.packets) });
  }

  return problems;
}

/** QUIC handshakes not seen completing, and datagrams of no known connection. */
export function quicProblems(quic: QuicReport): Problem[] {
  const problems: Problem[] = [];
  for (const c of quic.connections) {
    if (c.handshake === 'complete') continue;
    const name = c.serverName === null ? 'no SNI' : `SNI ${c.serverName}`;
    problems.push({
      area: 'quic',
      text: `connection ${c.id} ${c.client} → ${c.server} (${name}): handshake ${c.handshake}, not seen completing`,
      where: formatPacketRange(c.firstPacket, c.lastPacket),
    });
  }
  if (quic.unattributed.datagrams > 0) {
    problems.push({
      area: 'quic',
      text: `${countOf(quic.unattributed.datagrams, 'datagram', 'datagrams')} with short headers of no known connection`,
      where: formatPackets(quic.unattributed.packets),
    });
  }

  return problems;
}

/** Rows not listed beyond --max-records (evictions are in report.warnings, listed with the capture). */
function omissionProblems(l: LimitsReport): Problem[] {
  const omitted = omittedTotal(l);
  if (omitted === 0) return [];
  return [{ area: 'limits', text: `${omitted} rows not listed beyond --max-records ${l.maxRecords} (counted in the summaries)`, where: '' }];
}
