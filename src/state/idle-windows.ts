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
  private readonly kept: MinHeap<IdleWindow> = new MinHeap(shorter);
  private totalSeconds = 0;
  private longest: IdleWindow | null = null;
  private omitted = 0;
  private count = 0;
  /** When the current idle stretch began; null while state is held. */
  private since: { time: number; packet: number | null } | null;

  constructor(private readonly limit: number, captureStart: number) {
    this.since = { time: captureStart, packet: null };
  }

  /** State dropped to zero entries at `time`, after packet `packet`. */
  becameIdle(time: number, packet: number): void {
    if (this.since === null) this.since = { time, packet };
  }

  /** Packet `packet` created state again at `time`. */
  becameBusy(time: number, packet: number): void {
    if (this.since === null) return;
    this.close(time, packet);
  }

  /** End of capture at `time`: closes an open window. */
  finish(time: number): { windows: IdleWindow[]; count: number; seconds: number; longest: IdleWindow | null; omitted: number } {
    if (this.since !== null) this.close(time, null);
    const windows = [...this.kept.values()].sort((a, b) => a.start - b.start);
    return { windows, count: this.count, seconds: this.totalSeconds, longest: this.longest, omitted: this.omitted };
  }

  private close(end: number, toPacket: number | null): void {
    const since = this.since;
    this.since = null;
    if (since === null) return;
    const seconds = roundMicro(end - since.time);
    if (!(seconds > 0)) return;
    const window: IdleWindow = { start: since.time, end, seconds, fromPacket: since.packet, toPacket };
    this.totalSeconds = roundMicro(this.totalSeconds + seconds);
    this.count++;
    if (this.longest === null || seconds > this.longest.seconds) this.longest = window;
    this.kept.push(window);
    if (this.kept.size > this.limit) {
      this.kept.pop();
      this.omitted++;
    }
  }
}
