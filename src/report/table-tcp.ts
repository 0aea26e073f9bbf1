/** One row per TCP connection: who talked to whom, how much, how it ended, what went wrong (issues 2, 15). */
import type { TcpFlowReport } from './schema.js';
import { renderGrid, paint } from './cli-table.js';
import { formatBytes, formatSeconds, listedCount, moreLine } from './format.js';
import { TROUBLED_CONN_STATES } from './conn-states.js';
import { sortRows, type SectionOptions } from './layout.js';
import { formatStart, startHeader } from './times.js';

const HEAD = ['#', 'Start', 'Client', 'Server', 'Packets', 'Bytes c→s / s→c', 'Duration', 'Final state c / s', 'State', 'History', 'Problems'];
const ALIGN = ['right', 'right', 'left', 'left', 'right', 'right', 'right', 'left', 'left', 'left', 'left'] as const;
/** Left out first on a narrow terminal: what the other columns or `statecap flow` also tell. */
const DROP = ['History', 'Packets', 'Start', 'Duration', 'State', 'Bytes c→s / s→c'];

/** Wireshark's sequence-analysis flags, compact: "retrans 2, dup-ack 1797, zero-win 2, ooo 2, lost 3". */
export function tcpProblems(f: TcpFlowReport): string {
  const a = f.analysis;
  const parts: [number, string][] = [
    [a.retransmissions, 'retrans'], [a.duplicateAcks, 'dup-ack'], [a.zeroWindows, 'zero-win'], [a.outOfOrder, 'ooo'],
    [a.lostSegments, 'lost'], [a.windowFull, 'win-full'],
  ];
  const shown = parts.filter(([n]) => n > 0).map(([n, name]) => `${name} ${n}`);
  return shown.length > 0 ? shown.join(', ') : '-';
}

/** The sum that --sort problems orders by. */
export function tcpProblemCount(f: TcpFlowReport): number {
  const a = f.analysis;
  return a.retransmissions + a.duplicateAcks + a.zeroWindows + a.outOfOrder + a.lostSegments + a.windowFull;
}

function measure(f: TcpFlowReport, key: string): number {
  switch (key) {
    case 'start': return f.start;
    case 'packets': return f.packets;
    case 'bytes': return f.payloadBytes.client + f.payloadBytes.server;
    case 'duration': return f.end - f.start;
    case 'problems': return tcpProblemCount(f);
    default: return f.id;
  }
}

/** "ESTABLISHED / CLOSE-WAIT~": a final state resting on packets missing from the capture ends in "~". */
function finalStates(f: TcpFlowReport): string {
  const mark = f.inferred !== undefined ? '~' : '';
  return `${f.finalState.client}${mark} / ${f.finalState.server}${mark}`;
}

/** `total` counts every flow, listed or not (the report lists at most --max-records). */
export function tcpSection(flows: readonly TcpFlowReport[], total: number, opts: SectionOptions): string {
  if (total === 0) return 'TCP connections: none';
  const shown = sortRows(flows, opts.sort, measure).slice(0, opts.maxRows);
  const rows = shown.map((f) => [
    f.id,
    formatStart(f.start, opts),
    f.client,
    f.server,
    f.packets,
    `${formatBytes(f.payloadBytes.client)} / ${formatBytes(f.payloadBytes.server)}`,
    formatSeconds(f.end - f.start),
    finalStates(f),
    TROUBLED_CONN_STATES.has(f.connState) ? paint(f.connState, 'red', opts.color) : f.connState,
    f.history,
    tcpProblems(f),
  ]);
  const lines = [`TCP connections (${listedCount(flows.length, total)})`];
  const head = HEAD.map((h) => (h === 'Start' ? startHeader(opts) : h));
  if (rows.length > 0) lines.push(renderGrid(head, rows, { color: opts.color, align: [...ALIGN], width: opts.width, drop: DROP.map((h) => (h === 'Start' ? startHeader(opts) : h)) }, opts.note));
  if (shown.some((f) => f.inferred !== undefined)) lines.push('~ inferred: a state that rests on packets missing from the capture (see warnings)');
  const more = moreLine(flows.length, shown.length, 'TCP connections', total);
  if (more !== null) lines.push(more);
  return lines.join('\n');
}
