/**
 * Builds realistic Report objects by hand, for renderer, check and grading tests that must not
 * depend on the analyzer. Summaries are computed from the records, as the analyzer does, so a
 * test that changes a record gets consistent summary figures.
 *
 * The default scenario (`sampleReport()`), packet by packet:
 *   #1-#9   flow 1  10.0.0.1:51000 -> 10.0.0.2:80   complete handshake, request/response, FIN from client (SF)
 *   #10-#11 flow 2  10.0.0.1:51001 -> 10.0.0.2:22   SYN answered by RST (REJ)
 *   #12     DNS txn 0  example.com A over UDP from 10.0.0.1:40000 to 10.0.0.53:53, answered by #13
 *   #14-#24 flow 3  10.0.0.1:51002 -> 10.0.0.2:443  2 retransmissions, reset by the client (RSTO)
 *   #25     DNS txn 1  example.net AAAA, never answered
 *   #26-#27 DNS txn 2  slow.example TXT, answered 6 s later by #40 (late)
 *   #28     DNS txn 3  blocked.example A, rejected by an ICMP port unreachable
 *   #29     unsolicited response id 0x0bad for evil.example
 *   #30     DNS txn 4  missing.example A, NXDOMAIN (#31)
 *   #32-#35 flow 4  10.0.0.1:51003 -> 10.0.0.53:53  DNS over TCP (txn 5 big.example ANY, #33/#34), SF
 *   #36-#39 QUIC connection 1  10.0.0.1:52000 -> 10.0.0.3:443 SNI www.example.org, h3, handshake complete
 *   #41-#42 QUIC connection 2  10.0.0.1:52001 -> 10.0.0.3:443 SNI api.example.org, Initial only
 *   #43     collision: response id 0x1111 with another question on txn 4
 */
import type {
  Report, FailedReport, TcpFlowReport, DnsTransactionReport, QuicConnectionReport, EndpointReport, ConnState,
  TcpDirectionReport, DnsReport,
} from '../../src/report/schema.js';
import { REPORT_SCHEMA } from '../../src/report/schema.js';

export const T0 = 1714564800; // 2024-05-01T12:00:00Z

function direction(packets: number, payloadBytes: number): TcpDirectionReport {
  return {
    isn: 1000, mss: 1460, windowScale: 7, sackPermitted: true, timestamps: true,
    nextSeq: payloadBytes + 2, lastAck: 1, packets, payloadBytes,
  };
}

export function tcpFlow(f: Partial<TcpFlowReport> & { id: number; client: string; server: string; firstPacket: number; lastPacket: number }): TcpFlowReport {
  const packets = f.packets ?? f.lastPacket - f.firstPacket + 1;
  const payload = f.payloadBytes ?? { client: 0, server: 0 };
  return {
    packets,
    payloadBytes: payload,
    start: T0 + f.firstPacket / 10,
    end: T0 + f.lastPacket / 10,
    handshake: 'complete',
    finalState: { client: 'TIME-WAIT', server: 'CLOSED' },
    transitions: [],
    closedBy: 'client',
    connState: 'SF',
    history: 'ShADadFf',
    analysis: { retransmissions: 0, outOfOrder: 0, duplicateAcks: 0, zeroWindows: 0, keepAlives: 0, windowFull: 0, lostSegments: 0 },
    maxBytesInFlight: { client: payload.client, server: payload.server },
    handshakeRtt: 0.0012,
    exchanges: { count: 1, packets: [f.firstPacket + 3], between: null, idle: null },
    directions: { client: direction(Math.ceil(packets / 2), payload.client), server: direction(Math.floor(packets / 2), payload.server) },
    tunnel: [],
    vlan: [],
    classification: {
      transport: 'stateful',
      description: 'TCP: sequence numbers, windows and a state machine on both ends',
      applicationState: { client: 'connection', server: 'connection' },
      stickyRouting: '4-tuple',
    },
    ...f,
  };
}

