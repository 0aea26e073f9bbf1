/**
 * Two lists next to the endpoints (issue 11): attempts, the destinations that never answered
 * (no server, no state), and the state the capture shows was lost, each with packet numbers.
 * Shared by the table and markdown views.
 */
import type { AttemptReport, StateLossReport } from './schema.js';
import { renderGrid } from './cli-table.js';
import { countOf, moreLine } from './format.js';
import type { SectionOptions } from './layout.js';

const ATTEMPT_WORDS: Record<AttemptReport['reason'], string> = { 'no-answer': 'no answer', 'refused-rst': 'refused by RST', icmp: 'ICMP error' };

/** "flow 4", "DNS transaction 0", "QUIC connection 2", or "-". */
export function lostWhat(x: { flow?: number; transaction?: number; connection?: number }): string {
  if (x.flow !== undefined) return `flow ${x.flow}`;
  if (x.transaction !== undefined) return `DNS transaction ${x.transaction}`;
  if (x.connection !== undefined) return `QUIC connection ${x.connection}`;
  return '-';
}

/** "#49 → #50, #51 → #52" (the attempt's packet, and the answer's when there was one). */
export function attemptPackets(a: AttemptReport): string {
  const shown = a.flows.map((f) => `#${f.packet}${f.answerPacket !== null ? ` → #${f.answerPacket}` : ''}`);
  const rest = a.attempts - a.flows.length;
  return `${shown.join(', ')}${rest > 0 ? `, and ${rest} more` : ''}`;
}

/** "refused by RST", "no answer", or the ICMP message ("ICMP port unreachable (type 3, code 3)"). */
export function attemptReason(a: AttemptReport): string {
  const icmp = a.reason === 'icmp' ? a.flows.find((f) => f.answerPacket !== null && f.detail.startsWith('ICMP')) : undefined;
  return icmp?.detail ?? ATTEMPT_WORDS[a.reason];
}

export function attemptsSection(attempts: readonly AttemptReport[] | undefined, opts: SectionOptions): string | null {
  if (attempts === undefined || attempts.length === 0) return null;
  const shown = attempts.slice(0, opts.maxRows);
  const rows = shown.map((a) => [a.endpoint, a.attempts, attemptReason(a), attemptPackets(a), a.clients.join(', ')]);
  const lines = [
    `Attempts (${countOf(attempts.length, 'destination', 'destinations')} that never answered: no server, no state)`,
    renderGrid(['Destination', 'Attempts', 'Answer', 'Packets', 'Clients'], rows,
      { color: opts.color, align: ['left', 'right'], width: opts.width, drop: ['Clients'] }, opts.note),
  ];
  const more = moreLine(attempts.length, shown.length, 'destinations');
  if (more !== null) lines.push(more);
  return lines.join('\n');
}

export function stateLossSection(losses: readonly StateLossReport[] | undefined, opts: SectionOptions): string | null {
  if (losses === undefined || losses.length === 0) return null;
  const shown = losses.slice(0, opts.maxRows);
  const rows = shown.map((l) => [`#${l.packet}`, l.kind, l.endpoint, lostWhat(l)]);
  const lines = [
    `State lost (${losses.length})`,
    renderGrid(['Packet', 'Kind', 'Endpoint (lost it)', 'Of'], rows, { color: opts.color, align: ['right'], width: opts.width }, opts.note),
    ...shown.map((l) => `#${l.packet}: ${l.detail}`),
  ];
  const more = moreLine(losses.length, shown.length, 'state losses');
  if (more !== null) lines.push(more);
  return lines.join('\n');
}
