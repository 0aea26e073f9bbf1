/**
 * UDP flows (`udp.flows`): every UDP datagram that DNS and QUIC did not claim, grouped by 5-tuple;
 * the client is the side that sent first. Ends on an inactivity timeout on capture time (Zeek's
 * udp_inactivity_timeout, 1 min). Ledger: the server holds a socket-demultiplexing entry only
 * while a request is open; a stream (datagrams each way that do not pair up) is session state for
 * the whole flow. A middlebox keeps a 5-tuple mapping (conntrack) for the whole flow: each row names it.
 */
import type { DatagramFlowsReport } from '../../model/datagram.js';
import type { TrackerModule } from '../tracker.js';
import { UDP_KINDS } from './kinds.js';
import { DatagramFlows, datagramTracker } from '../datagram-flows.js';
import { datagramProblems, datagramSection } from '../datagram-render.js';
import { PARTIAL } from '../../report/limits.js';
import { countOf } from '../../report/format.js';

const UDP_PROTOCOL = 17;

/** One key for both directions: the two (address, port) ends in a fixed order. */
function flowKey(a: string, ap: number, b: string, bp: number): string {
  return a < b || (a === b && ap <= bp) ? `${a}|${ap}|${b}|${bp}` : `${b}|${bp}|${a}|${ap}`;
}

export const UDP_MODULE: TrackerModule<'udp', DatagramFlowsReport> = {
  name: 'udp',
  label: 'UDP',
  options: { udpTimeout: 60, maxUdpFlows: 100_000 },
  create(ctx) {
    const o = ctx.options;
    const timeout = o.udpTimeout as number;
    const maxFlows = o.maxUdpFlows as number;
    const flows = new DatagramFlows({
      proto: 'udp', state: ctx.state, timeout, maxFlows, maxRecords: o.maxRecords,
      kinds: { exchange: 'udpExchanges', session: 'udpSessions' },
    });
    const tracker = datagramTracker(flows, 'Udp', maxFlows, (pkt) => {
      const { ip, udp, icmp } = pkt;
      if (ip && udp) {
        flows.observe({
          key: flowKey(ip.src, udp.srcPort, ip.dst, udp.dstPort), srcAddress: ip.src, srcPort: udp.srcPort, dstAddress: ip.dst,
          dstPort: udp.dstPort, fromClient: null, payloadBytes: udp.payload.length, packet: pkt.number, time: pkt.time,
        });
        return true;
      }
      // An ICMP error quoting a datagram of a live UDP flow belongs to that flow (RFC 792; RFC 4443 §2.4).
      const q = icmp?.quoted;
      if (q && q.protocol === UDP_PROTOCOL && q.srcPort !== undefined && q.dstPort !== undefined) {
        return flows.has(flowKey(q.src, q.srcPort, q.dst, q.dstPort));
      }
      return false;
    });
    // A tunnel's own datagrams (VXLAN, GTP-U, Teredo ...) are UDP flows of the tunnel endpoints.
    tracker.observeTunnel = (pkt, d) => {
      flows.observe({
        key: flowKey(d.src, d.srcPort, d.dst, d.dstPort), srcAddress: d.src, srcPort: d.srcPort, dstAddress: d.dst,
        dstPort: d.dstPort, fromClient: null, payloadBytes: d.payloadBytes, packet: pkt.number, time: pkt.time,
      });
      return true;
    };
    return tracker;
  },
  stateKinds: UDP_KINDS,
  caps: [{ max: 'maxUdpFlows', evicted: 'evictedUdpFlows', one: 'UDP flow', what: 'UDP flows', option: '--tracker-option maxUdpFlows', consequence: () => PARTIAL }],
  omissions: [{ key: 'omittedUdpFlows', what: 'UDP flows' }],
  ndjson: { list: 'flows', type: 'udp-flow' },
  summary: (s) => `${countOf(s.summary.flows, 'UDP flow', 'UDP flows')} (${s.summary.exchanges} exchanges)`,
  table: (s, view) => datagramSection('UDP flows', s, view),
  problems: (s) => datagramProblems('udp', 'UDP', s),
  metrics: [
    { name: 'udp.flows', kind: 'count', meaning: 'UDP flows (5-tuples not claimed by DNS or QUIC, split by the inactivity timeout)', noun: 'UDP flows',
      pattern: /^udp\.flows$/, value: (s) => s.summary.flows },
    { name: 'udp.packets', kind: 'count', meaning: 'datagrams of those flows, both directions', noun: 'UDP datagrams',
      pattern: /^udp\.packets$/, value: (s) => s.summary.packets },
    { name: 'udp.exchanges', kind: 'count', meaning: 'requests answered by a response, over all UDP flows', noun: 'UDP exchanges',
      pattern: /^udp\.exchanges$/, value: (s) => s.summary.exchanges },
    { name: 'udp.connState.<S0|SF|SHR>', kind: 'count', meaning: 'UDP flows with that Zeek-like state (S0: no reply)', noun: 'UDP flows',
      pattern: /^udp\.connState\.([A-Z0-9]+)$/, value: (s, m) => s.summary.connStates[m[1]] ?? 0,
      invalid: (m) => (['S0', 'SF', 'SHR'].includes(m[1]) ? null : `unknown UDP state "${m[1]}" (known: S0, SF, SHR)`) },
    { name: 'udp.streams', kind: 'count', meaning: 'listed UDP flows that are streams (session state on one 4-tuple)', noun: 'UDP flows',
      pattern: /^udp\.streams$/, value: (s) => s.flows.filter((f) => f.pattern === 'stream').length },
  ],
};