export function dnsTransaction(t: Partial<DnsTransactionReport> & { index: number; queryPackets: number[] }): DnsTransactionReport {
  const outcome = t.outcome ?? 'answered';
  const responsePackets = t.responsePackets ?? [];
  const queryTime = T0 + t.queryPackets[0] / 10;
  const responseTime = responsePackets.length > 0 ? T0 + responsePackets[0] / 10 : null;
  return {
    id: 0x1000 + t.index,
    client: '10.0.0.1:40000',
    server: '10.0.0.53:53',
    transport: 'udp',
    qname: 'example.com',
    qtype: 'A',
    qclass: 'IN',
    responsePackets,
    queryTime,
    responseTime,
    rtt: responseTime === null ? null : Math.round((responseTime - queryTime) * 1e6) / 1e6,
    rcode: responsePackets.length > 0 ? 'NOERROR' : null,
    flags: responsePackets.length > 0 ? { aa: false, tc: false, rd: true, ra: true } : null,
    answers: responsePackets.length > 0 ? 1 : 0,
    outcome,
    retransmissions: t.queryPackets.length - 1,
    duplicateResponses: Math.max(0, responsePackets.length - 1),
    retriedOverTcp: null,
    responseFrom: [],
    idReused: false,
    ...t,
  };
}

export function quicConnection(c: Partial<QuicConnectionReport> & { id: number; firstPacket: number; lastPacket: number }): QuicConnectionReport {
  const datagrams = c.datagrams ?? c.lastPacket - c.firstPacket + 1;
  return {
    client: '10.0.0.1:52000',
    server: '10.0.0.3:443',
    version: '1',
    versions: ['1'],
    clientInitialDcid: '8394c8f03e515708',
    clientScid: 'c1a0',
    serverScid: '5e77e6',
    retryScid: null,
    cids: { client: ['c1a0'], server: ['5e77e6'] },
    datagrams,
    datagramsByDirection: { client: Math.ceil(datagrams / 2), server: Math.floor(datagrams / 2) },
    packets: { client: Math.ceil(datagrams / 2), server: Math.floor(datagrams / 2) },
    bytes: { client: 1252 * Math.ceil(datagrams / 2), server: 1100 * Math.floor(datagrams / 2) },
    start: T0 + c.firstPacket / 10,
    end: T0 + c.lastPacket / 10,
    handshake: 'complete',
    serverName: 'www.example.org',
    alpn: ['h3'],
    cipherSuite: 'TLS_AES_128_GCM_SHA256',
    transportParameters: null,
    paths: [{ client: c.client ?? '10.0.0.1:52000', server: c.server ?? '10.0.0.3:443', firstPacket: c.firstPacket }],
    ended: 'idle until end of capture',
    ...c,
  };
}

export function endpoint(e: Partial<EndpointReport> & { endpoint: string; role: 'server' | 'client' }): EndpointReport {
  const peak = e.peak ?? { entries: 1, bytes: 2304, time: T0 + 0.1, packet: 1 };
  return {
    verdict: 'stateful',
    reasons: [],
    stickyRouting: '4-tuple',
    peak,
    // Most bytes at a later packet than most entries (data in flight), as real ledgers show.
    peakBytes: e.peakBytes ?? { ...peak, bytes: peak.bytes + 256, packet: peak.packet === null ? null : peak.packet + 2 },
    peakByKind: {},
    meanBytes: Math.round(peak.bytes / 2),
    atEnd: { entries: 0, bytes: 0 },
    idleWindows: [],
    idleSeconds: 0,
    longestIdle: null,
    restart: null,
    timeline: [],
    timelineCompressed: false,
    ...e,
    idleWindowCount: e.idleWindowCount ?? e.idleWindows?.length ?? 0,
  };
}

function countBy<T>(items: readonly T[], key: (item: T) => string | null): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const k = key(item);
    if (k !== null) counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

