/** Runs a TcpTracker over built packets and records what it tells the state ledger. */
import type { DecodedPacket } from '../../../src/decode/packet.js';
import type { TcpFlowReport, TcpReport } from '../../../src/report/schema.js';
import type { BufferEvent, HoldEvent, ReleaseEvent, StateSink } from '../../../src/state/events.js';
import { TcpTracker, type TcpTrackerOptions } from '../../../src/track/tcp/tracker.js';

export class RecordingSink implements StateSink {
  readonly holds: HoldEvent[] = [];
  readonly releases: ReleaseEvent[] = [];
  readonly buffers: BufferEvent[] = [];
  /** Every event as one line: "hold server tcpHalfOpen @2", "release client @9", "buffer server 10 @4". */
  readonly lines: string[] = [];
  hold(e: HoldEvent): void {
    this.holds.push(e);
    this.lines.push(`hold ${e.endpoint.role} ${e.kind} @${e.packet}${e.until !== undefined ? ` until+${Math.round(e.until - e.time)}` : ''}`);
  }
  release(e: ReleaseEvent): void {
    this.releases.push(e);
    this.lines.push(`release ${e.endpoint.role} @${e.packet}`);
  }
  buffer(e: BufferEvent): void {
    this.buffers.push({ ...e }); // the tracker reuses its buffer event object
    this.lines.push(`buffer ${e.endpoint.role} ${e.bytes} @${e.packet}`);
  }
}

export function track(packets: DecodedPacket[], options: TcpTrackerOptions = {}): { report: TcpReport; sink: RecordingSink; tracker: TcpTracker } {
  const sink = new RecordingSink();
  const tracker = new TcpTracker({ state: sink, ...options });
  for (const p of packets) tracker.observe(p);
  return { report: tracker.finish(), sink, tracker };
}

/** The only flow of a report (fails the test if there is not exactly one). */
export function only(report: TcpReport): TcpFlowReport {
  if (report.flows.length !== 1) throw new Error(`expected one flow, got ${report.flows.length}`);
  return report.flows[0];
}

/** One endpoint's transitions as "FROM>TO@packet". */
export function path(flow: TcpFlowReport, side: 'client' | 'server'): string[] {
  return flow.transitions.filter((t) => t.endpoint === side).map((t) => `${t.from}>${t.to}@${t.packet}`);
}
