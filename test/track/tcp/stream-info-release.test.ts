/**
 * The tracker's scratch stream info (one object for the module, lent to a listener's wants() and to
 * a lone SYN's end()) must let go of the flow after the call: a flow holds its listener, and through
 * a real listener the trackers and the ledger with every row. Holding the last flow kept a whole
 * analysis alive after it ended (the bench's heap after GC: 253 against 197 MB on the SYN flood).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import type { TcpStreamListener } from '../../../src/track/tcp/tracker.js';
import { Conversation } from './builder.js';
import { track } from './run.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Tracks one flow with a listener that wants its bytes or not, and returns a weak ref to the listener. */
function trackedListener(wants: boolean, flags: 'S' | 'handshake'): WeakRef<TcpStreamListener> {
  const listener: TcpStreamListener = { wants: () => wants, data: () => true, gap: () => {}, end: () => {} };
  const c = new Conversation();
  if (flags === 'S') c.c('S');
  else c.handshake();
  const { report } = track(c.packets, { stream: listener });
  expect(report.flows.length).toBe(1);
  return new WeakRef(listener);
}

for (const [wants, flags] of [[false, 'S'], [true, 'S'], [true, 'handshake']] as const) {
  it(`a listener that ${wants ? 'wants' : 'declines'} a ${flags === 'S' ? 'lone SYN' : 'handshake'} is not kept once the tracker is gone`, async () => {
    const ref = trackedListener(wants, flags);
    // A WeakRef's target is kept until the current job ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    expect(ref.deref()).toBeUndefined();
  });
}
