/**
 * The metrics of `statecap check --expect` and of grading rubrics (issue 6): one catalog that both
 * evaluates a metric over reports and documents it (`METRICS`, `metricsMarkdownTable()` for the
 * README). Every figure of the report is reachable: counts, sums, medians, per-endpoint values.
 *
 * Values are numbers, or strings for verdicts and roles. A figure that does not exist (the median
 * RTT of no answers, an endpoint absent from the capture) is the string "none" or "absent", which
 * no numeric comparison satisfies. Over several captures (a grading submission) counts and sums
 * add up, maxima take the largest, and an endpoint is stateful if it is stateful in any capture.
 */
import type { Report } from '../report/schema.js';
import { ALWAYS_LISTED_PROTOCOLS, catalogueVersion, isStateKind, STATE_KINDS, STATE_PROTOCOLS } from '../model/state-kind.js';
import { evictedTotal, omittedTotal } from '../report/limits.js';
import { buildScope, findEndpoint, type MergedEndpoint, type Scoped } from './scope.js';
import { describeEndpoint } from './describe.js';
import type { Where } from './where.js';
import { onTrackersChanged, TRACKERS, type AnyTrackerModule } from '../track/registry.js';
import type { TrackerMetric } from '../track/tracker.js';
import {
  captureFigure, fixed, partition, type Measurement, type MetricDef, type MetricDoc, type MetricKind, type Resolved,
} from './blocks.js';

export type { EvidenceLine, Measurement, MetricDoc, MetricKind, RecordList } from './blocks.js';

/** Each warning is its own record, so a failed `capture.warnings == 0` prints the warnings themselves. */
function warningList(): Resolved {
  return {
    kind: 'count',
    narrowed: false,
    measure: (scope) => {
      const records = scope.reports.flatMap((r) => [...r.warnings, ...(r.capture.error !== undefined ? [r.capture.error] : [])]
        .map((text) => ({ capture: r.capture.path, item: text })));
      const { count, ...evidence } = partition(records, (text) => text, () => true);
      return { value: count, kind: 'count', noun: 'warnings', ...evidence };
    },
  };
}

/** Each state loss (or attempt destination) is its own record, so a failure prints them with their packets (issue 11). */
function reportList(noun: string, items: (r: Report) => readonly string[]): Resolved {
  return {
    kind: 'count',
    narrowed: false,
    measure: (scope) => {
      const records = scope.reports.flatMap((r) => items(r).map((text) => ({ capture: r.capture.path, item: text })));
      const { count, ...evidence } = partition(records, (text) => text, () => true);
      return { value: count, kind: 'count', noun, ...evidence };
    },
  };
}

const lossText = (l: Report['stateLoss'][number]): string => `#${l.packet} ${l.kind} at ${l.endpoint}: ${l.detail}`;

function endpointRecords(endpoints: readonly MergedEndpoint[]): Scoped<MergedEndpoint>[] {
  return endpoints.map((e) => ({ capture: e.peakInstance.capture, item: e }));
}

function endpointCounter(predicate: (e: MergedEndpoint) => boolean): Resolved {
  return {
    kind: 'count',
    narrowed: true,
    measure: (scope) => {
      const { count, ...evidence } = partition(endpointRecords(scope.endpoints), describeEndpoint, predicate);
      return { value: count, kind: 'count', noun: 'endpoints', ...evidence };
    },
  };
}

function endpointMax(value: (e: MergedEndpoint) => number, kind: MetricKind): Resolved {
  return {
    kind,
    narrowed: true,
    measure: (scope) => {
      const max = scope.endpoints.reduce((m, e) => Math.max(m, value(e)), 0);
      const { count: _, ...evidence } = partition(endpointRecords(scope.endpoints), describeEndpoint, (e) => value(e) === max && max > 0);
      return { value: max, kind, noun: 'endpoints', ...evidence };
    },
  };
}

