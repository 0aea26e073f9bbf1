/**
 * The ledger of one endpoint: its live entries, running totals, and what it derives from them at
 * each settled moment (timeline, peaks, time-weighted mean, idle windows, worst moment). Entries
 * changed by holds, releases and expiries make timeline points; bytes in flight alone (buffer
 * events, most data packets) move the peaks, the mean and the current point's aggregates only.
 *
 * "Settled" means: after all events of one packet (or one batch of expiries). Peaks and timeline
 * points are taken only then, so the order in which a tracker emits the events of one packet
 * (release then hold, hold then buffer) cannot create a peak that never existed between packets.
 */
import type { EndpointReport, LedgerPoint } from '../model/endpoint.js';
import { STATE_KINDS, type EndpointRef, type StateKind } from './events.js';
import { KIND_BREAKS, KIND_INDEX } from '../model/state-kind.js';
import type { LiveEntry } from './entry.js';
import { EntryTable } from './entry-table.js';
import { FlowSpans } from './flow-spans.js';
import { IdleWindows } from './idle-windows.js';
import { breaksNow, WorstMoment, type RestartBreaks } from './restart-breaks.js';
import { EndpointEvidence } from './endpoint-evidence.js';
import { Timeline } from './timeline.js';
import { KindTimelines } from './kind-timelines.js';
import { endpointVerdict } from './verdict.js';

/** Kind indexes kept as bits of an int32 (kindsHeld). */
const KIND_BITS = 30;

/** Position of each kind in STATE_KINDS: the per-kind arrays below are indexed by it (filled as trackers register). */
export { KIND_INDEX };

export interface EndpointLedgerOptions {
  /** Bytes per entry, indexed like STATE_KINDS, and per buffered byte. */
  kindCosts: readonly number[];
  bufferedByteCost: number;
  timelineLimit: number;
  captureStart: number;
  /** Compute restart lists (server endpoints); idle windows are computed for every endpoint. */
  restartAnalysis: boolean;
  /** Remember what a restart at the peak would break (no --restart-at given). */
  trackWorst: boolean;
  /** Keep a timeline per kind of state (report field timelineByKind). */
  kindTimelines?: boolean;
}

export interface RestartResult {
  at: { packet: number | null; time: number | null };
  basis: 'requested' | 'worst';
  breaks: RestartBreaks;
}

export class EndpointLedger {
  readonly live = new EntryTable();
  readonly spans = new FlowSpans();
  /**
   * Kinds it ever held: bit k for kind index k below KIND_BITS (a hold tests one bit), the others
   * (rare) in a Set made at the first. An array or Set per endpoint was 150-200 bytes each in a flood.
   */
  private kindBits = 0;
  private otherKinds: Set<StateKind> | null = null;
  /** What its flows showed: conversations, attempts, exchanges (the verdict's evidence). */
  readonly evidence = new EndpointEvidence();
  /** Queued for settling at the end of the current packet. */
  dirty = false;
  restart: RestartResult | null = null;

  private entries = 0;
  private bytes = 0;
  /** Entries whose loss breaks a conversation (all but TIME-WAIT): restart-safe windows are where this is 0. */
  private breakable = 0;
  private settledBreakable = 0;
  private readonly kindEntries = new Array<number>(STATE_KINDS.length).fill(0);
  private readonly kindBytes = new Array<number>(STATE_KINDS.length).fill(0);

  private settledEntries = 0;
  private settledBytes = 0;
  private readonly settledKindEntries = new Array<number>(STATE_KINDS.length).fill(0);
  /** An entry came, went or changed kind since the last settle (per-kind counts may differ). */
  private kindsTouched = false;

  /** The moment of most entries, as numbers (a new one at every packet while state ramps up). */
  private peakSeen = false;
  private peakEntries = 0;
  private peakEntriesBytes = 0;
  private peakEntriesTime = 0;
  private peakEntriesPacket = 0;
  /** The moment of most bytes, as numbers: it moves with bytes in flight, so no object per new maximum. */
  private peakBytesSeen = false;
  private peakBytesEntries = 0;
  private peakBytesBytes = 0;
  private peakBytesTime = 0;
  private peakBytesPacket = 0;
  /**
   * Per kind, the moment of most entries of it: entries, bytes, time, packet at 4k..4k+3 (k as in
   * STATE_KINDS; entries 0: none yet). Made at the first entry, and only as long as the highest
   * kind index held needs: most rows of a flood hold none, or one kind.
   */
  private peakKinds: number[] | null = null;
  /** Integral of bytes over time since lastTime. */
  private byteSeconds = 0;
  // 0, not undefined: a double field updated in place (a field first undefined boxes every store).
  private lastTime = 0;
  private readonly timeline: Timeline;
  private readonly kindTimelines: KindTimelines | null;
  private readonly idle: IdleWindows;
  private readonly worst: WorstMoment | null;

