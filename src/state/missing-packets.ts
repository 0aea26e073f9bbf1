/**
 * Flows whose states rest on packets the capture does not have (issue 15). The TCP tracker moves
 * each endpoint's state machine on the segments it sees; when segments were lost before the
 * capture point, or only one direction was captured (an asymmetric route, a one-way tap), what it
 * shows is a guess: a client "in SYN-SENT" while it acknowledges server data, a server
 * "ESTABLISHED" although the client acknowledged its FIN. This module only says so, with the
 * evidence; it does not second-guess the tracker's states.
 */
import type { TcpFlowReport } from '../report/schema.js';

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** History letters for segments beyond SYN and RST: upper case from the client, lower from the server (Zeek). */
const CLIENT_BEYOND_SYN = /[ADFGT]/;
const SERVER_BEYOND_SYN = /[hadfgt]/;

/**
 * Which side was never captured though the other side holds a conversation (two packets or more,
 * beyond SYN and RST), or null. A lone packet is a fragment of a flow, not evidence of a one-way tap.
 */
export function missingDirection(f: TcpFlowReport): 'client' | 'server' | null {
  const c = f.directions.client.packets;
  const s = f.directions.server.packets;
  if (s === 0 && c > 1 && CLIENT_BEYOND_SYN.test(f.history)) return 'server';
  if (c === 0 && s > 1 && SERVER_BEYOND_SYN.test(f.history)) return 'client';
  return null;
}

/** Why the flow's states are inferred rather than seen, in plain words; empty when they are seen. */
export function missingPacketReasons(f: TcpFlowReport): string[] {
  const reasons: string[] = [];
  const missing = missingDirection(f);
  if (missing !== null) {
    const seen = missing === 'server' ? 'client' : 'server';
    reasons.push(`one direction only: ${plural(f.directions[seen].packets, 'packet', 'packets')} from the ${seen}, none from the ${missing}`);
  }
  if (f.analysis.lostSegments > 0) {
    reasons.push(`${plural(f.analysis.lostSegments, 'gap', 'gaps')} in the sequence numbers (segments not captured)`);
  }
  // Relative numbers: an ACK beyond what the peer was seen sending acknowledges uncaptured segments,
  // a FIN among them when it is one past the peer's data.
  for (const [acker, sender] of [['client', 'server'], ['server', 'client']] as const) {
    const ack = f.directions[acker].lastAck;
    const sent = f.directions[sender].nextSeq;
    if (ack !== null && sent !== null && ack > sent) {
      reasons.push(`the ${acker} acknowledged ${plural(ack - sent, 'byte', 'bytes')} of sequence space the capture does not have from the ${sender}`);
    }
  }
  return reasons;
}

/** Per-flow warnings named at most this many times per capture; the rest are counted. */
export const MAX_FLOW_WARNINGS = 20;

/**
 * Sets `inferred` on each flow whose states rest on missing packets and returns the warnings: one
 * per such flow (the first MAX_FLOW_WARNINGS, then a count) and one for the capture when flows
 * were seen in one direction only.
 */
export function markInferredFlows(flows: TcpFlowReport[], totalFlows: number): string[] {
  const warnings: string[] = [];
  let marked = 0;
  let oneSided = 0;
  for (const f of flows) {
    const reasons = missingPacketReasons(f);
    if (reasons.length === 0) continue;
    f.inferred = reasons;
    if (missingDirection(f) !== null) oneSided++;
    if (++marked <= MAX_FLOW_WARNINGS) {
      warnings.push(`TCP flow ${f.id} ${f.client} → ${f.server}: states inferred, packets missing: ${reasons.join('; ')}`);
    }
  }
  if (marked > MAX_FLOW_WARNINGS) warnings.push(`${marked - MAX_FLOW_WARNINGS} more TCP flows with states inferred from missing packets (see "inferred" in the JSON)`);
  if (oneSided > 0) {
    warnings.unshift(`one direction only: ${oneSided} of ${plural(totalFlows, 'TCP flow', 'TCP flows')} seen from one side only (an asymmetric route or a one-way tap?): their states are inferred`);
  }
  return warnings;
}