/** A figure of one named endpoint; "absent" when the captures do not have it. Not narrowed by `where`. */
function endpointFigure(name: string, kind: MetricKind, value: (e: MergedEndpoint) => number | string): Resolved {
  return {
    kind,
    narrowed: false,
    measure: (scope) => {
      const e = findEndpoint(scope, name);
      if (e === undefined) {
        const { count: _, ...evidence } = partition(endpointRecords(scope.endpoints), describeEndpoint, () => false);
        return { value: 'absent', kind, noun: `endpoint ${name}`, ...evidence };
      }
      const { count: _, ...evidence } = partition(endpointRecords([e]), describeEndpoint, () => true);
      return { value: value(e), kind, noun: `endpoint ${name}`, ...evidence };
    },
  };
}

const ENDPOINT_NAME = String.raw`endpoint\[(\[[^\]]+\](?::\d+)?|[^\[\]\s]+)\]`;

// ------------------------------------------------------------------ the catalog

/** Figures of the captures themselves, before the trackers' metrics. */
const CAPTURE_DEFS: readonly MetricDef[] = [
  // capture
  { name: 'capture.files', kind: 'count', where: false, meaning: 'captures analysed together (a grading submission may hold several)', pattern: /^capture\.files$/,
    resolve: fixed(captureFigure('captures', () => 1)) },
  { name: 'capture.packets', kind: 'count', where: false, meaning: 'packets read', pattern: /^capture\.packets$/,
    resolve: fixed(captureFigure('packets', (r) => r.capture.packets)) },
  { name: 'capture.bytes', kind: 'bytes', where: false, meaning: 'bytes on the wire (original lengths)', pattern: /^capture\.bytes$/,
    resolve: fixed(captureFigure('bytes', (r) => r.capture.bytes, 'bytes')) },
  { name: 'capture.duration', kind: 'seconds', where: false, meaning: 'seconds from the first to the last packet', pattern: /^capture\.duration$/,
    resolve: fixed(captureFigure('seconds', (r) => (r.capture.firstTime !== null && r.capture.lastTime !== null ? r.capture.lastTime - r.capture.firstTime : 0), 'seconds')) },
  { name: 'capture.undecoded', kind: 'count', where: false, meaning: 'packets that carried nothing statecap analyses (all reasons)', pattern: /^capture\.undecoded$/,
    resolve: fixed(captureFigure('undecoded packets', (r) => Object.values(r.capture.undecoded).reduce((n, c) => n + c, 0))) },
  { name: 'capture.warnings', kind: 'count', where: false, meaning: 'warnings (e.g. a truncated last packet)', pattern: /^capture\.warnings$/,
    resolve: fixed(warningList()) },
  { name: 'limits.evicted', kind: 'count', where: false, meaning: 'flows, fragments, DNS queries and QUIC connections evicted at table caps', pattern: /^limits\.evicted$/,
    resolve: fixed(captureFigure('evictions', (r) => evictedTotal(r.limits))) },
  { name: 'limits.omitted', kind: 'count', where: false, meaning: 'rows left out of report lists beyond --max-records (metrics over flows and transactions see only the listed ones)', pattern: /^limits\.omitted$/,
    resolve: fixed(captureFigure('rows not listed', (r) => omittedTotal(r.limits))) },
];

