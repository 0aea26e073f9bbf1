/**
 * Flows whose both ends have closed, waiting to be finalized on capture time: 2*MSL after the last
 * packet, the time TIME-WAIT runs (RFC 9293 §3.6) and the longest a segment of the connection may
 * still be in the network (§3.4.1), so that late retransmissions, ACKs and resets still join their
 * flow (as tshark keeps them in its tcp.stream). A flow that sees another packet is re-noted with a
 * new deadline; the stale entry is skipped. One FIFO queue (one delay): O(1) amortized per flow.
 */
import { LazyQueue } from '../lazy-queue.js';

export interface ClosingFlow {
  /** Capture time at which the flow is finalized; null while either end still holds the connection. */
  closedDeadline: number | null;
  /** In the live table. */
  listed: boolean;
}

interface Queued<F> { flow: F; deadline: number }

export class ClosedFlows<F extends ClosingFlow> {
  private readonly queue: LazyQueue<Queued<F>>;
  private head: Queued<F> | undefined;
  /** Pushed to since `queue` last came up empty: asked once per packet, an empty queue is not asked. */
  private queued = false;

  constructor(private readonly timeWait: number) {
    this.queue = new LazyQueue((q: Queued<F>) => q.flow.listed && q.flow.closedDeadline === q.deadline);
  }

  /** Both ends of `flow` hold nothing but (perhaps) TIME-WAIT since `time`, its latest packet. */
  note(flow: F, time: number): void {
    const deadline = time + this.timeWait;
    if (flow.closedDeadline === deadline) return;
    flow.closedDeadline = deadline;
    this.queue.push({ flow, deadline });
    this.queued = true;
  }

  /** Under table pressure: the closed flow due first, whatever its deadline (undefined when none). */
  takeEarliest(): F | undefined {
    const head = this.peek();
    this.head = undefined;
    return head?.flow;
  }

  /**
   * The next flow due at `now` (earliest deadline first; each returned once), undefined when none
   * is. Called per packet: no iterator or array is made for the common answer, none.
   */
  takeDue(now: number): F | undefined {
    const head = this.peek();
    if (head === undefined || head.deadline > now) return undefined;
    this.head = undefined;
    return head.flow;
  }

  private peek(): Queued<F> | undefined {
    for (;;) {
      let head = this.head;
      if (head === undefined && this.queued) {
        head = this.queue.shift();
        if (head === undefined) this.queued = false;
      }
      this.head = head;
      if (head === undefined || (head.flow.listed && head.flow.closedDeadline === head.deadline)) return head;
      this.head = undefined;
    }
  }
}
