import { describe, expect, it } from 'vitest';
import { classifyDnsTransaction, classifyQuicConnection, classifyTcpFlow } from '../../src/state/classify.js';
import type { DnsTransactionReport, QuicConnectionReport, TcpDirectionReport, TcpFlowReport } from '../../src/report/schema.js';

const direction: TcpDirectionReport = {
  isn: 1, mss: 1460, windowScale: 7, sackPermitted: true, timestamps: true, nextSeq: 1, lastAck: 1, packets: 5, payloadBytes: 0,
};

function tcpFlow(overrides: Partial<TcpFlowReport>): TcpFlowReport {
  return {
    id: 3, client: '10.0.0.1:51000', server: '10.0.0.5:80', firstPacket: 1, lastPacket: 12, packets: 12,
    payloadBytes: { client: 100, server: 1000 }, start: 100, end: 110, handshake: 'complete',
    finalState: { client: 'TIME-WAIT', server: 'CLOSED' }, transitions: [], closedBy: 'client', connState: 'SF',
    history: 'ShADadFf', analysis: { retransmissions: 0, outOfOrder: 0, duplicateAcks: 0, zeroWindows: 0, keepAlives: 0, windowFull: 0, lostSegments: 0 },
    maxBytesInFlight: { client: 100, server: 1000 }, handshakeRtt: 0.001, directions: { client: direction, server: direction },
    tunnel: [], vlan: [], ...overrides,
  };
}

function dnsTransaction(overrides: Partial<DnsTransactionReport>): DnsTransactionReport {
  return {
    index: 0, id: 0x1a2b, client: '10.0.0.7:53000', server: '10.0.0.53:53', transport: 'udp', qname: 'example.com', qtype: 'A',
    qclass: 'IN', queryPackets: [5], responsePackets: [6], queryTime: 10, responseTime: 10.01, rtt: 0.01, rcode: 'NOERROR',
    flags: { aa: false, tc: false, rd: true, ra: true }, answers: 1, outcome: 'answered', retransmissions: 0,
    duplicateResponses: 0, retriedOverTcp: null, responseFrom: [], idReused: false, ...overrides,
  };
}

describe('classifyTcpFlow', () => {
  it('a closed connection of two exchanges: stateful, 4-tuple, the active closer keeps TIME-WAIT', () => {
    expect(classifyTcpFlow(tcpFlow({ exchanges: { count: 2, packets: [4, 8], between: 7, idle: null } }))).toEqual({
      transport: 'stateful',
      description: 'TCP: stateful protocol: sequence numbers, windows and a state machine on both ends (RFC 9293 §3.3.2); ' +
        'it carried 2 exchanges (packets 4, 8); the client closed first and keeps TIME-WAIT for 2*MSL (RFC 9293 §3.6)',
      applicationState: {
        client: 'a connection (socket and whatever session the application ties to it) from packet 1 to packet 12, then TIME-WAIT',
        server: 'a connection (socket and whatever session the application ties to it) from packet 1 to packet 12',
      },
      stickyRouting: '4-tuple',
    });
  });

  it('one exchange needs no stickiness; an idle period before it does', () => {
    const one = { count: 1, packets: [4], between: null, idle: null };
    expect(classifyTcpFlow(tcpFlow({ exchanges: one })).stickyRouting).toBe('none');
    const idle = { ...one, idle: { fromPacket: 3, toPacket: 4, seconds: 5 } };
    expect(classifyTcpFlow(tcpFlow({ exchanges: idle })).stickyRouting).toBe('4-tuple');
  });

  it('a lone SYN: the server would keep a half-open entry', () => {
    const c = classifyTcpFlow(tcpFlow({ connState: 'S0', closedBy: null, lastPacket: 1, handshake: 'partial', exchanges: { count: 0, packets: [], between: null, idle: null } }));
    expect(c.description).toBe('TCP: stateful protocol: sequence numbers, windows and a state machine on both ends (RFC 9293 §3.3.2); ' +
      'it carried no exchange; only the SYN was seen: the server keeps a half-open (SYN-RECEIVED) entry until it times out');
    expect(c.applicationState.server).toBe('a connection (socket and whatever session the application ties to it) at packet 1');
  });
});

describe('classifyDnsTransaction', () => {
  it('over UDP: stateless, the client keeps ID + port until the answer, no sticky routing', () => {
    expect(classifyDnsTransaction(dnsTransaction({}))).toEqual({
      transport: 'stateless',
      description: 'DNS over UDP: stateless protocol: the client keeps ID + port until the answer, the server keeps nothing (RFC 1035 §4.2.1)',
      applicationState: {
        client: 'query ID 0x1a2b and source port 53000 from packet 5 until the answer at packet 6',
        server: 'nothing once it has answered',
      },
      stickyRouting: 'none',
    });
  });

  it('unanswered over UDP: the client waits until it gives up', () => {
    const c = classifyDnsTransaction(dnsTransaction({ responsePackets: [], outcome: 'unanswered', client: '[2001:db8::7]:40000' }));
    expect(c.applicationState).toEqual({
      client: 'query ID 0x1a2b and source port 40000 from packet 5 until it gives up (no answer in the capture)',
      server: 'nothing (it never answered in the capture)',
    });
  });

  it('over TCP: the connection makes the transport stateful, but one exchange needs no stickiness (the flow row judges the connection)', () => {
    const c = classifyDnsTransaction(dnsTransaction({ transport: 'tcp' }));
    expect([c.transport, c.stickyRouting]).toEqual(['stateful', 'none']);
    expect(c.description).toContain('judged in its TCP flow row');
  });
});

describe('classifyQuicConnection', () => {
  it('stateful over UDP, routed by connection ID', () => {
    const connection = {
      id: 0, client: '10.0.0.9:50000', server: '10.0.0.5:443', firstPacket: 1, lastPacket: 40,
      cids: { client: ['aa'], server: ['bb', 'cc', 'dd'] },
    } as Pick<QuicConnectionReport, 'id' | 'client' | 'server' | 'firstPacket' | 'lastPacket' | 'cids'>;
    expect(classifyQuicConnection(connection as QuicConnectionReport)).toEqual({
      transport: 'stateful',
      description: 'QUIC: stateful protocol over stateless UDP: the connection ID in every packet names the connection ' +
        '(RFC 9000 §5.1), so it survives address changes',
      applicationState: {
        client: 'connection state (keys, streams, flow control) from packet 1 to packet 40, mapped from 1 connection ID it issued',
        server: 'connection state (keys, streams, flow control) from packet 1 to packet 40, mapped from 3 connection IDs it issued',
      },
      stickyRouting: 'connection-id',
    });
  });
});