/** The ledger's figures: state losses, attempts, endpoints, after the trackers' metrics (kinds and protocols as registered now). */
const endpointDefs = (): readonly MetricDef[] => [
  // endpoints
  { name: 'stateLoss.total', kind: 'count', where: false, meaning: 'state the capture shows was lost: resets of established connections their sender had not closed, ICMP port unreachable for DNS responses, QUIC stateless resets',
    pattern: /^stateLoss\.total$/, resolve: fixed(reportList('state losses', (r) => (r.stateLoss ?? []).map(lossText))) },
  { name: 'stateLoss.<tcp-reset-established|icmp-port-unreachable|quic-stateless-reset>', kind: 'count', where: false, meaning: 'state losses of that kind',
    pattern: /^stateLoss\.(tcp-reset-established|icmp-port-unreachable|quic-stateless-reset)$/,
    resolve: (m) => reportList('state losses', (r) => (r.stateLoss ?? []).filter((l) => l.kind === m[1]).map(lossText)) },
  { name: 'attempts.total', kind: 'count', where: false, meaning: 'destinations that never answered (no answer, refused by RST, ICMP error): attempts, not servers',
    pattern: /^attempts\.total$/,
    resolve: fixed(reportList('attempt destinations', (r) => (r.attempts ?? []).map((a) => `${a.endpoint}: ${a.attempts} ${a.reason} (first at packet ${a.flows[0]?.packet ?? '?'})`))) },
  { name: 'endpoints.total', kind: 'count', where: true, meaning: 'endpoints (servers as ip:port, clients as ip)', pattern: /^endpoints\.total$/,
    resolve: fixed(endpointCounter(() => true)) },
  { name: 'endpoints.<servers|clients>', kind: 'count', where: true, meaning: 'server or client endpoints', pattern: /^endpoints\.(servers|clients)$/,
    resolve: (m) => endpointCounter((e) => e.role === (m[1] === 'servers' ? 'server' : 'client')) },
  { name: 'endpoints.<stateful|stateless>', kind: 'count', where: true, meaning: 'endpoints with that verdict', pattern: /^endpoints\.(stateful|stateless)$/,
    resolve: (m) => endpointCounter((e) => e.verdict === m[1]) },
  { name: 'endpoints.peak.entries', kind: 'count', where: true, meaning: 'the largest number of state entries any endpoint held at once', pattern: /^endpoints\.peak\.entries$/,
    resolve: fixed(endpointMax((e) => e.peakInstance.item.peak.entries, 'count')) },
  { name: 'endpoints.peak.bytes', kind: 'bytes', where: true, meaning: 'the largest `peak.bytes` of any endpoint: estimated bytes held at its moment of most entries', pattern: /^endpoints\.peak\.bytes$/,
    resolve: fixed(endpointMax((e) => e.peakInstance.item.peak.bytes, 'bytes')) },
  { name: 'endpoints.peakBytes.bytes', kind: 'bytes', where: true, meaning: 'the largest `peakBytes.bytes` of any endpoint: the most estimated bytes any endpoint held at once', pattern: /^endpoints\.peakBytes\.bytes$/,
    resolve: fixed(endpointMax((e) => e.peakInstance.item.peakBytes.bytes, 'bytes')) },

  // one endpoint
  { name: 'endpoint[<ip:port|ip>].verdict', kind: 'text', where: false, meaning: '"stateful" or "stateless" ("absent" when the endpoint is not in the capture)',
    pattern: new RegExp(`^${ENDPOINT_NAME}\\.verdict$`), resolve: (m) => endpointFigure(m[1], 'text', (e) => e.verdict) },
  { name: 'endpoint[<ip:port|ip>].role', kind: 'text', where: false, meaning: '"server" or "client"',
    pattern: new RegExp(`^${ENDPOINT_NAME}\\.role$`), resolve: (m) => endpointFigure(m[1], 'text', (e) => e.role) },
  { name: 'endpoint[<ip:port|ip>].stickyRouting', kind: 'text', where: false, meaning: '"4-tuple", "connection-id" or "none": what a load balancer in front of it must keep',
    pattern: new RegExp(`^${ENDPOINT_NAME}\\.stickyRouting$`), resolve: (m) => endpointFigure(m[1], 'text', (e) => e.peakInstance.item.stickyRouting) },
  ...(['peak', 'peakBytes'] as const).map((point): MetricDef => ({
    name: `endpoint[<ip:port|ip>].${point}.<entries|bytes|packet>`, kind: 'count', where: false,
    meaning: point === 'peak'
      ? 'the JSON `peak`: its moment of most state entries: the entries, their estimated bytes then, and the packet'
      : 'the JSON `peakBytes`: its moment of most estimated bytes: the entries then, the bytes, and the packet',
    pattern: new RegExp(`^${ENDPOINT_NAME}\\.${point}\\.(entries|bytes|packet)$`),
    resolve: (m) => {
      const field = m[2] as 'entries' | 'bytes' | 'packet';
      return endpointFigure(m[1], field === 'bytes' ? 'bytes' : 'count', (e) => e.peakInstance.item[point][field] ?? 'none');
    },
  })),
  { name: 'endpoint[<ip:port|ip>].peakByKind.<KIND>.<entries|bytes>', kind: 'count', where: false,
    meaning: `its peak of one kind of state: ${STATE_KINDS.join(', ')} (0 when it never held that kind)`,
    pattern: new RegExp(`^${ENDPOINT_NAME}\\.peakByKind\\.([A-Za-z]+)\\.(entries|bytes)$`),
    resolve: (m) => {
      const kind = m[2];
      if (!isStateKind(kind)) return { error: `unknown state kind "${kind}" in metric ${m[0]} (known: ${STATE_KINDS.join(', ')})` };
      const field = m[3] as 'entries' | 'bytes';
      return endpointFigure(m[1], field === 'bytes' ? 'bytes' : 'count', (e) => e.peakInstance.item.peakByKind[kind]?.[field] ?? 0);
    } },
  { name: 'endpoint[<ip:port|ip>].meanBytes', kind: 'bytes', where: false, meaning: 'its time-weighted mean state in bytes',
    pattern: new RegExp(`^${ENDPOINT_NAME}\\.meanBytes$`), resolve: (m) => endpointFigure(m[1], 'bytes', (e) => e.peakInstance.item.meanBytes) },
  { name: 'endpoint[<ip:port|ip>].atEnd.<entries|bytes>', kind: 'count', where: false, meaning: 'state it still held at the end of the capture',
    pattern: new RegExp(`^${ENDPOINT_NAME}\\.atEnd\\.(entries|bytes)$`),
    resolve: (m) => endpointFigure(m[1], m[2] === 'bytes' ? 'bytes' : 'count', (e) => e.peakInstance.item.atEnd[m[2] as 'entries' | 'bytes']) },
  { name: 'endpoint[<ip:port|ip>].idleSeconds', kind: 'seconds', where: false, meaning: 'seconds in which it held nothing breakable (TIME-WAIT aside): a restart then breaks nothing',
    pattern: new RegExp(`^${ENDPOINT_NAME}\\.idleSeconds$`), resolve: (m) => endpointFigure(m[1], 'seconds', (e) => e.idleSeconds) },
  { name: 'endpoint[<ip:port|ip>].longestIdle', kind: 'seconds', where: false, meaning: 'its longest idle window in seconds (0 when never idle)',
    pattern: new RegExp(`^${ENDPOINT_NAME}\\.longestIdle$`), resolve: (m) => endpointFigure(m[1], 'seconds', (e) => e.peakInstance.item.longestIdle?.seconds ?? 0) },
  { name: 'endpoint[<ip:port|ip>].reasons', kind: 'count', where: false, meaning: 'how many reasons its verdict gives',
    pattern: new RegExp(`^${ENDPOINT_NAME}\\.reasons$`), resolve: (m) => endpointFigure(m[1], 'count', (e) => e.peakInstance.item.reasons.length) },
  { name: `endpoint[<ip:port|ip>].restart.breaks.<${ALWAYS_LISTED_PROTOCOLS.join('|')}>`, kind: 'count', where: false,
    meaning: 'what a restart at --restart-at (or at its worst moment) would break: TCP connections, DNS queries in flight, QUIC connections' +
      (STATE_PROTOCOLS.length > ALWAYS_LISTED_PROTOCOLS.length ? `; also ${STATE_PROTOCOLS.filter((p) => !ALWAYS_LISTED_PROTOCOLS.includes(p)).join(', ')} flows` : ''),
    pattern: new RegExp(`^${ENDPOINT_NAME}\\.restart\\.breaks\\.(${STATE_PROTOCOLS.join('|')})$`),
    resolve: (m) => endpointFigure(m[1], 'count', (e) => e.peakInstance.item.restart?.breaks[m[2]]?.length ?? 0) },
];

