/**
 * What a protocol is to statecap: one module (a folder under src/track/ with a `module.ts`) that
 * declares everything about its protocol, and one line in track/registry.ts. The pipeline, the
 * report renderers (table, markdown, NDJSON, problems, limits) and `check` iterate over the
 * registered modules; none of them lists protocols by name (STYLE §16).
 *
 * Contract of a live tracker: `observe` is called for every decoded TCP, UDP or ICMP packet that an
 * earlier tracker in the registry did not claim, in capture order; it returns whether it claimed
 * the packet. It never throws on packet data. `expire(time)` is called every few thousand packets
 * with the capture time (timeouts follow capture time, never the wall clock). `finish` is called
 * once, at the end, and returns the report section.
 */
import type { SectionOptions } from '../report/layout.js';
import type { DecodedPacket, TunnelDatagram } from '../decode/packet.js';
import type { StateSink } from '../state/events.js';
import type { ConversationWords, StateKindSpec } from '../model/state-kind.js';
import type { AnalysisOptionsReport, LimitsReport } from '../model/report.js';
import type { EndpointReport } from '../model/endpoint.js';
import type { TcpStreamHub } from './stream-hub.js';
import type { CheckRecords, MetricDef } from '../check/blocks.js';
import type { PacketRecorderOptions } from './tcp/packet-recorder.js';

/** Everything a tracker may read when it is created: options resolved by the pipeline, the ledger, TCP streams. */
export interface TrackerContext {
  /** The ledger: trackers tell it which endpoint holds what (hold/release/buffer). */
  state: StateSink;
  /** Reassembled TCP payload: a tracker that reads application bytes adds its listener here. */
  streams: TcpStreamHub;
  options: ResolvedOptions;
  /** Log the first and last packets of conversations for ladder diagrams (html, explain); absent: none. */
  packetLog?: PacketRecorderOptions;
}

/** The analysis options after defaults (see pipeline DEFAULTS). */
export interface ResolvedOptions {
  dnsPorts: number[];
  dnsTimeout: number;
  timeWait: number;
  maxFlows: number;
  maxPendingDns: number;
  maxQuicConnections: number;
  maxRecords: number;
  /** Estimated megabytes each live table may take (--max-state-mb). */
  maxStateMb: number;
  /** Options of later trackers, by their own names (e.g. udpTimeout). */
  [name: string]: number | number[];
}

export interface Tracker<Section> {
  /** Takes the packet if it is this protocol's; false leaves it to the next registered tracker. */
  observe(pkt: DecodedPacket): boolean;
  /**
   * A UDP datagram of a tunnel the packet crossed (pkt.tunnelDatagrams, outermost first), offered
   * like packets until a tracker claims it; the packet inside is offered on its own.
   */
  observeTunnel?(pkt: DecodedPacket, datagram: TunnelDatagram): boolean;
  /** Capture time advanced to `time`: end what timed out. */
  expire?(time: number): void;
  /** The report section (called once). */
  finish(): Section;
  /** report.limits fields: caps and evictions (`max…`, `evicted…`), in report order. */
  limits(): Record<string, number>;
  /** report.limits fields: rows left out beyond --max-records (`omitted…`), in report order. */
  omitted(): Record<string, number>;
}

/** One table cap, for the totals and the "problems found" lines. */
export interface CapSpec {
  /** report.limits keys of the cap and of its eviction count. */
  max: string;
  evicted: string;
  /** What was evicted, singular and plural ("TCP flow", "TCP flows"). */
  one: string;
  what: string;
  /** What the cap counts when not entries ("MB of estimated state"). */
  unit?: string;
  /** The option that sets the cap ("--max-flows"). */
  option: string;
  /** What an eviction means, appended to "N <what> evicted at the cap of M". */
  consequence(limits: LimitsReport): string;
}

/** Rows cut at --max-records. */
export interface OmissionSpec {
  /** report.limits key. */
  key: string;
  /** What was left out, plural ("TCP flows"). */
  what: string;
}

/** A line of "problems found" (markdown view). */
export interface Problem {
  /** The module's name, or 'capture' / 'limits'. */
  area: string;
  text: string;
  /** Packet numbers or a packet range to open in Wireshark ("#10–#11", "#25, #26"); "" when none apply. */
  where: string;
}

/** What a table renderer gets: colour, rows, width, sort and time (report/layout.ts), and the options. */
export interface SectionView extends SectionOptions {
  /** The report's options (some renderers need e.g. the DNS timeout). */
  options: AnalysisOptionsReport;
}

/** A capture-level `check` metric of this protocol (summed over the captures of a submission). */
export interface TrackerMetric<Section> {
  /** As written in expectations; <...> marks a part the user fills in. */
  name: string;
  kind: 'count' | 'bytes' | 'seconds';
  meaning: string;
  pattern: RegExp;
  /** What it counts, plural ("UDP flows"), for explanations. */
  noun: string;
  /** Why `match` names nothing valid (e.g. an unknown code), or null. Checked before any analysis. */
  invalid?(match: RegExpExecArray): string | null;
  /** The value in one report. */
  value(section: Section, match: RegExpExecArray): number;
}

export interface TrackerModule<Name extends string, Section> {
  /** The report section's key, the ledger's protocol name and the `check` metric family. */
  name: Name;
  /** How people write it ("TCP"). */
  label: string;
  /** Its own options with their defaults (e.g. udpTimeout): AnalyzeOptions.trackerOptions overrides them; report.options lists them. */
  options?: Readonly<Record<string, number>>;
  create(ctx: TrackerContext): Tracker<Section>;
  /** Fills each row's `classification` (called after finish, before the ledger's verdicts). */
  classify?(section: Section): void;
  /** Adds what its section knows about endpoints (e.g. HTTP session evidence), after the ledger's verdicts. */
  annotate?(section: Section, endpoints: EndpointReport[]): void;
  /**
   * The kinds of ledger state its tracker holds: name, cost per entry with its source, whether
   * losing it breaks a conversation, the routing it needs (registered in model/state-kind.ts).
   */
  stateKinds: readonly StateKindSpec[];
  /** How verdict reasons name its conversations ("TCP connection", "flow 3"); default "<NAME> flow". */
  conversationWords?: ConversationWords;
  caps: readonly CapSpec[];
  omissions: readonly OmissionSpec[];
  /** NDJSON: which list of the section is written one record per row, and the record type. */
  ndjson: { list: string; type: string } | null;
  /** Its part of the one-line markdown summary. */
  summary(section: Section): string;
  /** Its own markdown block (lines, heading included), or none. */
  markdown?(section: Section, maxRows: number): string[];
  /** Its table block, or null when there is nothing to show. */
  table(section: Section, view: SectionView): string | null;
  /** Its "problems found" lines. */
  problems(section: Section, view: SectionView): Problem[];
  /**
   * Its `check` metrics (family `<name>.`): figures of its section summed over captures
   * (TrackerMetric), or metrics over its `checkRecords` built with check/blocks.ts, narrowed by `where`.
   */
  metrics: readonly (TrackerMetric<Section> | MetricDef)[];
  /** The records its metrics count, each with the conversation facts `where` filters test. */
  checkRecords?: readonly CheckRecords[];
}
