/**
 * ICMP flows (`icmp.flows`): echo requests and replies grouped by (addresses, identifier), the
 * client being the sender of the request (RFC 792; RFC 4443 §4); any other ICMP message that no
 * tracker claimed (errors quoting a tracked flow are claimed by that flow's tracker) is a flow of
 * its own per (source, destination, type), state OTH. Ends on Zeek's icmp_inactivity_timeout (1 min).
 * The kernel answers echoes without keeping anything: no ledger state.
 */
import { datagramModule } from '../datagram-module.js';
import { countOf } from '../../report/format.js';

/** Echo request / reply types: ICMP 8 / 0 (RFC 792), ICMPv6 128 / 129 (RFC 4443 §4.1, §4.2). */
const ECHO = { 4: { request: 8, reply: 0 }, 6: { request: 128, reply: 129 } } as const;

export const ICMP_MODULE = datagramModule({
  name: 'icmp',
  label: 'ICMP',
  key: 'Icmp',
  stateKinds: [],
  ledger: null,
  claim(flows, pkt) {
    const { ip, icmp } = pkt;
    if (!ip || !icmp) return false;
    const echo = ECHO[icmp.version];
    const request = icmp.type === echo.request;
    const isEcho = request || icmp.type === echo.reply;
    const [client, server] = !isEcho || request ? [ip.src, ip.dst] : [ip.dst, ip.src];
    flows.observe({
      key: isEcho ? `echo|${client}|${server}|${icmp.identifier}` : `other|${ip.src}|${ip.dst}|${icmp.version}|${icmp.type}`,
      srcAddress: ip.src, srcPort: null, dstAddress: ip.dst, dstPort: null,
      fromClient: isEcho ? request : true, payloadBytes: icmp.payloadLength, packet: pkt.number, time: pkt.time,
      other: !isEcho,
    });
    return true;
  },
  problemLabel: 'ICMP echo',
  summary: (s) => countOf(s.summary.flows, 'ICMP flow', 'ICMP flows'),
  metrics: [
    { name: 'icmp.flows', kind: 'count', meaning: 'ICMP flows (echo by identifier; other messages by source, destination and type)', noun: 'ICMP flows',
      pattern: /^icmp\.flows$/, value: (s) => s.summary.flows },
    { name: 'icmp.exchanges', kind: 'count', meaning: 'echo requests answered by a reply', noun: 'ICMP echo exchanges',
      pattern: /^icmp\.exchanges$/, value: (s) => s.summary.exchanges },
  ],
});