/** A capture-level figure of a tracker's section as a metric (summed over captures; absent section: 0). */
function sectionFigure(module: AnyTrackerModule, metric: TrackerMetric<unknown>): MetricDef {
  return {
    name: metric.name, kind: metric.kind, meaning: metric.meaning, where: false, pattern: metric.pattern,
    resolve: (match) => {
      const invalid = metric.invalid?.(match) ?? null;
      if (invalid !== null) return { error: `${invalid} in metric ${match[0]}` };
      return captureFigure(metric.noun, (r) => {
        const section = (r as unknown as Record<string, unknown>)[module.name];
        return section === undefined ? 0 : metric.value(section, match);
      }, metric.kind);
    },
  };
}

let built: { trackers: readonly AnyTrackerModule[]; kinds: number; defs: readonly MetricDef[] } | null = null;

/** Every metric: the captures', each registered tracker's own (track/<name>/), the ledger's; rebuilt when the registry changes. */
function definitions(): readonly MetricDef[] {
  if (built === null || built.kinds !== catalogueVersion() || built.trackers.length !== TRACKERS.length || built.trackers.some((m, i) => m !== TRACKERS[i])) {
    const defs = [
      ...CAPTURE_DEFS,
      ...TRACKERS.flatMap((m) => m.metrics.map((metric) => ('resolve' in metric ? metric : sectionFigure(m, metric)))),
      ...endpointDefs(),
    ];
    built = { trackers: [...TRACKERS], kinds: catalogueVersion(), defs };
    METRICS.length = 0;
    METRICS.push(...defs.map(({ name, kind, meaning, where }) => ({ name, kind, meaning, where })));
  }
  return built.defs;
}

