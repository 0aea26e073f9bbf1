/** DNS rows of the report (statecap/report-v1 `dns`). */
import type { FlowClassification } from './classification.js';

export type DnsOutcome = 'answered' | 'unanswered' | 'late' | 'rejected';

export interface DnsTransactionReport {
  index: number;
  id: number;
  client: string;
  server: string;
  transport: 'udp' | 'tcp';
  /** The question's name; for an UPDATE (opcode 5), the name being updated, as Zeek's dns.log has it. */
  qname: string | null;
  /** UPDATE transactions only: the zone (RFC 2136 §2.3 Zone section), which the question holds. */
  zone?: string | null;
  qtype: string | null;
  qclass: string | null;
  queryPackets: number[];
  responsePackets: number[];
  queryTime: number;
  responseTime: number | null;
  rtt: number | null;
  rcode: string | null;
  flags: { aa: boolean; tc: boolean; rd: boolean; ra: boolean } | null;
  answers: number;
  outcome: DnsOutcome;
  retransmissions: number;
  duplicateResponses: number;
  retriedOverTcp: number | null;
  /** Responses matched by ID and port but sent from another address (NAT, anycast, spoofing). */
  responseFrom: string[];
  /** The client reused this ID and port while an earlier query with it was outstanding. */
  idReused: boolean;
  classification?: FlowClassification;
}

export interface DnsReport {
  transactions: DnsTransactionReport[];
  unsolicited: { packet: number; id: number; client: string; server: string; qname: string | null; transport: 'udp' | 'tcp' }[];
  malformed: { packet: number; reason: string }[];
  collisions: { packet: number; id: number; client: string; server: string; qname: string | null; transaction: number }[];
  /** TCP directions (on DNS ports) whose message framing was lost at a gap in the stream. */
  tcpFramingGaps: number;
  /** Times framing resumed after a gap, at a segment that starts with a whole message. */
  tcpResyncs: number;
  /** Bytes of DNS-over-TCP streams lost to gaps: never captured, or skipped until framing resumed. */
  tcpLostBytes: number;
  summary: {
    queries: number;
    answered: number;
    unanswered: number;
    late: number;
    rejected: number;
    unsolicited: number;
    malformed: number;
    rttMedian: number | null;
    rttP95: number | null;
    rcodes: Record<string, number>;
  };
}
