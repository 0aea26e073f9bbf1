/** The `check` metrics of DNS (dns.*) and the records they count: transactions, unsolicited responses, ID collisions. */
import type { DnsReport, DnsTransactionReport, Report } from '../../report/schema.js';
import { formatPackets, formatSeconds } from '../../report/format.js';
import {
  captureFigure, counter, fixed, median, percentile, recordsOf, secondsStat, summer, type CheckRecords, type MetricDef,
} from '../../check/blocks.js';

type Unsolicited = DnsReport['unsolicited'][number];
type Collision = DnsReport['collisions'][number];

export function describeDnsTransaction(t: DnsTransactionReport): string {
  const question = `${t.qname ?? '(no question)'}${t.qtype === null ? '' : ` ${t.qtype}`}`;
  let outcome: string;
  switch (t.outcome) {
    case 'answered':
    case 'late':
      outcome = [t.outcome, t.rcode, `(${formatPackets(t.responsePackets)})`, `after ${formatSeconds(t.rtt)}`]
        .filter((part) => part !== null).join(' ');
      break;
    case 'unanswered':
      outcome = 'never answered';
      break;
    case 'rejected':
      outcome = 'rejected by ICMP destination unreachable';
      break;
  }
  return `DNS query ${question} over ${t.transport.toUpperCase()} from ${t.client} to ${t.server} ` +
    `(query ${formatPackets(t.queryPackets)}): ${outcome}`;
}

export function describeUnsolicited(u: Unsolicited): string {
  return `DNS response ID ${u.id} from ${u.server} to ${u.client} for ${u.qname ?? '(no question)'} (packet #${u.packet}) answers no query`;
}

export function describeCollision(c: Collision): string {
  return `DNS response ID ${c.id} from ${c.server} to ${c.client} for ${c.qname ?? '(no question)'} (packet #${c.packet}) ` +
    `has another question than transaction ${c.transaction}`;
}

const dns = recordsOf<DnsTransactionReport>('dns');
const dnsCount = (predicate?: (t: DnsTransactionReport) => boolean) => counter('DNS queries', dns, describeDnsTransaction, predicate);

export const DNS_RECORDS: readonly CheckRecords[] = [
  {
    list: 'dns',
    *conversations(report: Report) {
      for (const t of report.dns.transactions) yield [t, { client: t.client, server: t.server, transport: t.transport, questions: [t] }];
    },
  },
  {
    list: 'dns.unsolicited',
    *conversations(report: Report) {
      for (const u of report.dns.unsolicited) {
        yield [u, { client: u.client, server: u.server, transport: u.transport, questions: [{ qname: u.qname, qtype: null }] }];
      }
    },
  },
  {
    list: 'dns.collisions',
    *conversations(report: Report) {
      const byIndex = new Map(report.dns.transactions.map((t) => [t.index, t]));
      for (const k of report.dns.collisions) {
        const t = byIndex.get(k.transaction);
        yield [k, { client: k.client, server: k.server, transport: t?.transport, questions: [{ qname: k.qname, qtype: null }] }];
      }
    },
  },
];

export const DNS_METRICS: readonly MetricDef[] = [
  { name: 'dns.queries', kind: 'count', where: true, meaning: 'DNS transactions (a query and its retransmissions)', pattern: /^dns\.queries$/, resolve: fixed(dnsCount()) },
  ...(['answered', 'unanswered', 'late', 'rejected'] as const).map((outcome): MetricDef => ({
    name: `dns.${outcome}`, kind: 'count', where: true,
    meaning: {
      answered: 'DNS queries answered within the timeout (any rcode)',
      unanswered: 'DNS queries with no response by the end of the capture',
      late: 'DNS queries answered after --dns-timeout',
      rejected: 'DNS queries answered by an ICMP destination unreachable',
    }[outcome],
    pattern: new RegExp(`^dns\\.${outcome}$`), resolve: fixed(dnsCount((t) => t.outcome === outcome)),
  })),
  { name: 'dns.unsolicited', kind: 'count', where: true, meaning: 'DNS responses that answer no outstanding query', pattern: /^dns\.unsolicited$/,
    resolve: fixed(counter('unsolicited DNS responses', recordsOf<Unsolicited>('dns.unsolicited'), describeUnsolicited)) },
  { name: 'dns.collisions', kind: 'count', where: true, meaning: 'DNS responses with a known ID and port but another question', pattern: /^dns\.collisions$/,
    resolve: fixed(counter('DNS ID collisions', recordsOf<Collision>('dns.collisions'), describeCollision)) },
  { name: 'dns.malformed', kind: 'count', where: false, meaning: 'DNS messages that could not be decoded', pattern: /^dns\.malformed$/,
    resolve: fixed(captureFigure('malformed DNS messages', (r) => r.dns.malformed.length)) },
  { name: 'dns.retransmissions', kind: 'count', where: true, meaning: 'query retransmissions (same ID and question while outstanding)', pattern: /^dns\.retransmissions$/,
    resolve: fixed(summer('DNS queries', dns, describeDnsTransaction, (t) => t.retransmissions)) },
  { name: 'dns.retriedOverTcp', kind: 'count', where: true, meaning: 'truncated (TC) answers whose question was asked again over TCP', pattern: /^dns\.retriedOverTcp$/,
    resolve: fixed(dnsCount((t) => t.retriedOverTcp !== null)) },
  { name: 'dns.truncated', kind: 'count', where: true, meaning: 'DNS queries answered with the TC (truncated) bit', pattern: /^dns\.truncated$/,
    resolve: fixed(dnsCount((t) => t.flags?.tc === true)) },
  { name: 'dns.idReused', kind: 'count', where: true, meaning: 'queries whose ID and port the client reused while an earlier one was outstanding', pattern: /^dns\.idReused$/,
    resolve: fixed(dnsCount((t) => t.idReused)) },
  { name: 'dns.otherSource', kind: 'count', where: true, meaning: 'queries answered from an address they were not sent to (NAT, anycast, spoofing)', pattern: /^dns\.otherSource$/,
    resolve: fixed(dnsCount((t) => t.responseFrom.length > 0)) },
  { name: 'dns.rcode.<NAME>', kind: 'count', where: true, meaning: 'DNS queries answered with that rcode (NOERROR, NXDOMAIN, SERVFAIL, REFUSED ...)',
    pattern: /^dns\.rcode\.([A-Za-z][A-Za-z0-9_]*)$/, resolve: (m) => dnsCount((t) => t.rcode !== null && t.rcode.toUpperCase() === m[1].toUpperCase()) },
  { name: 'dns.rttMedian', kind: 'seconds', where: true, meaning: 'median query-to-response time in seconds ("none" without answers)', pattern: /^dns\.rttMedian$/,
    resolve: fixed(secondsStat('DNS queries', dns, describeDnsTransaction, (t) => t.rtt, median, (r) => r.dns.summary.rttMedian)) },
  { name: 'dns.rttP95', kind: 'seconds', where: true, meaning: '95th percentile query-to-response time in seconds', pattern: /^dns\.rttP95$/,
    resolve: fixed(secondsStat('DNS queries', dns, describeDnsTransaction, (t) => t.rtt, (v) => percentile(v, 0.95), (r) => r.dns.summary.rttP95)) },
];
