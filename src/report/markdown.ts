/**
 * Markdown for a CI job summary or a pull-request comment (issue 6): per capture a one-line
 * summary, the endpoints and their state, and the problems found with packet numbers. Text that
 * comes from the wire (DNS names, SNI) is escaped so that it can neither format nor inject HTML.
 */
import type { AnyReport, Report } from './schema.js';
import { isFailed } from './failed.js';
import { atPacket, endpointsByPeak, restartLine, windowsLine } from './table-endpoints.js';
import { attemptPackets, attemptReason, lostWhat } from './table-state-loss.js';
import { findProblems } from './problems.js';
import { countOf, formatBytes, formatSeconds } from './format.js';
import { TRACKERS, type AnyTrackerModule } from '../track/registry.js';

export interface MarkdownOptions {
  /** Endpoints and problems listed per capture before an "N more" line (default 50). */
  maxRows?: number;
}

/** Escapes markdown and HTML syntax so untrusted text renders literally; newlines become spaces. */
export function mdText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/([\\`*_[\]<>|~])/g, '\\$1');
}

function summaryLine(r: Report): string {
  const c = r.capture;
  const duration = c.firstTime !== null && c.lastTime !== null ? c.lastTime - c.firstTime : null;
  const parts = [
    `**${countOf(c.packets, 'packet', 'packets')}** (${formatBytes(c.bytes)})`,
    c.format ?? 'unknown format',
    c.linkTypes.length > 0 ? c.linkTypes.map(mdText).join(', ') : 'no link type',
    formatSeconds(duration),
  ];
  const sections = r as unknown as Record<string, unknown>;
  for (const m of TRACKERS as readonly AnyTrackerModule[]) parts.push(m.summary(sections[m.name]));
  return parts.join(' · ');
}

function endpointsBlock(r: Report, maxRows: number): string[] {
  if (r.endpoints.length === 0) return ['### Endpoints', '', 'No endpoint held state.'];
  const sorted = endpointsByPeak(r.endpoints);
  const shown = sorted.slice(0, maxRows);
  const lines = [
    `### Endpoints (${r.endpoints.length})`, '',
    '| Endpoint | Role | Verdict | Peak entries | At | Peak bytes | At | Idle | Sticky routing |',
    '|---|---|---|--:|--:|--:|--:|--:|---|',
  ];
  for (const e of shown) {
    lines.push(`| \`${e.endpoint}\` | ${e.role} | **${e.verdict}** | ${e.peak.entries} | ${atPacket(e.peak.packet)} | ` +
      `${formatBytes(e.peakBytes.bytes)} | ${atPacket(e.peakBytes.packet)} | ${formatSeconds(e.idleSeconds)} | ${e.stickyRouting} |`);
  }
  if (sorted.length > shown.length) lines.push('', `… ${sorted.length - shown.length} more endpoints (see the JSON report).`);
  const why: string[] = [];
  for (const e of shown) {
    for (const reason of e.reasons) why.push(`- \`${e.endpoint}\`: ${mdText(reason)}`);
    why.push(`- \`${e.endpoint}\`: ${mdText(windowsLine(e))}`);
    const restart = restartLine(e, r.stateLoss);
    if (restart !== null) why.push(`- \`${e.endpoint}\`: ${mdText(restart)}`);
  }
  if (why.length > 0) lines.push('', '<details><summary>Why each verdict, and what a restart breaks</summary>', '', ...why, '', '</details>');
  return lines;
}

/** Destinations that never answered, and state the capture shows was lost. */
function attemptsAndLossBlock(r: Report, maxRows: number): string[] {
  const lines: string[] = [];
  const attempts = r.attempts ?? [];
  if (attempts.length > 0) {
    lines.push('', `### Attempts (${attempts.length}): destinations that never answered`, '', '| Destination | Attempts | Answer | Packets | Clients |', '|---|--:|---|---|---|');
    for (const a of attempts.slice(0, maxRows)) {
      lines.push(`| \`${a.endpoint}\` | ${a.attempts} | ${attemptReason(a)} | ${mdText(attemptPackets(a))} | ${mdText(a.clients.join(', '))} |`);
    }
    if (attempts.length > maxRows) lines.push('', `… ${attempts.length - maxRows} more destinations (see the JSON report).`);
  }
  const losses = r.stateLoss ?? [];
  if (losses.length > 0) {
    lines.push('', `### State lost (${losses.length})`, '', '| Packet | Kind | Endpoint (lost it) | Of | Detail |', '|--:|---|---|---|---|');
    for (const l of losses.slice(0, maxRows)) {
      lines.push(`| #${l.packet} | ${l.kind} | \`${l.endpoint}\` | ${lostWhat(l)} | ${mdText(l.detail)} |`);
    }
    if (losses.length > maxRows) lines.push('', `… ${losses.length - maxRows} more (see the JSON report).`);
  }
  return lines;
}

/** "Capture", each tracker's label, "Limits". */
function areaLabel(area: string): string {
  if (area === 'capture') return 'Capture';
  if (area === 'limits') return 'Limits';
  return TRACKERS.find((m) => m.name === area)?.label ?? area;
}

function problemsBlock(r: Report, maxRows: number): string[] {
  const problems = findProblems(r);
  if (problems.length === 0) return ['### Problems found', '', 'None.'];
  const lines = [`### Problems found (${problems.length})`, ''];
  for (const p of problems.slice(0, maxRows)) {
    lines.push(`- **${areaLabel(p.area)}** ${mdText(p.text)}${p.where === '' ? '' : ` (packets ${p.where})`}`);
  }
  if (problems.length > maxRows) lines.push(`- … ${problems.length - maxRows} more (see the JSON report).`);
  return lines;
}

function reportBlock(r: AnyReport, maxRows: number): string[] {
  const heading = `## \`${r.capture.path.replace(/`/g, "'")}\``;
  if (isFailed(r)) return [heading, '', `**Error:** ${mdText(r.error)}`];
  return [heading, '', summaryLine(r), '', ...endpointsBlock(r, maxRows), ...attemptsAndLossBlock(r, maxRows), '', ...problemsBlock(r, maxRows)];
}

/** One markdown document for all captures, in input order. */
export function renderMarkdown(reports: readonly AnyReport[], opts: MarkdownOptions = {}): string {
  const maxRows = Math.max(1, opts.maxRows ?? 50);
  const lines = ['# statecap report', ''];
  for (const r of reports) lines.push(...reportBlock(r, maxRows), '');
  return `${lines.join('\n').trimEnd()}\n`;
}