  constructor(
    readonly ref: EndpointRef,
    readonly name: string,
    /** Creation order: ties in sorting. */
    readonly order: number,
    private readonly options: EndpointLedgerOptions,
  ) {
    this.lastTime = options.captureStart;
    this.timeline = new Timeline(options.timelineLimit);
    this.kindTimelines = options.kindTimelines ? new KindTimelines(options.timelineLimit) : null;
    this.idle = new IdleWindows(options.timelineLimit, options.captureStart);
    this.worst = options.restartAnalysis && options.trackWorst ? new WorstMoment() : null;
  }

  addEntry(entry: LiveEntry): void {
    this.kindsTouched = true;
    this.live.add(entry.key, entry);
    this.account(entry, 1);
    this.noteKind(entry);
    this.worst?.noteChange(entry, this.live);
  }

  changeEntry(entry: LiveEntry, kind: StateKind, entries: number): void {
    const kindChanged = entry.kind !== kind;
    this.kindsTouched = true;
    this.account(entry, -1);
    entry.kind = kind;
    entry.kindIndex = KIND_INDEX[kind];
    entry.entries = entries;
    this.account(entry, 1);
    this.noteKind(entry);
    if (kindChanged) this.worst?.noteChange(entry, this.live);
  }

  /** Called for most data packets: only the bytes move (the same sums as account(-1), account(+1)). */
  setBuffered(entry: LiveEntry, bytes: number): void {
    const k = entry.kindIndex;
    const base = this.options.kindCosts[k] * entry.entries;
    const before = base + this.options.bufferedByteCost * entry.buffered;
    const after = base + this.options.bufferedByteCost * bytes;
    entry.buffered = bytes;
    this.bytes -= before;
    this.bytes += after;
    this.kindBytes[k] -= before;
    this.kindBytes[k] += after;
  }

  removeEntry(entry: LiveEntry): void {
    this.kindsTouched = true;
    this.account(entry, -1);
    entry.live = false;
    this.live.delete(entry.key);
    this.worst?.noteChange(entry, this.live);
    if (this.live.size === 0) this.zeroTotals();
  }

  /** Kinds it ever held (built when asked: once, for the report). */
  get kindsHeld(): ReadonlySet<StateKind> {
    const kinds = new Set<StateKind>(this.otherKinds ?? []);
    for (let k = 0; k < KIND_BITS; k++) if ((this.kindBits & (1 << k)) !== 0) kinds.add(STATE_KINDS[k]);
    return kinds;
  }

  /** What a restart now would break. */
  breaksNow(): RestartBreaks {
    return breaksNow(this.live.entries());
  }

  /** Takes the state after the events of packet `packet` (or an expiry) at `time` as a moment. */
  settle(time: number, packet: number): void {
    const entries = this.entries;
    const bytes = this.bytes;
    // Per-kind counts change only when entries come, go or change kind, not when bytes are buffered.
    const kindsTouched = this.kindsTouched;
    let kindsChanged = false;
    if (kindsTouched) for (let k = 0; k < this.kindEntries.length; k++) if (this.kindEntries[k] !== this.settledKindEntries[k]) kindsChanged = true;
    if (entries === this.settledEntries && bytes === this.settledBytes && !kindsChanged) return;
    this.kindsTouched = false;

    this.byteSeconds += this.settledBytes * Math.max(0, time - this.lastTime);
    this.lastTime = Math.max(this.lastTime, time);
    if (entries !== this.settledEntries || bytes !== this.settledBytes) {
      // A point when entries came, went or changed kind; bytes in flight alone only move its aggregates.
      if (kindsChanged) this.timeline.record(time, packet, entries, bytes);
      else this.timeline.recordBytes(time, packet, entries, bytes);
    }
    this.kindTimelines?.record(time, packet, this.kindEntries, this.kindBytes);
    if (!this.peakSeen || entries > this.peakEntries) {
      this.peakSeen = true;
      this.peakEntries = entries;
      this.peakEntriesBytes = bytes;
      this.peakEntriesTime = time;
      this.peakEntriesPacket = packet;
      this.worst?.notePeak(this.live);
    }
    if (!this.peakBytesSeen || bytes > this.peakBytesBytes) {
      this.peakBytesSeen = true;
      this.peakBytesEntries = entries;
      this.peakBytesBytes = bytes;
      this.peakBytesTime = time;
      this.peakBytesPacket = packet;
    }
    if (kindsTouched) {
      for (let k = 0; k < this.kindEntries.length; k++) {
        const n = this.kindEntries[k];
        if (n > 0) {
          let peaks = this.peakKinds;
          if (peaks === null || peaks.length <= 4 * k) peaks = this.peakKindsUpTo(k);
          if (n > peaks[4 * k]) {
            peaks[4 * k] = n;
            peaks[4 * k + 1] = this.kindBytes[k];
            peaks[4 * k + 2] = time;
            peaks[4 * k + 3] = packet;
          }
        }
        this.settledKindEntries[k] = n;
      }
    }
    // Restart-safe windows: nothing breakable held (TIME-WAIT neither opens nor closes one).
    const breakable = this.breakable;
    if (this.settledBreakable > 0 && breakable === 0) this.idle.becameIdle(time, packet);
    else if (this.settledBreakable === 0 && breakable > 0) this.idle.becameBusy(time, packet);
    this.settledBreakable = breakable;
    this.settledEntries = entries;
    this.settledBytes = bytes;
  }

