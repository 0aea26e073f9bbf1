/**
 * `statecap flow <capture> <id>`: one TCP flow in full (issue 15): who, how much, how it ended,
 * each direction's options and sequence space, Wireshark's analysis flags, and every transition
 * of both endpoints' state machines with its packet, as a ladder of two columns.
 */
import type { TcpFlowReport } from './schema.js';
import { renderGrid, renderKeyValue, paint } from './cli-table.js';
import { formatBytes, formatPacketRange, formatSeconds } from './format.js';
import { CONN_STATE_MEANING } from './conn-states.js';
import { tcpProblems } from './table-tcp.js';
import { formatStart, startHeader } from './times.js';
import type { SectionOptions } from './layout.js';

function yesNo(b: boolean): string {
  return b ? 'yes' : 'no';
}

export function renderFlow(f: TcpFlowReport, opts: Pick<SectionOptions, 'color' | 'width' | 'time' | 'origin'>): string {
  const mark = f.inferred !== undefined ? '~' : '';
  const summary = renderKeyValue([
    ['Flow', `TCP flow ${f.id}: ${f.client} → ${f.server}`],
    ['Packets', `${f.packets} (${formatPacketRange(f.firstPacket, f.lastPacket)}), ${f.directions.client.packets} from the client, ${f.directions.server.packets} from the server`],
    ['Payload', `${formatBytes(f.payloadBytes.client)} client → server, ${formatBytes(f.payloadBytes.server)} server → client`],
    ['Time', `${formatStart(f.start, opts)} to ${formatStart(f.end, opts)} (${formatSeconds(f.end - f.start)})`],
    ['Handshake', `${f.handshake}${f.handshakeRtt !== null ? `, SYN to ACK ${formatSeconds(f.handshakeRtt)}` : ''}`],
    ['Final states', `client ${f.finalState.client}${mark}, server ${f.finalState.server}${mark}`],
    ['Closed first by', f.closedBy ?? '-'],
    ['Zeek conn_state', `${f.connState}: ${CONN_STATE_MEANING[f.connState]}; history ${f.history}`],
    ['Problems', tcpProblems(f)],
    ['Most in flight', `${formatBytes(f.maxBytesInFlight.client)} client → server, ${formatBytes(f.maxBytesInFlight.server)} server → client`],
    ...(f.tunnel.length > 0 ? [['Tunnels', f.tunnel.join(' / ')] as [string, string]] : []),
    ...(f.vlan.length > 0 ? [['VLAN', f.vlan.join(', ')] as [string, string]] : []),
    ...(f.classification !== undefined ? [['Transport', `${f.classification.transport}: ${f.classification.description}`] as [string, string]] : []),
  ], { color: opts.color, width: opts.width });

  const d = f.directions;
  const directions = renderGrid(['', 'Client', 'Server'], [
    ['ISN', d.client.isn ?? '-', d.server.isn ?? '-'],
    ['MSS', d.client.mss ?? '-', d.server.mss ?? '-'],
    ['Window scale', d.client.windowScale ?? '-', d.server.windowScale ?? '-'],
    ['SACK permitted', yesNo(d.client.sackPermitted), yesNo(d.server.sackPermitted)],
    ['Timestamps', yesNo(d.client.timestamps), yesNo(d.server.timestamps)],
    ['Next seq (relative)', d.client.nextSeq ?? '-', d.server.nextSeq ?? '-'],
    ['Last ACK (relative)', d.client.lastAck ?? '-', d.server.lastAck ?? '-'],
  ], { color: opts.color, align: ['left', 'right', 'right'] });

  const a = f.analysis;
  const analysis = renderGrid(['Analysis flag', 'Segments'], [
    ['retransmissions', a.retransmissions], ['out of order', a.outOfOrder], ['duplicate ACKs', a.duplicateAcks],
    ['zero windows', a.zeroWindows], ['window full', a.windowFull], ['keep-alives', a.keepAlives],
    ['previous segment not captured', a.lostSegments],
  ].map(([name, n]) => [name, Number(n) > 0 ? paint(String(n), 'yellow', opts.color) : String(n)]), { color: opts.color, align: ['left', 'right'] });

  // The ladder: one row per transition, the endpoint's change in its own column.
  const ladder = renderGrid(['Packet', startHeader(opts).replace('Start', 'Time'), 'Client', 'Server'], f.transitions.map((t) => [
    `#${t.packet}`, formatStart(t.time, opts),
    t.endpoint === 'client' ? `${t.from} → ${t.to}` : '', t.endpoint === 'server' ? `${t.from} → ${t.to}` : '',
  ]), { color: opts.color, align: ['right', 'right', 'left', 'left'], width: opts.width });

  const lines = [summary, '', 'Directions', directions, '', analysis, '', `State transitions (${f.transitions.length})`, ladder];
  if (f.inferred !== undefined) lines.push('', `~ inferred: ${f.inferred.join('; ')}`);
  return `${lines.join('\n')}\n`;
}
