/**
 * Capture time that goes back (merged captures, the bench's real-traffic mix) must not stall the
 * flow timers. Flow 0 closes at T0 + 0.004 (client TIME-WAIT until T0 + 60.004, queued first in
 * ClosedFlows); then time goes back 1,000 s and flow 1 opens and closes there, due at
 * T0 - 1000 + 60.004, queued behind flow 0. At T0 - 600 flow 1's inactivity timer (its last packet +
 * 300 s) has run out and so has its TIME-WAIT, yet ClosedFlows does not hand it out before flow 0.
 * The timer once set itself again at a time already past and looped forever.
 */
import { describe, expect, it } from 'vitest';
import { TcpTracker } from '../../../src/track/tcp/tracker.js';
import { Conversation } from './builder.js';
import { RecordingSink } from './run.js';

const T0 = 1_700_001_000;

function closed(clientPort: number, start: number, firstNumber: number): Conversation {
  const c = new Conversation({ clientPort, start, firstNumber }).handshake();
  c.c('FA');
  c.s('FA');
  c.c('A'); // both ends closed: the client holds TIME-WAIT
  return c;
}

describe('capture time that goes back', () => {
  it('a closed flow due behind a later one in ClosedFlows ends at the next sweep, once', () => {
    const tracker = new TcpTracker({ state: new RecordingSink() });
    const first = closed(40000, T0, 1);
    const second = closed(40001, T0 - 1000, 7);
    for (const p of [...first.packets, ...second.packets]) tracker.observe(p);
    tracker.expire(T0 - 600); // returns: the past-due timer is not set again
    tracker.expire(T0 + 100); // flow 0's TIME-WAIT has run out: both are finalized here
    const report = tracker.finish();
    expect(report.flows.map((f) => [f.id, f.firstPacket, f.lastPacket, f.packets])).toEqual([[0, 1, 6, 6], [1, 7, 12, 6]]);
  });
});
