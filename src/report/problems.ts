/**
 * "Problems found": the things in a report a reader should act on, in plain words, each with the
 * packets to look at. Used by the markdown view (CI job summaries, PR comments).
 */
import type { Report } from './schema.js';
import { CONN_STATE_MEANING, TROUBLED_CONN_STATES } from './conn-states.js';
import { dnsAttention } from './dns-attention.js';
import { omittedTotal } from './limits.js';
import { countOf, formatPacketRange, formatPackets } from './format.js';

export interface Problem {
  area: 'capture' | 'tcp' | 'dns' | 'quic' | 'limits';
  text: string;
  /** Packet numbers or a packet range to open in Wireshark ("#10–#11", "#25, #26"); "" when none apply. */
  where: string;
}

/** Every problem in `report`, grouped by area (capture, TCP, DNS, QUIC, limits), in packet order within an area. */
export function findProblems(report: Report): Problem[] {
  const problems: Problem[] = [];
  if (report.capture.error !== undefined) {
    problems.push({ area: 'capture', text: `reading stopped early: ${report.capture.error}`, where: '' });
  }
  for (const warning of report.warnings) problems.push({ area: 'capture', text: warning, where: '' });

  for (const f of report.tcp.flows) {
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

  for (const item of dnsAttention(report.dns, report.options.dnsTimeout)) {
    const between = item.client === '-' ? '' : ` from ${item.client} to ${item.server}`;
    const query = item.query === '-' ? '' : ` ${item.query}`;
    problems.push({ area: 'dns', text: `${item.kind}${query}${between}: ${item.detail}`, where: formatPackets(item.packets) });
  }

  for (const c of report.quic.connections) {
    if (c.handshake === 'complete') continue;
    const name = c.serverName === null ? 'no SNI' : `SNI ${c.serverName}`;
    problems.push({
      area: 'quic',
      text: `connection ${c.id} ${c.client} → ${c.server} (${name}): handshake ${c.handshake}, not seen completing`,
      where: formatPacketRange(c.firstPacket, c.lastPacket),
    });
  }
  if (report.quic.unattributed.datagrams > 0) {
    problems.push({
      area: 'quic',
      text: `${countOf(report.quic.unattributed.datagrams, 'datagram', 'datagrams')} with short headers of no known connection`,
      where: formatPackets(report.quic.unattributed.packets),
    });
  }

  const l = report.limits;
  // Evictions are in report.warnings, listed above.
  const omitted = omittedTotal(l);
  if (omitted > 0) {
    problems.push({ area: 'limits', text: `${omitted} rows not listed beyond --max-records ${l.maxRecords} (counted in the summaries)`, where: '' });
  }
  return problems;
}
