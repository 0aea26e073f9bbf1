/**
 * The records a metric counts: the records each registered tracker offers to `check`
 * (`checkRecords`: TCP flows, DNS transactions, QUIC connections ...) and every endpoint, of one or
 * more reports (a grading submission may hold several captures analysed together), narrowed by a
 * `where` filter. Each record keeps the path of the capture it came from, so explanations can say
 * where to look.
 */
import type { EndpointReport, Report } from '../report/schema.js';
import { parseEndpoint } from '../flow/endpoint.js';
import { isEmptyWhere, matchesWhere, type Conversation, type Where } from './where.js';
import { TRACKERS } from '../track/registry.js';

export interface Scoped<T> {
  capture: string;
  item: T;
}

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
  /** Each tracker's record lists, by list name ("tcp", "dns.unsolicited"). */
  records: Record<string, Scoped<unknown>[]>;
  endpoints: MergedEndpoint[];
}

function endpointKey(role: 'server' | 'client', endpoint: string): string {
  return `${role}|${endpoint.toLowerCase()}`;
}

/** Collects, per report, the records that match `where` and the endpoints that took part in them. */
export function buildScope(reports: readonly Report[], where: Where): Scope {
  const scope: Scope = { reports, where, records: {}, endpoints: [] };
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

    for (const m of TRACKERS) {
      if ((report as unknown as Record<string, unknown>)[m.name] === undefined) continue;
      for (const list of m.checkRecords ?? []) {
        const into = (scope.records[list.list] ??= []);
        for (const [item, conversation] of list.conversations(report)) if (take(conversation)) into.push({ capture, item });
      }
    }

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
