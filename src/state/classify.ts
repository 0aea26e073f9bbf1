/**
 * Per-flow classification (schema FlowClassification): is the transport stateful, who holds what,
 * and what a load balancer must keep sticky. Pure functions of one flow record.
 */
import type { FlowClassification } from '../model/classification.js';
import type { TcpFlowReport } from '../model/tcp.js';
import type { DnsTransactionReport } from '../model/dns.js';
import type { QuicConnectionReport } from '../model/quic.js';
import { parseEndpoint } from '../flow/endpoint.js';

function range(first: number, last: number): string {
  return first === last ? `at packet ${first}` : `from packet ${first} to packet ${last}`;
}

/**
 * TCP is a stateful transport, but whether anyone must stay sticky to the flow depends on what it
 * carried (issue 11): state that outlived one exchange (a second exchange, or an idle period
 * before a request) needs the same server for the whole connection; a single exchange does not.
 */
export function classifyTcpFlow(f: TcpFlowReport): FlowClassification {
  const span = range(f.firstPacket, f.lastPacket);
  const notes: string[] = [];
  const x = f.exchanges;
  if (x !== undefined) {
    const packets = x.packets.length < x.count ? `${x.packets.join(', ')}, …` : x.packets.join(', ');
    notes.push(x.count === 0 ? 'it carried no exchange' : `it carried ${x.count} exchange${x.count === 1 ? '' : 's'} (packet${x.count === 1 ? '' : 's'} ${packets})`);
  }
  const spans = x !== undefined && (x.count >= 2 || x.idle !== null);
  if (f.handshake === 'missing') notes.push('its start is not in the capture');
  if (f.connState === 'S0') notes.push('only the SYN was seen: the server keeps a half-open (SYN-RECEIVED) entry until it times out');
  if (f.connState === 'REJ') notes.push('the server refused it with a reset: no connection state on the server');
  if (f.closedBy !== null) notes.push(`the ${f.closedBy} closed first and keeps TIME-WAIT for 2*MSL (RFC 9293 §3.6)`);
  const timeWait = (side: 'client' | 'server'): string => (f.closedBy === side ? ', then TIME-WAIT' : '');
  return {
    transport: 'stateful',
    description: 'TCP: stateful protocol: sequence numbers, windows and a state machine on both ends (RFC 9293 §3.3.2)' +
      (notes.length > 0 ? `; ${notes.join('; ')}` : ''),
    applicationState: {
      client: `a connection (socket and whatever session the application ties to it) ${span}${timeWait('client')}`,
      server: `a connection (socket and whatever session the application ties to it) ${span}${timeWait('server')}`,
    },
    stickyRouting: x === undefined || spans ? '4-tuple' : 'none',
  };
}

export function classifyDnsTransaction(t: DnsTransactionReport): FlowClassification {
  const id = `0x${t.id.toString(16).padStart(4, '0')}`;
  const port = parseEndpoint(t.client).port;
  const kept = `query ID ${id} and source port ${port ?? '?'}`;
  const query = t.queryPackets[0];
  const response = t.responsePackets[0];
  const client = response !== undefined
    ? `${kept} from packet ${query} until the answer at packet ${response}`
    : `${kept} from packet ${query} until it gives up (no answer in the capture)`;
  if (t.transport === 'tcp') {
    return {
      transport: 'stateful',
      description: 'DNS over TCP: the messages are stateless but the TCP connection that carries them is not (RFC 7766); ' +
        'one query and its answer are one exchange, so the transaction itself needs no stickiness: whether the connection ' +
        'does (several exchanges on it) is judged in its TCP flow row',
      applicationState: { client, server: 'the TCP connection the query arrived on, until it is closed' },
      // Issue 11: stickiness follows evidence of state spanning exchanges, which one transaction never is.
      stickyRouting: 'none',
    };
  }
  return {
    transport: 'stateless',
    description: 'DNS over UDP: stateless protocol: the client keeps ID + port until the answer, the server keeps nothing ' +
      '(RFC 1035 §4.2.1)',
    applicationState: {
      client,
      server: response !== undefined ? 'nothing once it has answered' : 'nothing (it never answered in the capture)',
    },
    stickyRouting: 'none',
  };
}

export function classifyQuicConnection(c: QuicConnectionReport): FlowClassification {
  const cids = (n: number): string => `${n} connection ID${n === 1 ? '' : 's'}`;
  const span = range(c.firstPacket, c.lastPacket);
  return {
    transport: 'stateful',
    description: 'QUIC: stateful protocol over stateless UDP: the connection ID in every packet names the connection ' +
      '(RFC 9000 §5.1), so it survives address changes',
    applicationState: {
      client: `connection state (keys, streams, flow control) ${span}, mapped from ${cids(c.cids.client.length)} it issued`,
      server: `connection state (keys, streams, flow control) ${span}, mapped from ${cids(c.cids.server.length)} it issued`,
    },
    stickyRouting: 'connection-id',
  };
}
