/**
 * One pass, one direction: reader -> decoder -> (fragment reassembly) -> trackers -> state ledger -> report.
 * Each stage hands the next a plain value; nothing calls back upstream (STYLE "Data flow").
 */
import { readCapture } from './capture/open.js';
import { readContinuous } from './capture/continuous.js';
import type { CaptureRecord, CaptureSummary } from './capture/record.js';
import { PacketDecoder, REUSE_CHECK } from './decode/decode.js';
import { FragmentReassembler } from './decode/fragments.js';
import { linkTypeName } from './linktypes.js';
import type { DecodedPacket, TunnelDatagram } from './decode/packet.js';
import { TRACKERS, type AnyTrackerModule } from './track/registry.js';
import type { ResolvedOptions, Tracker } from './track/tracker.js';
import { TcpStreamHub } from './track/stream-hub.js';
import type { PacketRecorderOptions } from './track/tcp/packet-recorder.js';
import { OVERFLOW_NAMES, StateLedger } from './state/ledger.js';
import { LINUX_COST_MODEL, type CostModel } from './state/cost-model.js';
import { REPORT_SCHEMA, type AnyReport, type LimitsReport, type Report, type TcpReport } from './report/schema.js';
import { evictionWarnings } from './report/limits.js';
import { markInferredFlows } from './state/missing-packets.js';
import { addRestartFlows } from './state/restart-breaks.js';
import type { PacketFilter } from './filter/match.js';
import { BYTES_PER_MB, DEFAULT_MAX_STATE_MB } from './track/memory-budget.js';

export interface AnalyzeOptions {
  /** Ports decoded as DNS besides 53. */
  dnsPorts?: number[];
  /** Seconds after which an answer counts as late and a pending query stops costing the client. */
  dnsTimeout?: number;
  /** 2*MSL: how long an active closer holds TIME-WAIT, in seconds. */
  timeWait?: number;
  /** 'verify' drops packets with bad IP/TCP/UDP checksums (Zeek's default); 'ignore' keeps them (tshark's). */
  checksums?: 'ignore' | 'verify';
  costModel?: CostModel;
  restartAt?: { packet: number } | { secondsAfterStart: number };
  maxFlows?: number;
  maxFragments?: number;
  maxPendingDns?: number;
  maxQuicConnections?: number;
  /**
   * Estimated megabytes each live table (TCP flows, pending DNS queries, QUIC connections) may take;
   * beyond it the least recently seen entries are evicted, as at the entry caps.
   */
  maxStateMb?: number;
  /** Rows listed per report list (flows, transactions, ...); the rest only count in the summaries. */
  maxRecords?: number;
  /** Endpoints followed one by one in the ledger; later ones share one row per role. */
  maxEndpoints?: number;
  /**
   * Only packets that pass (pcap-filter syntax, compiled by filter/match.ts) reach the trackers and
   * the ledger; packet numbers stay those of the file, as in Wireshark with a display filter.
   */
  filter?: { expression: string; match: PacketFilter };
  /** Which classic-pcap reader to use (default builtin, as in the CLI); both give identical records. */
  reader?: 'pcap-parser' | 'builtin';
  /** Options the registered trackers declare (e.g. udpTimeout, maxUdpFlows); each module gives the defaults. */
  trackerOptions?: Record<string, number>;
  /** Log the first and last packets of TCP flows for ladder diagrams (report field packetLog). */
  packetLog?: PacketRecorderOptions;
  /** Keep a timeline per kind of state for each endpoint (report field timelineByKind). */
  kindTimelines?: boolean;
  /**
   * Called every `progressEvery` packets (for a progress line): packets so far, their bytes on the
   * wire, and the bytes they take in the file (captured lengths plus a 16-byte record header each).
   */
  onProgress?: (packets: number, bytes: number, storedBytes: number) => void;
  progressEvery?: number;
}

export const DEFAULTS = {
  dnsPorts: [53],
  dnsTimeout: 5,
  timeWait: 60,
  maxFlows: 100_000,
  maxFragments: 10_000,
  maxPendingDns: 100_000,
  maxQuicConnections: 100_000,
  maxStateMb: DEFAULT_MAX_STATE_MB,
  maxRecords: 100_000,
  maxEndpoints: 100_000,
} as const;

