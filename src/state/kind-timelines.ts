/**
 * Per-kind timelines of one endpoint (TCP connections, TIME-WAIT, half-open, DNS pending, QUIC...)
 * for the state-over-time charts of `--format html` and `--svg-dir`. Off unless asked for: the
 * endpoint ledger then calls `record` at each settled moment. Each kind keeps a bounded Timeline
 * (same points and merging as the total: a point when the kind's entries change, its bytes in
 * between as aggregates), made when the kind first appears.
 */
import { STATE_KINDS, type StateKind } from './events.js';
import { Timeline, type TimelinePoint } from './timeline.js';

export class KindTimelines {
  private readonly timelines: (Timeline | null)[] = STATE_KINDS.map(() => null);
  private readonly lastEntries: number[] = STATE_KINDS.map(() => 0);
  private readonly lastBytes: number[] = STATE_KINDS.map(() => 0);

  constructor(private readonly limit: number) {}

  /** The per-kind totals after a settled moment, indexed like STATE_KINDS; only changes are kept. */
  record(time: number, packet: number, entries: readonly number[], bytes: readonly number[]): void {
    for (let k = 0; k < STATE_KINDS.length; k++) {
      const entriesChanged = entries[k] !== this.lastEntries[k];
      if (!entriesChanged && bytes[k] === this.lastBytes[k]) continue;
      let timeline = this.timelines[k];
      if (timeline === null) {
        timeline = new Timeline(this.limit);
        this.timelines[k] = timeline;
      }
      if (entriesChanged) timeline.record(time, packet, entries[k], bytes[k]);
      else timeline.recordBytes(time, packet, entries[k], bytes[k]);
      this.lastEntries[k] = entries[k];
      this.lastBytes[k] = bytes[k];
    }
  }

  /** The timelines, their last spans ending at `end`. */
  finish(end: number): Partial<Record<StateKind, TimelinePoint[]>> {
    const out: Partial<Record<StateKind, TimelinePoint[]>> = {};
    STATE_KINDS.forEach((kind, k) => {
      const timeline = this.timelines[k];
      if (timeline !== null) out[kind] = timeline.finish(end).points;
    });
    return out;
  }
}
