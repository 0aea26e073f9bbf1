/**
 * The `check` metrics of TCP (tcp.*) and the records they count: every TCP flow, narrowed by
 * `where` (a flow matches qname/qtype when it carried a DNS-over-TCP transaction for that question).
 */
import type { ConnState, Report, TcpFlowReport } from '../../report/schema.js';
import type { DnsTransactionReport } from '../../model/dns.js';
import { CONN_STATES, CONN_STATE_MEANING, isConnState } from '../../report/conn-states.js';
import { formatPacketRange } from '../../report/format.js';
import { counter, fixed, median, recordsOf, secondsStat, summer, type CheckRecords, type MetricDef } from '../../check/blocks.js';

export function describeTcpFlow(f: TcpFlowReport): string {
  const extra: string[] = [];
  if (f.analysis.retransmissions > 0) extra.push(`${f.analysis.retransmissions} retransmitted`);
  if (f.closedBy !== null) extra.push(`closed first by the ${f.closedBy}`);
  return `TCP flow ${f.id} ${f.client} → ${f.server} (packets ${formatPacketRange(f.firstPacket, f.lastPacket)}): ` +
    `${f.connState}, ${CONN_STATE_MEANING[f.connState]}; handshake ${f.handshake}; history ${f.history}` +
    (extra.length > 0 ? `; ${extra.join(', ')}` : '');
}

const tcp = recordsOf<TcpFlowReport>('tcp');
const flowCount = (predicate?: (f: TcpFlowReport) => boolean) => counter('TCP connections', tcp, describeTcpFlow, predicate);
const TCP_ANALYSIS = ['retransmissions', 'outOfOrder', 'duplicateAcks', 'zeroWindows', 'keepAlives'] as const;

export const TCP_RECORDS: readonly CheckRecords[] = [{
  list: 'tcp',
  *conversations(report: Report) {
    // DNS over TCP rides on a flow: the flow matches that transaction's question.
    const dnsOverTcp = new Map<string, DnsTransactionReport[]>();
    for (const t of report.dns?.transactions ?? []) {
      if (t.transport !== 'tcp') continue;
      const key = `${t.client}|${t.server}`;
      const list = dnsOverTcp.get(key);
      if (list === undefined) dnsOverTcp.set(key, [t]);
      else list.push(t);
    }
    for (const f of report.tcp.flows) {
      yield [f, { client: f.client, server: f.server, transport: 'tcp', questions: dnsOverTcp.get(`${f.client}|${f.server}`) ?? [] }];
    }
  },
}];

export const TCP_METRICS: readonly MetricDef[] = [
  { name: 'tcp.flows', kind: 'count', where: true, meaning: 'TCP connections', pattern: /^tcp\.flows$/, resolve: fixed(flowCount()) },
  { name: 'tcp.packets', kind: 'count', where: true, meaning: 'TCP packets of those connections, both directions', pattern: /^tcp\.packets$/,
    resolve: fixed(summer('TCP connections', tcp, describeTcpFlow, (f) => f.packets)) },
  { name: 'tcp.bytes', kind: 'bytes', where: true, meaning: 'TCP payload bytes, both directions', pattern: /^tcp\.bytes$/,
    resolve: fixed(summer('TCP connections', tcp, describeTcpFlow, (f) => f.payloadBytes.client + f.payloadBytes.server, 'bytes')) },
  { name: 'tcp.connState.<CODE>', kind: 'count', where: true,
    meaning: `TCP connections with that Zeek conn_state: ${CONN_STATES.join(', ')} (e.g. SF: ${CONN_STATE_MEANING.SF})`,
    pattern: /^tcp\.connState\.([A-Za-z0-9]+)$/,
    resolve: (m) => {
      const code = m[1].toUpperCase();
      if (!isConnState(code)) return { error: `unknown conn_state "${m[1]}" in metric ${m[0]} (known: ${CONN_STATES.join(', ')})` };
      return flowCount((f) => f.connState === (code as ConnState));
    } },
  { name: 'tcp.handshakes.<complete|partial|missing>', kind: 'count', where: true,
    meaning: 'TCP connections whose three-way handshake was seen complete, in part, or not at all (started before the capture)',
    pattern: /^tcp\.handshakes\.(complete|partial|missing)$/, resolve: (m) => flowCount((f) => f.handshake === m[1]) },
  { name: 'tcp.closedBy.<client|server>', kind: 'count', where: true, meaning: 'TCP connections closed first (FIN) by that side, which then holds TIME-WAIT',
    pattern: /^tcp\.closedBy\.(client|server)$/, resolve: (m) => flowCount((f) => f.closedBy === m[1]) },
  { name: 'tcp.resets', kind: 'count', where: true, meaning: 'TCP connections with a RST from either side', pattern: /^tcp\.resets$/,
    resolve: fixed(flowCount((f) => /[Rr]/.test(f.history))) },
  ...TCP_ANALYSIS.map((field): MetricDef => ({
    name: `tcp.${field}`, kind: 'count', where: true, meaning: `segments Wireshark's sequence analysis would flag as ${field}, summed over connections`,
    pattern: new RegExp(`^tcp\\.${field}$`), resolve: fixed(summer('TCP connections', tcp, describeTcpFlow, (f) => f.analysis[field])),
  })),
  { name: 'tcp.handshakeRtt.median', kind: 'seconds', where: true, meaning: 'median SYN to ACK handshake time ("none" without a handshake)',
    pattern: /^tcp\.handshakeRtt\.median$/, resolve: fixed(secondsStat('TCP connections', tcp, describeTcpFlow, (f) => f.handshakeRtt, median)) },
];