  /** The endpoint's report at the end of the capture (`end`, capture started at captureStart). */
  report(end: number, otherRole: string[], name: string = this.name): EndpointReport {
    const start = this.options.captureStart;
    this.byteSeconds += this.settledBytes * Math.max(0, end - this.lastTime);
    this.lastTime = Math.max(this.lastTime, end);
    const duration = end - start;
    // Over a capture of zero length, the mean is the only value there was.
    const meanBytes = duration > 0 ? Math.round(this.byteSeconds / duration) : this.settledBytes;

    const peakByKind: EndpointReport['peakByKind'] = {};
    STATE_KINDS.forEach((kind, k) => {
      const peaks = this.peakKinds;
      if (peaks !== null && 4 * k < peaks.length && peaks[4 * k] > 0) peakByKind[kind] = { entries: peaks[4 * k], bytes: peaks[4 * k + 1], time: peaks[4 * k + 2], packet: peaks[4 * k + 3] };
    });
    const timeline = this.timeline.finish(end);
    const idle = this.idle.finish(end);
    const verdict = endpointVerdict({ role: this.ref.role, kindsHeld: this.kindsHeld, spans: this.spans, evidence: this.evidence, otherRole });
    const none: LedgerPoint = { entries: 0, bytes: 0, time: null, packet: null };
    const peak = this.peakSeen
      ? { entries: this.peakEntries, bytes: this.peakEntriesBytes, time: this.peakEntriesTime, packet: this.peakEntriesPacket }
      : none;

    let restart: EndpointReport['restart'] = null;
    if (this.options.restartAnalysis) {
      restart = this.restart ?? {
        at: { packet: peak.packet, time: peak.time },
        basis: 'worst',
        breaks: this.worst?.breaks() ?? { tcp: [], dns: [], quic: [] },
      };
    }

    const report: EndpointReport = {
      endpoint: name,
      role: this.ref.role,
      ...(this.ref.role === 'server' && this.ref.transport !== undefined ? { transport: this.ref.transport } : {}),
      verdict: verdict.verdict,
      reasons: verdict.reasons,
      stickyRouting: verdict.stickyRouting,
      peak,
      peakBytes: this.peakBytesSeen
        ? { entries: this.peakBytesEntries, bytes: this.peakBytesBytes, time: this.peakBytesTime, packet: this.peakBytesPacket }
        : none,
      peakByKind,
      meanBytes,
      atEnd: { entries: this.settledEntries, bytes: this.settledBytes },
      idleWindows: idle.windows,
      idleWindowCount: idle.count,
      idleSeconds: idle.seconds,
      longestIdle: idle.longest,
      restart,
      timeline: timeline.points,
      timelineCompressed: timeline.compressed,
    };
    if (idle.omitted > 0) report.idleWindowsOmitted = idle.omitted;
    if (this.kindTimelines !== null) report.timelineByKind = this.kindTimelines.finish(end);
    return report;
  }

  /** Peak bytes for sorting endpoints. */
  get peakByteCount(): number {
    return this.peakBytesSeen ? this.peakBytesBytes : 0;
  }

  private account(entry: LiveEntry, sign: 1 | -1): void {
    const k = entry.kindIndex;
    const bytes = this.options.kindCosts[k] * entry.entries + this.options.bufferedByteCost * entry.buffered;
    this.entries += sign * entry.entries;
    if (KIND_BREAKS[k] === true) this.breakable += sign * entry.entries;
    this.bytes += sign * bytes;
    this.kindEntries[k] += sign * entry.entries;
    this.kindBytes[k] += sign * bytes;
  }

  private noteKind(entry: LiveEntry): void {
    const k = entry.kindIndex;
    if (k !== undefined && k < KIND_BITS) this.kindBits |= 1 << k;
    // An unknown kind (no index) goes to the Set as well: checked there every time, as before.
    else (this.otherKinds ??= new Set()).add(entry.kind);
  }

  /** peakKinds, grown with zeros (none yet) to cover kind index `k`. */
  private peakKindsUpTo(k: number): number[] {
    // An exact-size copy (pushes would leave room for 17 more numbers in every row).
    const peaks = new Array<number>(4 * (k + 1)).fill(0);
    const before = this.peakKinds;
    if (before !== null) for (let i = 0; i < before.length; i++) peaks[i] = before[i];
    this.peakKinds = peaks;
    return peaks;
  }

  /** With no live entry left, totals are exactly zero (no rounding residue from fractional costs). */
  private zeroTotals(): void {
    this.kindsTouched = true;
    this.entries = 0;
    this.bytes = 0;
    this.breakable = 0;
    this.kindEntries.fill(0);
    this.kindBytes.fill(0);
  }
}
