/**
 * One pass, one direction: reader -> decoder -> (fragment reassembly) -> trackers -> state ledger -> report.
 * Each stage hands the next a plain value; nothing calls back upstream (STYLE "Data flow").
 */
import { readCapture } from './capture/open.js';
import type { CaptureRecord, CaptureSummary } from './capture/record.js';
import { decodePacket } from './decode/decode.js';
import { FragmentReassembler } from './decode/fragments.js';
import { linkTypeName } from './linktypes.js';
import type { DecodedPacket } from './decode/packet.js';
import { TcpTracker } from './track/tcp/tracker.js';
import { DnsTracker } from './track/dns/tracker.js';
import { QuicTracker } from './track/quic/tracker.js';
import { OVERFLOW_NAMES, StateLedger } from './state/ledger.js';
import { LINUX_COST_MODEL, type CostModel } from './state/cost-model.js';
import { classifyDnsTransaction, classifyQuicConnection, classifyTcpFlow } from './state/classify.js';
import { REPORT_SCHEMA, type AnyReport, type Report } from './report/schema.js';
import { evictionWarnings } from './report/limits.js';

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
  /** Rows listed per report list (flows, transactions, ...); the rest only count in the summaries. */
  maxRecords?: number;
  /** Endpoints followed one by one in the ledger; later ones share one row per role. */
  maxEndpoints?: number;
  /** Which classic-pcap reader to use (default builtin, as in the CLI); both give identical records. */
  reader?: 'pcap-parser' | 'builtin';
  /** Called every `progressEvery` packets (for a progress line). */
  onProgress?: (packets: number, bytes: number) => void;
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
  maxRecords: 100_000,
  maxEndpoints: 100_000,
} as const;

/** How often (in packets) timers driven by capture time are swept. */
const EXPIRE_EVERY = 4096;

