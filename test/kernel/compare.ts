/**
 * The kernel-states oracle: compares the kernel's own socket states, sampled while a connection ran
 * on loopback (scripts/record/kernel-states.sh), with each endpoint's state from statecap's
 * `transitions` at the sample's moment.
 */
import type { TcpFlowReport, TcpStateName } from '../../src/report/schema.js';

/** fixtures/kernel/NAME.json */
export interface KernelFixture {
  scenario: string;
  description: string;
  client: string;
  server: string;
  kernel: string;
  /** 'all': every sample away from packets is judged; 'legal': packets that change their sender's
   *  state were lost before the capture point (invisible, no rule can date them), so only the
   *  legality of statecap's states is asserted and the agreement is printed. */
  judged: 'all' | 'legal';
  ssChecks: number;
  /** net.ipv4.tcp_fin_timeout in the recording's namespace: how long Linux keeps an orphaned FIN-WAIT-2. */
  finTimeout: number;
  /** [before the read, after it, [[local, peer, state as ss prints it]]] */
  samples: [number, number, [string, string, string][]][];
}

/** ss state names as RFC 9293 names; no socket (or an unhashed CLOSE one) is CLOSED. */
const KERNEL_STATES: Record<string, TcpStateName> = {
  ESTAB: 'ESTABLISHED', 'SYN-SENT': 'SYN-SENT', 'SYN-RECV': 'SYN-RECEIVED', 'FIN-WAIT-1': 'FIN-WAIT-1',
  'FIN-WAIT-2': 'FIN-WAIT-2', 'TIME-WAIT': 'TIME-WAIT', 'CLOSE-WAIT': 'CLOSE-WAIT', 'LAST-ACK': 'LAST-ACK',
  CLOSING: 'CLOSING', UNCONN: 'CLOSED',
};

/**
 * A sample is judged when no packet was captured within GUARD of the read: on loopback a segment is
 * captured, received and processed within microseconds, and the sender changes state just before
 * it sends; 2 ms covers both with room to spare.
 */
export const GUARD = 0.002;

export interface Verdict {
  side: 'client' | 'server';
  time: number;
  kernel: TcpStateName;
  statecap: TcpStateName;
  /** Why a disagreement is expected (a documented kernel/RFC difference), if it is. */
  known?: string;
}

export interface Comparison {
  samples: number;
  /** Per endpoint, samples away from packets. */
  judged: Verdict[];
  agree: number;
  /** Disagreements documented as kernel/RFC differences (docs/differences.md). */
  known: Verdict[];
  disagree: Verdict[];
}

/** The endpoint's state from its transitions at time t (CLOSED before the first). */
export function stateAt(flow: TcpFlowReport, side: 'client' | 'server', t: number): TcpStateName {
  let state: TcpStateName = 'CLOSED';
  for (const tr of flow.transitions) {
    if (tr.endpoint !== side) continue;
    if (tr.time > t) break;
    state = tr.to;
  }
  return state;
}

/** CLOSED and LISTEN both hold no socket for this connection (the listener is not its state). */
function same(kernel: TcpStateName, ours: TcpStateName): boolean {
  if (kernel === 'CLOSED') return ours === 'CLOSED' || ours === 'LISTEN';
  return kernel === ours;
}

export function compare(fixture: KernelFixture, flow: TcpFlowReport, packetTimes: number[], timeWait: number): Comparison {
  const sorted = [...packetTimes].sort((a, b) => a - b);
  const near = (t0: number, t1: number): boolean => {
    // First packet at or after t0 - GUARD.
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < t0 - GUARD) lo = mid + 1;
      else hi = mid;
    }
    return lo < sorted.length && sorted[lo] <= t1 + GUARD;
  };
  const result: Comparison = { samples: fixture.samples.length, judged: [], agree: 0, known: [], disagree: [] };
  /** How long `side` had been in `state` (its last entry at or before t), or -1. */
  const since = (side: 'client' | 'server', state: TcpStateName, t: number): number => {
    let start = -1;
    for (const tr of flow.transitions) if (tr.endpoint === side && tr.to === state && tr.time <= t) start = tr.time;
    return start < 0 ? -1 : t - start;
  };
  for (const [t0, t1, rows] of fixture.samples) {
    if (near(t0, t1)) continue;
    for (const side of ['client', 'server'] as const) {
      const local = side === 'client' ? fixture.client : fixture.server;
      const peer = side === 'client' ? fixture.server : fixture.client;
      const row = rows.find((r) => r[0] === local && r[1] === peer);
      const kernel = row === undefined ? 'CLOSED' : KERNEL_STATES[row[2]] ?? 'CLOSED';
      const statecap = stateAt(flow, side, t0);
      const v: Verdict = { side, time: t0, kernel, statecap };
      result.judged.push(v);
      if (same(kernel, statecap)) {
        result.agree++;
      } else if (kernel === 'CLOSED' && statecap === 'TIME-WAIT' && since(side, 'TIME-WAIT', t0) >= timeWait) {
        // Linux ends TIME-WAIT after 60 s (TCP_TIMEWAIT_LEN); RFC 9293 holds it 2*MSL, and statecap's
        // transitions have no timer event: the endpoint stays in TIME-WAIT.
        v.known = 'Linux TIME-WAIT length';
        result.known.push(v);
      } else if (kernel === 'CLOSED' && statecap === 'FIN-WAIT-2' && since(side, 'FIN-WAIT-2', t0) >= fixture.finTimeout) {
        // Linux ends an orphaned FIN-WAIT-2 after tcp_fin_timeout; RFC 9293 has no such timer.
        v.known = 'Linux orphan FIN-WAIT-2 timeout';
        result.known.push(v);
      } else {
        result.disagree.push(v);
      }
    }
  }
  return result;
}