export interface ReportParts {
  path?: string;
  packets?: number;
  flows?: TcpFlowReport[];
  transactions?: DnsTransactionReport[];
  unsolicited?: DnsReport['unsolicited'];
  malformed?: DnsReport['malformed'];
  collisions?: DnsReport['collisions'];
  connections?: QuicConnectionReport[];
  endpoints?: EndpointReport[];
  attempts?: Report['attempts'];
  stateLoss?: Report['stateLoss'];
  undecoded?: Record<string, number>;
  warnings?: string[];
}

/** Assembles a Report from records, computing every summary from them. */
export function makeReport(parts: ReportParts = {}): Report {
  const flows = parts.flows ?? [];
  const transactions = parts.transactions ?? [];
  const connections = parts.connections ?? [];
  const unsolicited = parts.unsolicited ?? [];
  const malformed = parts.malformed ?? [];
  const lastPacket = Math.max(
    0, ...flows.map((f) => f.lastPacket), ...transactions.flatMap((t) => [...t.queryPackets, ...t.responsePackets]),
    ...connections.map((c) => c.lastPacket), ...unsolicited.map((u) => u.packet),
  );
  const packets = parts.packets ?? lastPacket;
  const rtts = transactions.flatMap((t) => (t.rtt === null ? [] : [t.rtt])).sort((a, b) => a - b);
  const connStates = countBy(flows, (f) => f.connState) as Partial<Record<ConnState, number>>;
  return {
    schema: REPORT_SCHEMA,
    capture: {
      path: parts.path ?? 'lab.pcap',
      format: 'pcap',
      compressed: false,
      linkTypes: ['ETHERNET'],
      packets,
      bytes: packets * 120,
      firstTime: packets > 0 ? T0 + 0.1 : null,
      lastTime: packets > 0 ? T0 + packets / 10 : null,
      undecoded: parts.undecoded ?? {},
    },
    options: { dnsPorts: [53], dnsTimeout: 5, timeWait: 60, checksums: 'ignore' },
    tcp: {
      flows,
      summary: {
        flows: flows.length,
        packets: flows.reduce((n, f) => n + f.packets, 0),
        connStates,
        handshakes: {
          complete: flows.filter((f) => f.handshake === 'complete').length,
          partial: flows.filter((f) => f.handshake === 'partial').length,
          missing: flows.filter((f) => f.handshake === 'missing').length,
        },
        retransmissions: flows.reduce((n, f) => n + f.analysis.retransmissions, 0),
      },
    },
    dns: {
      transactions,
      unsolicited,
      malformed,
      collisions: parts.collisions ?? [],
      tcpFramingGaps: 0,
      tcpResyncs: 0,
      tcpLostBytes: 0,
      summary: {
        queries: transactions.length,
        answered: transactions.filter((t) => t.outcome === 'answered').length,
        unanswered: transactions.filter((t) => t.outcome === 'unanswered').length,
        late: transactions.filter((t) => t.outcome === 'late').length,
        rejected: transactions.filter((t) => t.outcome === 'rejected').length,
        unsolicited: unsolicited.length,
        malformed: malformed.length,
        rttMedian: quantile(rtts, 0.5),
        rttP95: quantile(rtts, 0.95),
        rcodes: countBy(transactions, (t) => t.rcode),
      },
    },
    quic: {
      connections,
      unattributed: { datagrams: 0, packets: [] },
      summary: {
        connections: connections.length,
        handshakes: {
          complete: connections.filter((c) => c.handshake === 'complete').length,
          partial: connections.filter((c) => c.handshake === 'partial').length,
          initialOnly: connections.filter((c) => c.handshake === 'initial-only').length,
        },
      },
    },
    endpoints: parts.endpoints ?? [],
    attempts: parts.attempts ?? [],
    stateLoss: parts.stateLoss ?? [],
    costModel: { name: 'linux-default', entries: { tcpConnections: { bytes: 2304, source: 'Linux struct tcp_sock' } } },
    limits: {
      maxFlows: 100000, evictedFlows: 0, evictedOpenFlows: 0,
      maxStateMb: 64, evictedFlowsForMemory: 0, evictedOpenFlowsForMemory: 0, maxFragments: 10000, evictedFragments: 0,
      maxPendingDns: 100000, evictedDnsQueries: 0, evictedDnsQueriesForMemory: 0,
      maxQuicConnections: 100000, evictedQuicConnections: 0, evictedQuicConnectionsForMemory: 0,
      maxRecords: 100000, omittedFlows: 0, omittedDnsTransactions: 0, omittedDnsRows: 0, omittedQuicConnections: 0, maxEndpoints: 100000, sharedEndpointRows: [],
    },
    warnings: parts.warnings ?? [],
  };
}

