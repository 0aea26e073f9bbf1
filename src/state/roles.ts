/**
 * Names and rows that depend on every endpoint at once: the transport suffix of servers (one
 * ip:port over UDP and over TCP is two servers), attempts (destinations that never answered), and
 * state-loss rows named like the endpoints they concern.
 */
import type { AttemptReason, AttemptReport, StateLossReport } from '../report/schema.js';
import type { EndpointLedger } from './endpoint-ledger.js';
import type { AttemptExample } from './endpoint-evidence.js';
import type { StateLossEvidence } from './evidence.js';
import { icmpWords } from './verdict.js';

/** Servers whose ip:port serves over both transports get `/tcp` or `/udp`; other names stay as they are. */
export function serverNames(endpoints: readonly EndpointLedger[]): Map<EndpointLedger, string> {
  const transports = new Map<string, Set<string>>();
  for (const e of endpoints) {
    if (e.ref.role !== 'server' || e.ref.transport === undefined) continue;
    const set = transports.get(e.name) ?? new Set<string>();
    set.add(e.ref.transport);
    transports.set(e.name, set);
  }
  const names = new Map<EndpointLedger, string>();
  for (const e of endpoints) {
    if (e.ref.role === 'server' && e.ref.transport !== undefined && (transports.get(e.name)?.size ?? 0) > 1) {
      names.set(e, `${e.name}/${e.ref.transport}`);
    }
  }
  return names;
}

function answerDetail(a: AttemptExample['answer']): string {
  switch (a.kind) {
    case 'none': return 'no answer';
    case 'rst': return 'refused by RST';
    case 'icmp': return icmpWords(a.version, a.type, a.code);
  }
}

const REASON: Record<AttemptExample['answer']['kind'], AttemptReason> = { none: 'no-answer', rst: 'refused-rst', icmp: 'icmp' };

export function attemptReport(e: EndpointLedger, name: string): AttemptReport {
  const ev = e.evidence;
  const byReason: Record<AttemptReason, number> = { 'no-answer': ev.attempts.none, 'refused-rst': ev.attempts.rst, icmp: ev.attempts.icmp };
  const reason = (Object.keys(byReason) as AttemptReason[]).reduce((best, r) => (byReason[r] > byReason[best] ? r : best), 'no-answer');

  const clients = [...new Set(ev.attemptExamples.map((a) => a.client))];
  return {
    endpoint: name,
    ...(e.ref.transport !== undefined ? { transport: e.ref.transport } : {}),
    attempts: ev.attemptCount,
    reason,
    byReason,
    flows: ev.attemptExamples.map((a) => ({
      ...refField(a.ref),
      packet: a.firstPacket,
      answerPacket: a.answer.kind === 'none' ? null : a.answer.packet,
      detail: answerDetail(a.answer),
    })),
    clients,

  };
}

function refField(ref: { proto: string; id: number }): { flow: number } | { transaction: number } | { connection: number } {
  return ref.proto === 'tcp' ? { flow: ref.id } : ref.proto === 'dns' ? { transaction: ref.id } : { connection: ref.id };
}

export function stateLossReport(l: StateLossEvidence, endpoint: string): StateLossReport {
  return {
    packet: l.packet,
    time: l.time,
    kind: l.kind,
    endpoint,
    ...(l.ref !== null ? refField(l.ref) : {}),
    detail: l.detail,
  };
}
