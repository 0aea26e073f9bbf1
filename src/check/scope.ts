/**
 * The records a metric counts: every TCP flow, DNS transaction, unsolicited response, ID
 * collision, QUIC connection and endpoint of one or more reports (a grading submission may hold
 * several captures analysed together), narrowed by a `where` filter. Each record keeps the path
 * of the capture it came from, so explanations can say where to look.
 */
import type {
  DnsReport, DnsTransactionReport, EndpointReport, QuicConnectionReport, Report, TcpFlowReport,
} from '../report/schema.js';
import { parseEndpoint } from '../flow/endpoint.js';
import { isEmptyWhere, matchesWhere, type Conversation, type Where } from './where.js';

export interface Scoped<T> {
  capture: string;
  item: T;
}

export type Unsolicited = DnsReport['unsolicited'][number];
export type Collision = DnsReport['collisions'][number];

/** One endpoint over all captures: the instance with the largest peak, stateful if any instance is. */
export interface MergedEndpoint {
  endpoint: string;
  role: 'server' | 'client';
  /** The instance with the largest peak bytes. */
  peakInstance: Scoped<EndpointReport>;
  verdict: 'stateful' | 'stateless';
  /** Idle seconds summed over the captures. */
  idleSeconds: number;
  captures: string[];
}

export interface Scope {
  reports: readonly Report[];
  where: Where;
  tcp: Scoped<TcpFlowReport>[];
  dns: Scoped<DnsTransactionReport>[];
  unsolicited: Scoped<Unsolicited>[];
  collisions: Scoped<Collision>[];
  quic: Scoped<QuicConnectionReport>[];
  endpoints: MergedEndpoint[];
}

function tcpConversation(f: TcpFlowReport, dnsOverTcp: ReadonlyMap<string, DnsTransactionReport[]>): Conversation {
  const carried = dnsOverTcp.get(`${f.client}|${f.server}`) ?? [];
  return { client: f.client, server: f.server, transport: 'tcp', questions: carried };
}

function dnsConversation(t: DnsTransactionReport): Conversation {
  return { client: t.client, server: t.server, transport: t.transport, questions: [t] };
}

function quicConversation(c: QuicConnectionReport): Conversation {
  return { client: c.client, server: c.server, transport: 'quic', serverName: c.serverName };
}

function endpointKey(role: 'server' | 'client', endpoint: string): string {
  return `${role}|${endpoint.toLowerCase()}`;
}

/** Collects, per report, the records that match `where` and the endpoints that took part in them. */
export function buildScope(reports: readonly Report[], where: Where): Scope {
  const scope: Scope = { reports, where, tcp: [], dns: [], unsolicited: [], collisions: [], quic: [], endpoints: [] };
  const everything = isEmptyWhere(where);
  const merged = new Map<string, MergedEndpoint>();

  for (const report of reports) {
    const capture = report.capture.path;
    const involved = new Set<string>();
    const take = (c: Conversation): boolean => {
      if (!everything && !matchesWhere(where, c)) return false;
      if (c.server !== undefined) involved.add(endpointKey('server', c.server));
      if (c.client !== undefined) involved.add(endpointKey('client', parseEndpoint(c.client).address));
      return true;
    };

    const dnsOverTcp = new Map<string, DnsTransactionReport[]>();
    for (const t of report.dns.transactions) {
      if (t.transport !== 'tcp') continue;
      const key = `${t.client}|${t.server}`;
      const list = dnsOverTcp.get(key);
      if (list === undefined) dnsOverTcp.set(key, [t]);
      else list.push(t);
    }
    const byIndex = new Map(report.dns.transactions.map((t) => [t.index, t]));

    for (const f of report.tcp.flows) if (take(tcpConversation(f, dnsOverTcp))) scope.tcp.push({ capture, item: f });
    for (const t of report.dns.transactions) if (take(dnsConversation(t))) scope.dns.push({ capture, item: t });
    for (const u of report.dns.unsolicited) {
      const c: Conversation = { client: u.client, server: u.server, transport: u.transport, questions: [{ qname: u.qname, qtype: null }] };
      if (take(c)) scope.unsolicited.push({ capture, item: u });
    }
    for (const k of report.dns.collisions) {
      const t = byIndex.get(k.transaction);
      const c: Conversation = { client: k.client, server: k.server, transport: t?.transport, questions: [{ qname: k.qname, qtype: null }] };
      if (take(c)) scope.collisions.push({ capture, item: k });
    }
    for (const q of report.quic.connections) if (take(quicConversation(q))) scope.quic.push({ capture, item: q });

    for (const e of report.endpoints) {
      const key = endpointKey(e.role, e.endpoint);
      if (!everything && !involved.has(key)) continue;
      const found = merged.get(key);
      if (found === undefined) {
        merged.set(key, {
          endpoint: e.endpoint, role: e.role, peakInstance: { capture, item: e }, verdict: e.verdict,
          idleSeconds: e.idleSeconds, captures: [capture],
        });
        continue;
      }
      if (e.peak.bytes > found.peakInstance.item.peak.bytes) found.peakInstance = { capture, item: e };
      if (e.verdict === 'stateful') found.verdict = 'stateful';
      found.idleSeconds += e.idleSeconds;
      found.captures.push(capture);
    }
  }
  scope.endpoints = [...merged.values()];
  return scope;
}

/** Finds the endpoint named "ip:port" (a server) or "ip" (a client) in the scope. */
export function findEndpoint(scope: Scope, name: string): MergedEndpoint | undefined {
  const parsed = parseEndpoint(name);
  return scope.endpoints.find((e) => {
    const have = parseEndpoint(e.endpoint);
    return have.address.toLowerCase() === parsed.address.toLowerCase() && have.port === parsed.port;
  });
}
