/**
 * UDP flows (`udp.flows`): every UDP datagram that DNS and QUIC did not claim, grouped by 5-tuple;
 * the client is the side that sent first. Ends on an inactivity timeout on capture time (Zeek's
 * udp_inactivity_timeout, 1 min). Ledger: the server holds a socket-demultiplexing entry only
 * while a request is open; a stream (datagrams each way that do not pair up) is session state for
 * the whole flow. A middlebox keeps a 5-tuple mapping (conntrack) for the whole flow: each row names it.
 */
import type { DatagramFlows } from '../datagram-flows.js';
import type { KeyedEnds } from '../tuple-index.js';
import { datagramModule } from '../datagram-module.js';
import { countOf } from '../../report/format.js';
import { addressKeyOfText } from '../../decode/address-key.js';
import { UDP_KINDS } from './kinds.js';

const UDP_PROTOCOL = 17;

/** Ends known only as text (a tunnel's outer datagram, a datagram an ICMP error quotes), keyed as the decoder keys them. */
function textEnds(src: string, dst: string): KeyedEnds {
  return { src, dst, srcKey: addressKeyOfText(src), dstKey: addressKeyOfText(dst) };
}

export const UDP_MODULE = datagramModule({
  name: 'udp',
  label: 'UDP',
  key: 'Udp',
  stateKinds: UDP_KINDS,
  ledger: { exchange: 'udpExchanges', session: 'udpSessions' },
  claim(flows, pkt) {
    const { ip, udp, icmp } = pkt;
    if (ip && udp) {
      flows.observeTuple(ip, udp.srcPort, udp.dstPort, udp.payload.length, pkt.number, pkt.time);
      return true;
    }
    // An ICMP error quoting a datagram of a live UDP flow belongs to that flow (RFC 792; RFC 4443 §2.4).
    const q = icmp?.quoted;
    if (q && q.protocol === UDP_PROTOCOL && q.srcPort !== undefined && q.dstPort !== undefined) {
      return flows.hasTuple(textEnds(q.src, q.dst), q.srcPort, q.dstPort);
    }
    return false;
  },
  // A tunnel's own datagrams (VXLAN, GTP-U, Teredo ...) are UDP flows of the tunnel endpoints.
  claimTunnel: (flows, pkt, d) => {
    const { srcKey, dstKey } = d;
    const ends = srcKey !== undefined && dstKey !== undefined ? { src: d.src, dst: d.dst, srcKey, dstKey } : textEnds(d.src, d.dst);
    flows.observeTuple(ends, d.srcPort, d.dstPort, d.payloadBytes, pkt.number, pkt.time);
    return true;
  },
  problemLabel: 'UDP',
  summary: (s) => `${countOf(s.summary.flows, 'UDP flow', 'UDP flows')} (${s.summary.exchanges} exchanges)`,
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
});