/** The scenario described at the top of this file. */
export function sampleReport(path = 'lab.pcap'): Report {
  const flows = [
    tcpFlow({ id: 1, client: '10.0.0.1:51000', server: '10.0.0.2:80', firstPacket: 1, lastPacket: 9, payloadBytes: { client: 78, server: 1420 } }),
    tcpFlow({
      id: 2, client: '10.0.0.1:51001', server: '10.0.0.2:22', firstPacket: 10, lastPacket: 11, connState: 'REJ', history: 'Sr',
      handshake: 'partial', finalState: { client: 'CLOSED', server: 'CLOSED' }, closedBy: null, handshakeRtt: null,
    }),
    tcpFlow({
      id: 3, client: '10.0.0.1:51002', server: '10.0.0.2:443', firstPacket: 14, lastPacket: 24, packets: 9,
      payloadBytes: { client: 517, server: 4000 }, connState: 'RSTO', history: 'ShADadTR',
      finalState: { client: 'CLOSED', server: 'ESTABLISHED' }, closedBy: 'client',
      analysis: { retransmissions: 2, outOfOrder: 1, duplicateAcks: 1, zeroWindows: 0, keepAlives: 0, windowFull: 0, lostSegments: 0 },
    }),
    tcpFlow({ id: 4, client: '10.0.0.1:51003', server: '10.0.0.53:53', firstPacket: 32, lastPacket: 35, payloadBytes: { client: 40, server: 600 } }),
  ];
  const transactions = [
    dnsTransaction({ index: 0, queryPackets: [12], responsePackets: [13] }),
    dnsTransaction({ index: 1, queryPackets: [25], qname: 'example.net', qtype: 'AAAA', outcome: 'unanswered', client: '10.0.0.1:40001' }),
    dnsTransaction({
      index: 2, queryPackets: [26, 27], responsePackets: [40], qname: 'slow.example', qtype: 'TXT', outcome: 'late', client: '10.0.0.1:40002',
      responseTime: T0 + 8.6, rtt: 6,
    }),
    dnsTransaction({ index: 3, queryPackets: [28], qname: 'blocked.example', outcome: 'rejected', client: '10.0.0.1:40003', server: '10.0.0.54:53' }),
    dnsTransaction({ index: 4, queryPackets: [30], responsePackets: [31], qname: 'missing.example', rcode: 'NXDOMAIN', answers: 0, client: '10.0.0.1:40004' }),
    dnsTransaction({ index: 5, queryPackets: [33], responsePackets: [34], qname: 'big.example', qtype: 'ANY', transport: 'tcp', client: '10.0.0.1:51003' }),
  ];
  const connections = [
    quicConnection({ id: 1, firstPacket: 36, lastPacket: 39 }),
    quicConnection({
      id: 2, firstPacket: 41, lastPacket: 42, client: '10.0.0.1:52001', handshake: 'initial-only', serverName: 'api.example.org',
      clientScid: 'c2b0', serverScid: null, cids: { client: ['c2b0'], server: [] }, cipherSuite: null,
    }),
  ];
  const endpoints = [
    endpoint({
      endpoint: '10.0.0.2:80', role: 'server', peak: { entries: 1, bytes: 2304, time: T0 + 0.1, packet: 1 },
      reasons: ['stateful: keeps state that spans exchanges: 1 TCP connection', 'holds TCP state for flow 1 from packet 1 to packet 9'],
      idleWindows: [{ start: T0 + 0.9, end: T0 + 4.3, seconds: 3.4, fromPacket: 9, toPacket: null }], idleSeconds: 3.4,
      restart: { at: { packet: 1, time: T0 + 0.1 }, basis: 'worst', breaks: { tcp: [1], dns: [], quic: [] } },
    }),
    endpoint({
      endpoint: '10.0.0.2:443', role: 'server', peak: { entries: 1, bytes: 6304, time: T0 + 1.6, packet: 16 },
      reasons: ['stateful: keeps state that spans exchanges: 1 TCP connection', 'holds TCP state for flow 3 from packet 14 to packet 24', 'buffers 4000 bytes in flight (packet #16)'],
      restart: { at: { packet: 16, time: T0 + 1.6 }, basis: 'worst', breaks: { tcp: [3], dns: [], quic: [] } },
    }),
    endpoint({
      endpoint: '10.0.0.53:53', role: 'server', verdict: 'stateless', stickyRouting: 'none',
      peak: { entries: 1, bytes: 2304, time: T0 + 3.2, packet: 32 },
      reasons: ['stateless: answers DNS over UDP without keeping state between queries (transactions 0, 2, 4)'],
    }),
    endpoint({
      endpoint: '10.0.0.3:443', role: 'server', stickyRouting: 'connection-id', peak: { entries: 2, bytes: 65536, time: T0 + 4.1, packet: 41 },
      reasons: ['stateful: keeps QUIC connection state keyed by connection ID (connections 1, 2)'],
    }),
    endpoint({
      endpoint: '10.0.0.1', role: 'client', peak: { entries: 5, bytes: 74000, time: T0 + 4.1, packet: 41 },
      reasons: ['stateful: keeps state that spans exchanges: 4 TCP connections, 2 QUIC connections; also 6 DNS queries', 'keeps 3 DNS queries pending (packets #25, #26, #28)'],
    }),
  ];
  // 10.0.0.2:22 refused the SYN of flow 2 with a RST; 10.0.0.54:53 drew ICMP port unreachable.
  const attempts: Report['attempts'] = [
    {
      endpoint: '10.0.0.2:22', transport: 'tcp', attempts: 1, reason: 'refused-rst', byReason: { 'no-answer': 0, 'refused-rst': 1, icmp: 0 },
      flows: [{ flow: 2, packet: 10, answerPacket: 11, detail: 'refused by RST' }], clients: ['10.0.0.1'],
    },
    {
      endpoint: '10.0.0.54:53', transport: 'udp', attempts: 1, reason: 'icmp', byReason: { 'no-answer': 0, 'refused-rst': 0, icmp: 1 },
      flows: [{ transaction: 3, packet: 28, answerPacket: 29, detail: 'ICMP port unreachable (type 3, code 3)' }], clients: ['10.0.0.1'],
    },
  ];
  const stateLoss: Report['stateLoss'] = [{
    packet: 16, time: T0 + 1.6, kind: 'tcp-reset-established', endpoint: '10.0.0.2:443', flow: 3,
    detail: "RST without ACK from the server answering the client's packet 15 on an established connection it had not closed",
  }];
  return makeReport({
    path, packets: 44, flows, transactions, connections, endpoints, attempts, stateLoss,
    unsolicited: [{ packet: 29, id: 0x0bad, client: '10.0.0.1:40009', server: '10.0.0.53:53', qname: 'evil.example', transport: 'udp' }],
    malformed: [{ packet: 44, reason: 'dns: truncated question' }],
    collisions: [{ packet: 43, id: 0x1004, client: '10.0.0.1:40004', server: '10.0.0.53:53', qname: 'other.example', transaction: 4 }],
    undecoded: { arp: 2, 'linktype-105': 1 },
  });
}

export function failedReport(path = 'broken.pcap', error = 'not a capture file (magic 0x7f454c46)'): FailedReport {
  return { schema: REPORT_SCHEMA, capture: { path }, error };
}
