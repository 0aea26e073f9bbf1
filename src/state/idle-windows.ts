/**
 * Restart-safe windows: the intervals in which an endpoint (server or client) held nothing
 * breakable, so a restart then breaks no one. Rules:
 * - The time from the start of the capture to the endpoint's first state counts as idle
 *   (fromPacket null): nothing was held, so a restart then breaks nothing.
 * - The caller says what is breakable (endpoint-ledger.ts: every entry but TIME-WAIT, whose loss
 *   breaks nothing, RFC 9293 §3.6); an unanswered DNS query before its timeout is breakable.
 * - A window still open at the end of the capture ends there (toPacket null).
 * - Windows of zero length (state dropped and re-created at the same timestamp) are not listed.
 * Only the `limit` longest windows are listed (sorted by start); the total and the longest always
 * cover every window, and `omitted` says how many were left out.
 */
import type { IdleWindow } from '../model/endpoint.js';
import { MinHeap } from './min-heap.js';

/** Capture times are epoch seconds as doubles (microsecond precision): keep differences at that precision. */
export function roundMicro(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}

function shorter(a: IdleWindow, b: IdleWindow): boolean {
  return a.seconds < b.seconds || (a.seconds === b.seconds && a.start > b.start);
}

export class IdleWindows {
  /**
   * The longest windows (at most `limit`): the first alone in `only`, the heap made at the second
   * (most endpoints of a flood have one window; an empty heap's array grows room for 17 at the first).
   */
  private only: IdleWindow | null = null;
  private kept: MinHeap<IdleWindow> | null = null;
  private totalSeconds = 0;
  private longest: IdleWindow | null = null;
  private omitted = 0;
  private count = 0;
  /** Whether an idle stretch is open, since when and after which packet (null: from the capture's start). */
  private idle = true;
  // 0, not undefined: a double field updated in place (a field first undefined boxes every store).
  private sinceTime = 0;
  private sincePacket: number | null = null;

  constructor(private readonly limit: number, captureStart: number) {
    this.sinceTime = captureStart;
  }

  /** State dropped to zero entries at `time`, after packet `packet`. */
  becameIdle(time: number, packet: number): void {
    if (this.idle) return;
    this.idle = true;
    this.sinceTime = time;
    this.sincePacket = packet;
  }

  /** Packet `packet` created state again at `time`. */
  becameBusy(time: number, packet: number): void {
    if (!this.idle) return;
    this.close(time, packet);
  }

  /** End of capture at `time`: closes an open window. */
  finish(time: number): { windows: IdleWindow[]; count: number; seconds: number; longest: IdleWindow | null; omitted: number } {
    if (this.idle) this.close(time, null);
    const windows = this.kept !== null ? [...this.kept.values()].sort((a, b) => a.start - b.start) : this.only !== null ? [this.only] : [];
    return { windows, count: this.count, seconds: this.totalSeconds, longest: this.longest, omitted: this.omitted };
  }

  private close(end: number, toPacket: number | null): void {
    if (!this.idle) return;
    this.idle = false;
    const seconds = roundMicro(end - this.sinceTime);
    if (!(seconds > 0)) return;
    const window: IdleWindow = { start: this.sinceTime, end, seconds, fromPacket: this.sincePacket, toPacket };
    this.totalSeconds = roundMicro(this.totalSeconds + seconds);
    this.count++;
    if (this.longest === null || seconds > this.longest.seconds) this.longest = window;
    if (this.kept === null && this.only === null && this.limit >= 1) {
      this.only = window;
      return;
    }
    let kept = this.kept;
    if (kept === null) {
      // The same pushes in the same order as with a heap from the start (one window never overflowed it).
      kept = this.kept = new MinHeap(shorter);
      if (this.only !== null) kept.push(this.only);
      this.only = null;
    }
    kept.push(window);
    if (kept.size > this.limit) {
      kept.pop();
      this.omitted++;
    }
  }
}
