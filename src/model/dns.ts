/** DNS rows of the report (statecap/report-v1 `dns`). */
import type { FlowClassification } from './classification.js';

export type DnsOutcome = 'answered' | 'unanswered' | 'late' | 'rejected';

export interface DnsTransactionReport {
  index: number;
  id: number;
  client: string;
  server: string;
  transport: 'udp' | 'tcp';
  qname: string | null;
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
  tcpFramingGaps: number;
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
