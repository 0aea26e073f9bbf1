/** One row per TCP connection: who talked to whom, how much, how it ended (issue 2). */
import type { TcpFlowReport } from './schema.js';
import { renderGrid, paint } from './cli-table.js';
import { formatBytes, formatSeconds, listedCount, moreLine } from './format.js';
import { TROUBLED_CONN_STATES } from './conn-states.js';

const HEAD = ['#', 'Client', 'Server', 'Packets', 'Bytes c→s / s→c', 'Duration', 'Final state c / s', 'State', 'History', 'Retrans.'];
const ALIGN = ['right', 'left', 'left', 'right', 'right', 'right', 'left', 'left', 'left', 'right'] as const;

/** `total` counts every flow, listed or not (the report lists at most --max-records). */
export function tcpSection(flows: readonly TcpFlowReport[], total: number, opts: { color: boolean; maxRows: number }): string {
  if (total === 0) return 'TCP connections: none';
  const shown = flows.slice(0, opts.maxRows);
  const rows = shown.map((f) => [
    f.id,
    f.client,
    f.server,
    f.packets,
    `${formatBytes(f.payloadBytes.client)} / ${formatBytes(f.payloadBytes.server)}`,
    formatSeconds(f.end - f.start),
    `${f.finalState.client} / ${f.finalState.server}`,
    TROUBLED_CONN_STATES.has(f.connState) ? paint(f.connState, 'red', opts.color) : f.connState,
    f.history,
    f.analysis.retransmissions,
  ]);
  const lines = [`TCP connections (${listedCount(flows.length, total)})`];
  if (rows.length > 0) lines.push(renderGrid(HEAD, rows, { color: opts.color, align: [...ALIGN] }));
  const more = moreLine(flows.length, shown.length, 'TCP connections', total);
  if (more !== null) lines.push(more);
  return lines.join('\n');
}
