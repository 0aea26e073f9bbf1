/** DNS as a registered tracker: queries matched to responses over UDP (its ports), TCP streams and ICMP errors. */
import type { DnsReport } from '../../model/dns.js';
import type { TrackerModule } from '../tracker.js';
import { DNS_KINDS } from './kinds.js';
import { DNS_METRICS, DNS_RECORDS } from './metrics.js';
import { classifyDnsTransaction } from '../../state/classify.js';
import { DnsTracker } from './tracker.js';
import { dnsSection } from '../../report/table-dns.js';
import { dnsProblems } from '../../report/problems.js';
import { PARTIAL } from '../../report/limits.js';
import { countOf } from '../../report/format.js';
import { BYTES_PER_MB } from '../memory-budget.js';

export const DNS_MODULE: TrackerModule<'dns', DnsReport> = {
  name: 'dns',
  label: 'DNS',
  create(ctx) {
    const o = ctx.options;
    const dns = new DnsTracker({ ports: o.dnsPorts, timeout: o.dnsTimeout, state: ctx.state, maxPending: o.maxPendingDns, maxStateBytes: o.maxStateMb * BYTES_PER_MB, maxRecords: o.maxRecords });
    ctx.streams.add(dns);
    return {
      observe(pkt) {
        if (pkt.udp) return dns.observeUdp(pkt);
        if (pkt.icmp) return dns.observeIcmp(pkt);
        return false;
      },
      finish: () => dns.finish(),
      limits: () => ({ maxPendingDns: o.maxPendingDns, evictedDnsQueries: dns.evictedQueries, evictedDnsQueriesForMemory: dns.evictedQueriesForMemory }),
      omitted: () => ({ omittedDnsTransactions: dns.omitted.transactions, omittedDnsRows: dns.omitted.rows }),
    };
  },
  classify(section) {
    for (const t of section.transactions) t.classification = classifyDnsTransaction(t);
  },
  stateKinds: DNS_KINDS,
  conversationWords: { one: 'DNS transaction', many: 'DNS transactions', flow: 'DNS transaction', rank: 2, oneExchange: { opener: 'query' } },
  caps: [{ max: 'maxPendingDns', evicted: 'evictedDnsQueries', one: 'pending DNS query', what: 'pending DNS queries', option: '--max-pending-dns', consequence: () => PARTIAL },
    { max: 'maxStateMb', evicted: 'evictedDnsQueriesForMemory', unit: 'MB of estimated state', one: 'pending DNS query', what: 'pending DNS queries', option: '--max-state-mb', consequence: () => PARTIAL }],
  omissions: [
    { key: 'omittedDnsTransactions', what: 'DNS transactions' },
    { key: 'omittedDnsRows', what: 'unsolicited, malformed or colliding DNS messages' },
  ],
  ndjson: { list: 'transactions', type: 'dns-transaction' },
  summary: (section) => `${countOf(section.summary.queries, 'DNS query', 'DNS queries')} (${section.summary.answered} answered)`,
  table: (section, view) => dnsSection(section, view.options.dnsTimeout, view),
  problems: (section, view) => dnsProblems(section, view.options),
  metrics: DNS_METRICS,
  checkRecords: DNS_RECORDS,
};