/** How often (in packets) timers driven by capture time are swept. */
const EXPIRE_EVERY = 4096;

/** Reads one capture and returns its report (never rejects for bad input: see FailedReport / capture.error). */
export async function analyzeCapture(path: string, options: AnalyzeOptions = {}): Promise<AnyReport> {
  return analyzeSeries([path], options);
}

/**
 * Several files as one capture (--continuous): the files of a capture split by time or size, in
 * time order; packet numbers run on across them. The report's capture.path is the first file and
 * capture.files lists them all.
 */
export async function analyzeContinuous(paths: readonly string[], options: AnalyzeOptions = {}): Promise<AnyReport> {
  return analyzeSeries(paths, options);
}

async function analyzeSeries(paths: readonly string[], options: AnalyzeOptions): Promise<AnyReport> {
  const path = paths[0];
  const dnsPorts = [...new Set([...DEFAULTS.dnsPorts, ...(options.dnsPorts ?? [])])].sort((a, b) => a - b);
  const dnsTimeout = options.dnsTimeout ?? DEFAULTS.dnsTimeout;
  const timeWait = options.timeWait ?? DEFAULTS.timeWait;
  const checksums = options.checksums ?? 'ignore';
  const costModel = options.costModel ?? LINUX_COST_MODEL;
  const maxFlows = options.maxFlows ?? DEFAULTS.maxFlows;
  const maxFragments = options.maxFragments ?? DEFAULTS.maxFragments;
  const maxPendingDns = options.maxPendingDns ?? DEFAULTS.maxPendingDns;
  const maxQuicConnections = options.maxQuicConnections ?? DEFAULTS.maxQuicConnections;
  const maxRecords = options.maxRecords ?? DEFAULTS.maxRecords;
  const maxStateMb = options.maxStateMb ?? DEFAULTS.maxStateMb;
  const maxEndpoints = options.maxEndpoints ?? DEFAULTS.maxEndpoints;

  const ledger = new StateLedger({ costModel, restartAt: options.restartAt, maxEndpoints, kindTimelines: options.kindTimelines, maxStateBytes: maxStateMb * BYTES_PER_MB });
  const resolved: ResolvedOptions = { dnsPorts, dnsTimeout, timeWait, maxFlows, maxPendingDns, maxQuicConnections, maxRecords, maxStateMb };
  const declared: Record<string, number> = {};
  for (const m of TRACKERS as readonly AnyTrackerModule[]) {
    for (const [name, value] of Object.entries(m.options ?? {})) declared[name] = options.trackerOptions?.[name] ?? value;
  }
  Object.assign(resolved, declared);
  const context = { state: ledger, streams: new TcpStreamHub(), options: resolved, packetLog: options.packetLog };
  const modules: readonly AnyTrackerModule[] = TRACKERS;
  const trackers: Tracker<unknown>[] = modules.map((m) => m.create(context));
  const expiring = trackers.filter((t) => t.expire !== undefined);
  const fragments = new FragmentReassembler({ maxDatagrams: maxFragments });
  const undecoded: Record<string, number> = {};
  // One packet struct, filled again for every record: trackers copy what they keep (PacketDecoder).
  const decoder = new PacketDecoder({ verifyChecksums: checksums === 'verify' });
  const progressEvery = options.progressEvery ?? 100_000;
  const onProgress = options.onProgress;

  const tunnelTrackers = trackers.filter((t) => t.observeTunnel !== undefined);
  const observeTunnels = (pkt: DecodedPacket, datagrams: readonly TunnelDatagram[]): void => {
    for (const d of datagrams) for (let i = 0; i < tunnelTrackers.length && !tunnelTrackers[i].observeTunnel?.(pkt, d); i++);
  };

  const countUndecoded = (reason: string): void => {
    undecoded[reason] = (undecoded[reason] ?? 0) + 1;
  };

  const observe = (pkt: DecodedPacket): void => {
    // A damaged header is named even when the packet is still tracked as far as its bytes go
    // (a cut or bogus TCP header still belongs to its stream, as in tshark).
    if (pkt.issue) countUndecoded(`${pkt.issue.layer}: ${pkt.issue.kind === 'too-short' ? 'truncated' : `bad ${pkt.issue.field}`}`);
    if (pkt.tcp || pkt.udp || pkt.icmp) {
      // Offered in registry order until one tracker claims it.
      for (let i = 0; i < trackers.length && !trackers[i].observe(pkt); i++);
    } else if (pkt.skipped && !pkt.issue && pkt.tunnelDatagrams === undefined) countUndecoded(pkt.skipped); // a tunnel's datagram places it
  };

  const filter = options.filter;
  let filteredOut = 0;
  let bytesSoFar = 0;
  let storedSoFar = 0;
  const analyse = (record: CaptureRecord): void => {
    ledger.tick(record.number, record.time);
    const pkt = decoder.decode(record);
    if (filter !== undefined && !filter.match(pkt)) {
      filteredOut++;
      return;
    }
    if (record.number % EXPIRE_EVERY === 0) {
      fragments.expire(record.time);
      for (const t of expiring) t.expire?.(record.time);
    }
    if (pkt.tunnelDatagrams !== undefined) observeTunnels(pkt, pkt.tunnelDatagrams);
    if (pkt.ip?.fragment && !pkt.tcp && !pkt.udp && !pkt.icmp) {
      const whole = fragments.push(pkt, record.data);
      if (whole) {
        if (whole.tunnelDatagrams !== undefined) observeTunnels(whole, whole.tunnelDatagrams);
        observe(whole);
      }
      return;
    }
    observe(pkt);
    if (onProgress) {
      bytesSoFar += record.originalLength;
      storedSoFar += record.capturedLength + 16;
      if (record.number % progressEvery === 0) onProgress(record.number, bytesSoFar, storedSoFar);
    }
  };
  // REUSE_CHECK (tests): garbage in the reused structs after each packet shows any kept reference.
  const onRecord = REUSE_CHECK.scramble ? (record: CaptureRecord): void => { analyse(record); decoder.scramble(record); } : analyse;

  const readOptions = { reader: options.reader ?? 'builtin' } as const;
  const summary = paths.length === 1 ? await readCapture(path, onRecord, readOptions) : await readContinuous(paths, onRecord, readOptions);
  if (summary.format === null) return failed(path, summary, paths);
  const outOfRange = restartOutOfRange(options.restartAt, summary);
  if (outOfRange !== null) return { schema: REPORT_SCHEMA, capture: { path }, error: `${path}: ${outOfRange}` };

  const sections: Record<string, unknown> = {};
  modules.forEach((m, i) => {
    const section = trackers[i].finish();
    m.classify?.(section);
    sections[m.name] = section;
  });
  const tcpSection = sections.tcp as TcpReport | undefined;
  const inferredWarnings = tcpSection ? markInferredFlows(tcpSection.flows, tcpSection.summary.flows) : [];
  const state = ledger.finish(summary.lastTime, summary.packets > 0 ? summary.packets : null);
  if (options.restartAt !== undefined) {
    addRestartFlows(state.endpoints, (proto) => {
      const list = modules.find((m) => m.name === proto)?.ndjson?.list;
      const rows = list === undefined ? undefined : (sections[proto] as Record<string, unknown> | undefined)?.[list];
      return Array.isArray(rows) ? rows : undefined;
    });
  }
  for (const m of modules) m.annotate?.(sections[m.name], state.endpoints);

  const limits: Record<string, number | string[]> = {};
  trackers.forEach((t, i) => {
    Object.assign(limits, t.limits());
    // Fragment trains keep their place after the first tracker's caps (report-v1 key order).
    if (i === 0) Object.assign(limits, { maxFragments, evictedFragments: fragments.evicted });
  });
  limits.maxRecords = maxRecords;
  for (const t of trackers) Object.assign(limits, t.omitted());
  limits.maxEndpoints = maxEndpoints;
  limits.sharedEndpointRows = ledger.overflowed.map((role) => OVERFLOW_NAMES[role]);
  const rowsAtMemoryCap = ledger.endpointRowsAtMemoryCap;
  if (rowsAtMemoryCap !== null) limits.endpointRowsForMemory = rowsAtMemoryCap;

  const report = {
    schema: REPORT_SCHEMA,
    capture: {
      path,
      format: summary.format,
      compressed: summary.compressed,
      linkTypes: summary.linkTypes.map(linkTypeName),
      packets: summary.packets,
      bytes: summary.bytes,
      firstTime: summary.firstTime,
      lastTime: summary.lastTime,
      undecoded,
      ...(paths.length > 1 ? { files: [...paths] } : {}),
      ...(filter !== undefined ? { filteredOut } : {}),
      ...(summary.error ? { error: describeCaptureError(path, summary, paths) } : {}),
    },
    options: { dnsPorts, dnsTimeout, timeWait, checksums, ...(filter !== undefined ? { filter: filter.expression } : {}), ...declared },
    ...sections,
    endpoints: state.endpoints,
    attempts: state.attempts,
    stateLoss: state.stateLoss,
    costModel: state.costModel,
    limits: limits as LimitsReport,
    warnings: [
      ...summary.warnings,
      ...evictionWarnings(limits as LimitsReport).map((w) => `${path}: ${w}`),
      ...inferredWarnings.map((w) => `${path}: ${w}`),
      ...omissionWarnings(modules, limits as LimitsReport).map((w) => `${path}: ${w}`),
      ...ledger.overflowed.map((role) => rowsAtMemoryCap === null
        ? `${path}: more than ${maxEndpoints} endpoint${maxEndpoints === 1 ? '' : 's'} (--max-endpoints): later ${role}s share the row ${OVERFLOW_NAMES[role]}`
        : `${path}: ${rowsAtMemoryCap} ${role} rows reached --max-state-mb (${maxStateMb} MB): later ${role}s share the row ${OVERFLOW_NAMES[role]}`),
    ],
  } as Report;
  return report;
}

