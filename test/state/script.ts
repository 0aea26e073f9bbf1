/**
 * A tiny language for feeding the ledger: each packet is [number, time, ...events], events built
 * with hold/release/buffer below. `play` ticks every packet, then sends its events in order.
 */
import type { EndpointRef, EntryRef, StateKind } from '../../src/state/events.js';
import type { Answer, FlowEvidence, IdleGap } from '../../src/state/evidence.js';
import { StateLedger, type LedgerOptions, type LedgerResult } from '../../src/state/ledger.js';
import type { EndpointReport } from '../../src/report/schema.js';

export type ScriptEvent =
  | { op: 'hold'; endpoint: EndpointRef; ref: EntryRef; kind: StateKind; until?: number; entries?: number }
  | { op: 'release'; endpoint: EndpointRef; ref: EntryRef }
  | { op: 'buffer'; endpoint: EndpointRef; ref: EntryRef; bytes: number }
  | { op: 'flow'; evidence: FlowEvidence };

export type ScriptPacket = [packet: number, time: number, ...events: ScriptEvent[]];

export const server = (address: string, port: number): EndpointRef => ({ role: 'server', address, port });
export const client = (address: string): EndpointRef => ({ role: 'client', address, port: null });
export const tcp = (id: number): EntryRef => ({ proto: 'tcp', id });
export const dns = (id: number): EntryRef => ({ proto: 'dns', id });
export const quic = (id: number, part?: number): EntryRef => (part === undefined ? { proto: 'quic', id } : { proto: 'quic', id, part });

export function hold(endpoint: EndpointRef, ref: EntryRef, kind: StateKind, extra: { until?: number; entries?: number } = {}): ScriptEvent {
  return { op: 'hold', endpoint, ref, kind, ...extra };
}
export function release(endpoint: EndpointRef, ref: EntryRef): ScriptEvent {
  return { op: 'release', endpoint, ref };
}
export function buffer(endpoint: EndpointRef, ref: EntryRef, bytes: number): ScriptEvent {
  return { op: 'buffer', endpoint, ref, bytes };
}

/**
 * What a tracker tells when it is done with a flow: `answer` a packet number (answered there) or an
 * Answer; `exchanges` the packets that opened each exchange; `between` the last packet before the second.
 */
export function told(
  c: EndpointRef, s: EndpointRef, ref: EntryRef, firstPacket: number,
  how: { answer: number | Answer; exchanges?: number[]; between?: number; idle?: IdleGap },
): ScriptEvent {
  const answer: Answer = typeof how.answer === 'number' ? { kind: 'answered', packet: how.answer } : how.answer;
  const opened = how.exchanges ?? [];
  return {
    op: 'flow',
    evidence: {
      ref, client: c, server: s, firstPacket, answer,
      exchanges: { count: opened.length, packets: opened.slice(0, 5), between: how.between ?? null, idle: how.idle ?? null },
    },
  };
}

/** Sends the packets' events to `ledger` (ticking each packet unless `tick` is false). */
export function feed(ledger: StateLedger, packets: ScriptPacket[], tick = true): void {
  for (const [packet, time, ...events] of packets) {
    if (tick) ledger.tick(packet, time);
    for (const e of events) {
      if (e.op === 'hold') ledger.hold({ endpoint: e.endpoint, ref: e.ref, kind: e.kind, time, packet, until: e.until, entries: e.entries });
      else if (e.op === 'release') ledger.release({ endpoint: e.endpoint, ref: e.ref, time, packet });
      else if (e.op === 'flow') ledger.flow(e.evidence);
      else ledger.buffer({ endpoint: e.endpoint, ref: e.ref, bytes: e.bytes, time, packet });
    }
  }
}

/** Plays a whole capture ending at (endTime, last packet) and returns the ledger's result. */
export function play(packets: ScriptPacket[], endTime: number, options: LedgerOptions = {}): LedgerResult {
  const ledger = new StateLedger(options);
  feed(ledger, packets);
  const lastPacket = packets.length > 0 ? packets[packets.length - 1][0] : null;
  return ledger.finish(endTime, lastPacket);
}

export function endpointNamed(result: LedgerResult, name: string): EndpointReport {
  const found = result.endpoints.find((e) => e.endpoint === name);
  if (found === undefined) throw new Error(`no endpoint ${name} in ${result.endpoints.map((e) => e.endpoint).join(', ')}`);
  return found;
}

/** Timeline as [packet, time, entries, bytes] rows: compact to compare. */
export function rows(e: EndpointReport): [number, number, number, number][] {
  return e.timeline.map((p) => [p.packet, p.time, p.entries, p.bytes]);
}