/** Every metric, for documentation (README table, `--help`); follows the registry. */
export const METRICS: MetricDoc[] = [];
definitions();
onTrackersChanged(() => definitions());

/** The metrics as a markdown table, for the README. */
export function metricsMarkdownTable(): string {
  definitions();
  const rows = METRICS.map((m) => `| \`${m.name}\` | ${m.kind} | ${m.meaning.replace(/\|/g, '\\|')} | ${m.where ? 'yes' : 'no'} |`);
  return ['| Metric | Value | Meaning | Narrowed by `where` |', '|---|---|---|---|', ...rows].join('\n') + '\n';
}

function resolveMetric(metric: string): Resolved | { error: string } {
  const name = metric.trim();
  for (const def of definitions()) {
    const match = def.pattern.exec(name);
    if (match !== null) return def.resolve(match);
  }
  const family = name.split(/[.[]/)[0];
  const near = METRICS.filter((m) => m.name.split(/[.[]/)[0] === family).map((m) => m.name);
  const hint = near.length > 0 ? `${family} metrics: ${near.join(', ')}` : `families: capture, limits, ${TRACKERS.map((m) => m.name).join(', ')}, endpoints, endpoint[...]`;
  return { error: `unknown metric "${name}" (${hint})` };
}

/** The kind of a metric, or why the name is not a metric. Used to validate expectations before any analysis. */
export function metricKind(metric: string): { kind: MetricKind } | { error: string } {
  const resolved = resolveMetric(metric);
  return 'error' in resolved ? resolved : { kind: resolved.kind };
}

/** A metric over several reports analysed together, with the records behind its value. */
export function measureMetric(reports: readonly Report[], metric: string, where: Where = {}): Measurement | { error: string } {
  const resolved = resolveMetric(metric);
  if ('error' in resolved) return resolved;
  return { ...resolved.measure(buildScope(reports, resolved.narrowed ? where : {})), narrowed: resolved.narrowed };
}

/** A metric over one report. */
export function evaluateMetric(report: Report, metric: string, where?: Where): { value: number | string } | { error: string } {
  const measured = measureMetric([report], metric, where);
  return 'error' in measured ? measured : { value: measured.value };
}

export { parseExpectation, type Expectation } from './expectation.js';
