/**
 * HTTP/1.x exchanges (`http.exchanges`) read from reassembled TCP payload, and each HTTP server's
 * session evidence (`endpoints[].sessionState`; stickyRouting `cookie:<name>` for a server-side
 * session). Claims no packet itself: the TCP tracker hands it the bytes.
 */
import type { HttpReport } from '../../model/http.js';
import type { TrackerModule } from '../tracker.js';
import { HttpTracker } from './tracker.js';
import { sessionsMarkdown, sessionsSection } from './render.js';
import { countOf, formatPackets } from '../../report/format.js';
import { BYTES_PER_MB } from '../memory-budget.js';

export const HTTP_MODULE: TrackerModule<'http', HttpReport> = {
  name: 'http',
  label: 'HTTP',
  create(ctx) {
    const http = new HttpTracker({ maxRecords: ctx.options.maxRecords, maxStateBytes: ctx.options.maxStateMb * BYTES_PER_MB });
    ctx.streams.add(http);
    return {
      observe: () => false,
      finish: () => http.finish(),
      limits: () => ({ evictedHttpFlowsForMemory: http.evictedForMemory }),
      omitted: () => ({ omittedHttpExchanges: http.omitted }),
    };
  },
  annotate(section, endpoints) {
    for (const { server, sessionState } of section.servers) {
      const endpoint = endpoints.find((e) => e.role === 'server' && e.endpoint === server);
      if (endpoint === undefined) continue;
      endpoint.sessionState = sessionState;
      if (sessionState.kind === 'server-session' && sessionState.cookie !== undefined) {
        endpoint.stickyRouting = `cookie:${sessionState.cookie}`;
        endpoint.reasons.push(sessionState.description);
      } else if (sessionState.kind === 'client-token') endpoint.reasons.push(sessionState.description);
    }
  },
  stateKinds: [],
  caps: [{
    max: 'maxStateMb', evicted: 'evictedHttpFlowsForMemory', unit: 'MB of estimated state', one: 'HTTP connection', what: 'HTTP connections',
    option: '--max-state-mb', consequence: () => ': their later requests and responses are not read',
  }],
  omissions: [{ key: 'omittedHttpExchanges', what: 'HTTP exchanges' }],
  ndjson: { list: 'exchanges', type: 'http-exchange' },
  summary: (s) => countOf(s.summary.exchanges, 'HTTP exchange', 'HTTP exchanges'),
  table: (s, view) => sessionsSection(s, view),
  markdown: (s, maxRows) => sessionsMarkdown(s, maxRows),
  problems: (s) => s.malformed.map((m) => ({ area: 'http', text: `flow ${m.flow}: ${m.reason}`, where: formatPackets([m.packet]) })),
  metrics: [
    { name: 'http.exchanges', kind: 'count', meaning: 'HTTP/1.x requests answered by a response', noun: 'HTTP exchanges',
      pattern: /^http\.exchanges$/, value: (s) => s.summary.exchanges },
    { name: 'http.requests', kind: 'count', meaning: 'HTTP/1.x requests, answered or not', noun: 'HTTP requests',
      pattern: /^http\.requests$/, value: (s) => s.summary.requests },
    { name: 'http.malformed', kind: 'count', meaning: 'lines that began like an HTTP request but were not one', noun: 'malformed HTTP requests',
      pattern: /^http\.malformed$/, value: (s) => s.summary.malformed },
    { name: 'http.sessions.<server-session|client-token|none>', kind: 'count', meaning: 'HTTP servers with that session evidence', noun: 'HTTP servers',
      pattern: /^http\.sessions\.(server-session|client-token|none)$/, value: (s, m) => s.servers.filter((x) => x.sessionState.kind === m[1]).length },
  ],
};
