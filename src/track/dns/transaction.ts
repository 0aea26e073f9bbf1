/**
 * One DNS transaction as the tracker builds it: a query (and its retransmissions) and the
 * responses matched to it. Mutable while the capture is read; `transactionReport` turns it into
 * the report's shape at the end.
 */
import type { EntryHandle } from '../../state/events.js';
import type { DnsOutcome, DnsTransactionReport } from '../../model/dns.js';
import type { LruLinks } from '../lru-list.js';
import type { DnsHeaderFlags, DnsQuestion } from './message.js';

export type DnsTransport = 'udp' | 'tcp';

/** What the first matched response said. */
export interface DnsResponseFacts {
  packet: number;
  time: number;
  rcode: string;
  flags: DnsHeaderFlags;
  answers: number;
}

/** Where a message travels, seen from the DNS client and server of its transaction. */
export interface DnsPath {
  transport: DnsTransport;
  /** TCP flow id for DNS over TCP; -1 for UDP. */
  flowId: number;
  /** The sender of the query (QR=0). */
  clientAddress: string;
  clientPort: number;
  /** Where the query was sent (for mDNS: the multicast group). */
  serverAddress: string;
  serverPort: number;
}

/**
 * A transaction lives on the path of its first query. Its LruLinks place it in the matcher's
 * awaiting order while it awaits a response (null links otherwise).
 */
export interface DnsTransaction extends DnsPath, LruLinks<DnsTransaction> {
  /** Position in the report's list (transactions are created in first-query order). */
  index: number;
  /** Beyond maxRecords: counted in the summary when it can no longer change, not listed. */
  listed: boolean;
  /** Already added to the summary (an unlisted transaction leaves the matcher's indexes once). */
  tallied: boolean;
  id: number;
  /** Sent to a multicast or broadcast address: any host may answer (see matcher.ts). */
  multicast: boolean;
  question: DnsQuestion | null;
  /** An UPDATE (RFC 2136): the name being updated; the question is then the zone. Null otherwise. */
  updatedName: string | null;
  /**
   * The first query's packet, and the retransmissions' (null until one comes). Lists are made only
   * when they get a packet: most transactions of a query flood never do, and each empty list was
   * an object kept alive as long as the transaction.
   */
  queryPacket: number;
  retransmissionPackets: number[] | null;
  /** Packets of the matched responses (the first answers it; null until one comes). */
  responsePackets: number[] | null;
  queryTime: number;
  /** Time of the latest query packet (first query or retransmission). */
  lastQueryTime: number;
  response: DnsResponseFacts | null;
  /** An ICMP destination-unreachable quoting the query arrived before any response. */
  rejected: { packet: number; time: number; icmp?: { version: 4 | 6; type: number; code: number } } | null;
  duplicateResponses: number;
  retriedOverTcp: number | null;
  /** Responders other than `serverAddress:serverPort`, as "ip:port" (null until one answers). */
  responseFrom: string[] | null;
  idReused: boolean;
  /**
   * The ledger's handles of the client's and the server's entries, from the latest hold (null
   * before it, or from a sink that returns none): the release goes through them, with no lookup.
   */
  clientHold: EntryHandle | null;
  serverHold: EntryHandle | null;
}

/**
 * answered: a response within `timeout` of the first query; late: a response after it;
 * rejected: no response, but an ICMP unreachable for the query; unanswered: nothing at all.
 */
export function outcomeOf(t: DnsTransaction, timeout: number): DnsOutcome {
  if (t.response) return t.response.time - t.queryTime > timeout ? 'late' : 'answered';
  return t.rejected ? 'rejected' : 'unanswered';
}

/** RTT from the first query, as Wireshark's dns.time: retransmissions do not restart the clock. */
export function rttOf(t: DnsTransaction): number | null {
  return t.response ? roundToMicroseconds(t.response.time - t.queryTime) : null;
}

/**
 * Capture times are epoch seconds as doubles (about 0.2 µs resolution today), so a difference
 * carries noise below the microsecond; report RTTs in whole microseconds.
 */
function roundToMicroseconds(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}

export function transactionReport(t: DnsTransaction, client: string, server: string, timeout: number): DnsTransactionReport {
  const r = t.response;
  return {
    index: t.index,
    id: t.id,
    client,
    server,
    transport: t.transport,
    // An UPDATE is named as Zeek's dns.log names it, after the record it changes; `zone` keeps the zone.
    qname: t.updatedName ?? t.question?.name ?? null,
    ...(t.updatedName !== null ? { zone: t.question?.name ?? null } : {}),
    qtype: t.question?.type ?? null,
    qclass: t.question?.class ?? null,
    queryPackets: t.retransmissionPackets === null ? [t.queryPacket] : [t.queryPacket, ...t.retransmissionPackets],
    responsePackets: t.responsePackets ?? [],
    queryTime: t.queryTime,
    responseTime: r ? r.time : null,
    rtt: rttOf(t),
    rcode: r ? r.rcode : null,
    flags: r ? { ...r.flags } : null,
    answers: r ? r.answers : 0,
    outcome: outcomeOf(t, timeout),
    retransmissions: t.retransmissionPackets?.length ?? 0,
    duplicateResponses: t.duplicateResponses,
    retriedOverTcp: t.retriedOverTcp,
    responseFrom: t.responseFrom ?? [],
    idReused: t.idReused,
  };
}
