/**
 * Flows whose both ends have closed, waiting to be finalized on capture time: once TIME-WAIT has run
 * out (2*MSL after the active close, RFC 9293 §3.6) or, with no TIME-WAIT, CLOSE_LINGER after the
 * close (Zeek's tcp_close_delay), so that late retransmissions and ACKs still join their flow. A
 * flow that sees another packet is re-noted with a new deadline; the stale entry is skipped.
 * Two FIFO queues, one per delay, keep deadlines in order: O(1) amortized per flow.
 */
import { LazyQueue } from '../lazy-queue.js';

/** Seconds a flow closed without TIME-WAIT (resets, or both ends fully closed) is kept for late packets. */
export const CLOSE_LINGER = 5;

export interface ClosingFlow {
  /** Capture time at which the flow is finalized; null while either end still holds the connection. */
  closedDeadline: number | null;
  /** In the live table. */
  listed: boolean;
}

interface Queued<F> { flow: F; deadline: number }

export class ClosedFlows<F extends ClosingFlow> {
  private readonly queues: [LazyQueue<Queued<F>>, LazyQueue<Queued<F>>];
  private readonly heads: [Queued<F> | undefined, Queued<F> | undefined] = [undefined, undefined];

  constructor(private readonly timeWait: number) {
    const live = (q: Queued<F>): boolean => q.flow.listed && q.flow.closedDeadline === q.deadline;
    this.queues = [new LazyQueue(live), new LazyQueue(live)];
  }

  /** Both ends of `flow` hold nothing but (perhaps) TIME-WAIT since `time`. */
  note(flow: F, time: number, timeWaitHeld: boolean): void {
    const deadline = time + (timeWaitHeld ? this.timeWait : CLOSE_LINGER);
    if (flow.closedDeadline === deadline) return;
    flow.closedDeadline = deadline;
    this.queues[timeWaitHeld ? 0 : 1].push({ flow, deadline });
  }

  /** Under table pressure: the closed flow due first, whatever its deadline (undefined when none). */
  takeEarliest(): F | undefined {
    let best: 0 | 1 | null = null;
    for (const i of [0, 1] as const) {
      const head = this.peek(i);
      if (head !== undefined && (best === null || head.deadline < (this.heads[best] as Queued<F>).deadline)) best = i;
    }
    if (best === null) return undefined;
    const flow = (this.heads[best] as Queued<F>).flow;
    this.heads[best] = undefined;
    return flow;
  }

  private peek(i: 0 | 1): Queued<F> | undefined {
    for (;;) {
      const head = this.heads[i] ?? this.queues[i].shift();
      this.heads[i] = head;
      if (head === undefined || (head.flow.listed && head.flow.closedDeadline === head.deadline)) return head;
      this.heads[i] = undefined;
    }
  }

  /** Flows due at `now`, oldest deadline first per queue; each returned once. */
  *due(now: number): IterableIterator<F> {
    for (const i of [0, 1] as const) {
      for (let head = this.peek(i); head !== undefined && head.deadline <= now; head = this.peek(i)) {
        this.heads[i] = undefined;
        yield head.flow;
      }
    }
  }
}
