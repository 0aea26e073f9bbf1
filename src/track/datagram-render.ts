/** Table block and problems shared by the UDP and ICMP flow sections (same row type). */
import type { DatagramFlowsReport } from '../model/datagram.js';
import type { Problem, SectionView } from './tracker.js';
import { renderGrid } from '../report/cli-table.js';
import { formatBytes, formatPacketRange, formatSeconds, listedCount, moreLine } from '../report/format.js';

const HEAD = ['#', 'Client', 'Server', 'Packets c→s / s→c', 'Bytes c→s / s→c', 'Duration', 'State', 'Exchanges', 'Pattern'];
const ALIGN = ['right', 'left', 'left', 'right', 'right', 'right', 'left', 'right', 'left'] as const;

export function datagramSection(title: string, section: DatagramFlowsReport, view: SectionView): string | null {
  const total = section.summary.flows;
  if (total === 0) return null;
  const shown = section.flows.slice(0, view.maxRows);
  const rows = shown.map((f) => [
    String(f.id), f.client, f.server, `${f.packets.client} / ${f.packets.server}`,
    `${formatBytes(f.payloadBytes.client)} / ${formatBytes(f.payloadBytes.server)}`, formatSeconds(f.duration), f.connState,
    String(f.exchanges), f.pattern,
  ]);
  const lines = [`${title} (${listedCount(section.flows.length, total)})`, renderGrid(HEAD, rows, { align: [...ALIGN], color: view.color })];
  const more = moreLine(section.flows.length, shown.length, 'flows', total);
  if (more !== null) lines.push(more);
  return lines.join('\n');
}

/** Flows whose requests went unanswered. */
export function datagramProblems(area: string, label: string, section: DatagramFlowsReport): Problem[] {
  return section.flows.filter((f) => f.connState === 'S0').map((f) => ({
    area,
    text: `${label} flow ${f.id} ${f.client} → ${f.server}: S0, ${f.packets.client} datagram${f.packets.client === 1 ? '' : 's'} with no reply`,
    where: formatPacketRange(f.firstPacket, f.lastPacket),
  }));
}