/** --restart-at must name a moment of the capture: before the first packet or past the last is an error. */
function restartOutOfRange(plan: AnalyzeOptions['restartAt'], summary: CaptureSummary): string | null {
  if (plan === undefined) return null;
  if ('packet' in plan) {
    if (summary.packets === 0) return `--restart-at ${plan.packet}: the capture has no packets`;
    if (plan.packet < 1 || plan.packet > summary.packets) return `--restart-at ${plan.packet} is outside the capture (packets 1 to ${summary.packets})`;
    return null;
  }
  const { firstTime, lastTime } = summary;
  if (firstTime === null || lastTime === null) return `--restart-at +${plan.secondsAfterStart}: the capture has no packets`;
  const duration = Math.round((lastTime - firstTime) * 1e6) / 1e6;
  if (plan.secondsAfterStart < 0 || plan.secondsAfterStart > duration) {
    return `--restart-at +${plan.secondsAfterStart} is outside the capture (it lasts ${duration} s)`;
  }
  return null;
}

/** Lists cut at --max-records are said, never silent. */
function omissionWarnings(modules: readonly AnyTrackerModule[], limits: LimitsReport): string[] {
  const cut: string[] = [];
  for (const m of modules) {
    for (const o of m.omissions) {
      const rows = (limits[o.key] as number | undefined) ?? 0;
      if (rows > 0) cut.push(`${rows} ${o.what}`);
    }
  }
  if (cut.length === 0) return [];
  return [`${cut.join(', ')} not listed: each list stops at ${limits.maxRecords} row${limits.maxRecords === 1 ? '' : 's'} (--max-records); the summaries count them all`];
}

function failed(path: string, summary: CaptureSummary, paths: readonly string[] = [path]): AnyReport {
  return { schema: REPORT_SCHEMA, capture: { path }, error: describeCaptureError(path, summary, paths) };
}

/** One line naming the file and the problem (and where, when the reader knows). */
export function describeCaptureError(path: string, summary: CaptureSummary, paths: readonly string[] = [path]): string {
  const e = summary.error;
  if (!e) return `${path}: unknown error`;
  // With --continuous the reader already names the file of the series that failed.
  return paths.some((p) => e.message.startsWith(`${p}: `)) || e.message.startsWith(path) ? e.message : `${path}: ${e.message}`;
}