/** Reads one capture and returns its report (never rejects for bad input: see FailedReport / capture.error). */
export async function analyzeCapture(path: string, options: AnalyzeOptions = {}): Promise<AnyReport> {
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
  const maxEndpoints = options.maxEndpoints ?? DEFAULTS.maxEndpoints;

  const ledger = new StateLedger({ costModel, restartAt: options.restartAt, maxEndpoints });
  const dns = new DnsTracker({ ports: dnsPorts, timeout: dnsTimeout, state: ledger, maxPending: maxPendingDns, maxRecords });
  const tcp = new TcpTracker({ state: ledger, stream: dns, timeWait, maxFlows, maxRecords });
  const quic = new QuicTracker({ state: ledger, maxConnections: maxQuicConnections, maxRecords });
  const fragments = new FragmentReassembler({ maxDatagrams: maxFragments });
  const undecoded: Record<string, number> = {};
  const verifyChecksums = checksums === 'verify';
  const progressEvery = options.progressEvery ?? 100_000;
  const onProgress = options.onProgress;

  const countUndecoded = (reason: string): void => {
    undecoded[reason] = (undecoded[reason] ?? 0) + 1;
  };

  const observe = (pkt: DecodedPacket): void => {
    // A damaged header is named even when the packet is still tracked as far as its bytes go
    // (a cut or bogus TCP header still belongs to its stream, as in tshark).
    if (pkt.issue) countUndecoded(`${pkt.issue.layer}: ${pkt.issue.kind === 'too-short' ? 'truncated' : `bad ${pkt.issue.field}`}`);
    if (pkt.tcp) tcp.observe(pkt);
    else if (pkt.udp) {
      if (!dns.observeUdp(pkt)) quic.observeUdp(pkt);
    } else if (pkt.icmp) dns.observeIcmp(pkt);
    else if (pkt.skipped && !pkt.issue) countUndecoded(pkt.skipped);
  };

  let bytesSoFar = 0;
  const onRecord = (record: CaptureRecord): void => {
    ledger.tick(record.number, record.time);
    const pkt = decodePacket(record, { verifyChecksums });
    if (record.number % EXPIRE_EVERY === 0) fragments.expire(record.time);
    if (pkt.ip?.fragment && !pkt.tcp && !pkt.udp && !pkt.icmp) {
      const whole = fragments.push(pkt, record.data);
      if (whole) observe(whole);
      return;
    }
    observe(pkt);
    if (onProgress) {
      bytesSoFar += record.originalLength;
      if (record.number % progressEvery === 0) onProgress(record.number, bytesSoFar);
    }
  };

  const summary = await readCapture(path, onRecord, { reader: options.reader ?? 'builtin' });
  if (summary.format === null) return failed(path, summary);
  const outOfRange = restartOutOfRange(options.restartAt, summary);
  if (outOfRange !== null) return { schema: REPORT_SCHEMA, capture: { path }, error: `${path}: ${outOfRange}` };

  const tcpReport = tcp.finish();
  const dnsReport = dns.finish();
  const quicReport = quic.finish();
  for (const f of tcpReport.flows) f.classification = classifyTcpFlow(f);
  for (const t of dnsReport.transactions) t.classification = classifyDnsTransaction(t);
  for (const c of quicReport.connections) c.classification = classifyQuicConnection(c);
  const state = ledger.finish(summary.lastTime, summary.packets > 0 ? summary.packets : null);

  const limits: Report['limits'] = {
    maxFlows,
    evictedFlows: tcp.evictedFlows,
    evictedOpenFlows: tcp.evictedOpenFlows,
    maxFragments,
    evictedFragments: fragments.evicted,
    maxPendingDns,
    evictedDnsQueries: dns.evictedQueries,
    maxQuicConnections,
    evictedQuicConnections: quic.evictedConnections,
    maxRecords,
    omittedFlows: tcp.omittedFlows,
    omittedDnsTransactions: dns.omitted.transactions,
    omittedDnsRows: dns.omitted.rows,
    omittedQuicConnections: quic.omittedConnections,
    maxEndpoints,
    sharedEndpointRows: ledger.overflowed.map((role) => OVERFLOW_NAMES[role]),
  };
  const report: Report = {
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
      ...(summary.error ? { error: describeCaptureError(path, summary) } : {}),
    },
    options: { dnsPorts, dnsTimeout, timeWait, checksums },
    tcp: tcpReport,
    dns: dnsReport,
    quic: quicReport,
    endpoints: state.endpoints,
    attempts: state.attempts,
    stateLoss: state.stateLoss,
    costModel: state.costModel,
    limits,
    warnings: [
      ...summary.warnings,
      ...evictionWarnings(limits).map((w) => `${path}: ${w}`),
      ...omissionWarnings(tcp.omittedFlows, dns.omitted, quic.omittedConnections, maxRecords).map((w) => `${path}: ${w}`),
      ...ledger.overflowed.map((role) => `${path}: more than ${maxEndpoints} endpoint${maxEndpoints === 1 ? '' : 's'} (--max-endpoints): later ${role}s share the row ${OVERFLOW_NAMES[role]}`),
    ],
  };
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
function omissionWarnings(flows: number, dns: { transactions: number; rows: number }, quic: number, maxRecords: number): string[] {
  const cut: string[] = [];
  if (flows > 0) cut.push(`${flows} TCP flows`);
  if (dns.transactions > 0) cut.push(`${dns.transactions} DNS transactions`);
  if (dns.rows > 0) cut.push(`${dns.rows} unsolicited, malformed or colliding DNS messages`);
  if (quic > 0) cut.push(`${quic} QUIC connections`);
  if (cut.length === 0) return [];
  return [`${cut.join(', ')} not listed: each list stops at ${maxRecords} row${maxRecords === 1 ? '' : 's'} (--max-records); the summaries count them all`];
}

function failed(path: string, summary: CaptureSummary): AnyReport {
  return { schema: REPORT_SCHEMA, capture: { path }, error: describeCaptureError(path, summary) };
}

/** One line naming the file and the problem (and where, when the reader knows). */
export function describeCaptureError(path: string, summary: CaptureSummary): string {
  const e = summary.error;
  if (!e) return `${path}: unknown error`;
  return e.message.startsWith(path) ? e.message : `${path}: ${e.message}`;
}
