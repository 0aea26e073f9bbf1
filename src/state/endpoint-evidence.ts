/**
 * Per endpoint, what its flows showed (FlowEvidence, one per flow, as trackers finish them): how
 * many were conversations and how many only attempts (and why), which carried state across
 * exchanges or an idle period, and a few flows the verdict can cite. O(1) memory per endpoint.
 */
import { flowKey, type EntryKey } from './entry.js';
import type { Answer, FlowEvidence } from './evidence.js';
import type { EntryRef } from './events.js';

/** Flows kept per endpoint to cite: the first ones of each protocol, and the first that spanned exchanges. */
export const EXAMPLES_KEPT = 5;

export type AttemptReason = Exclude<Answer['kind'], 'answered'>;

export interface AttemptExample {
  ref: EntryRef;
  /** The address that tried. */
  client: string;
  firstPacket: number;
  answer: Exclude<Answer, { kind: 'answered' }>;
}

/** Counts per protocol (the tracker's name: tcp, dns, quic, ...); a missing key is 0. */
export type PerProto = Record<string, number>;
const zero = (): PerProto => ({});
const bump = (counts: PerProto, proto: string): void => { counts[proto] = (counts[proto] ?? 0) + 1; };
const sum = (counts: PerProto): number => Object.values(counts).reduce((a, b) => a + b, 0);

export class EndpointEvidence {
  /** Flows whose destination answered, per protocol. */
  readonly conversations = zero();
  /** Of those, flows whose state outlived one exchange: several exchanges, or held idle before one. */
  readonly spanning = zero();
  /** Flows whose destination never answered, by reason. */
  readonly attempts: Record<AttemptReason, number> = { none: 0, rst: 0, icmp: 0 };
  readonly attemptExamples: AttemptExample[] = [];
  /** Cited flows, by flowKey: spanning ones first come first kept, then the first of each protocol. */
  private readonly kept = new Map<EntryKey, FlowEvidence>();
  private readonly keptPerProto = zero();
  private keptSpanning = 0;
  /** First packet at which this endpoint, as a server, answered; null if never. */
  answeredAt: number | null = null;

  add(e: FlowEvidence, role: 'client' | 'server'): void {
    const answer = e.answer;
    if (answer.kind !== 'answered') {
      this.attempts[answer.kind]++;
      if (this.attemptExamples.length < EXAMPLES_KEPT) {
        this.attemptExamples.push({ ref: e.ref, client: e.client.address, firstPacket: e.firstPacket, answer });
      }
      return;
    }
    if (role === 'server' && (this.answeredAt === null || answer.packet < this.answeredAt)) this.answeredAt = answer.packet;
    const proto = e.ref.proto;
    bump(this.conversations, proto);
    const spans = spansExchanges(e);
    if (spans) bump(this.spanning, proto);
    const key = flowKey(e.ref);
    if (spans && this.keptSpanning < EXAMPLES_KEPT) {
      this.keptSpanning++;
      this.kept.set(key, e);
    } else if ((this.keptPerProto[proto] ?? 0) < EXAMPLES_KEPT) {
      bump(this.keptPerProto, proto);
      this.kept.set(key, e);
    }
  }

  get anySpanning(): boolean {
    return sum(this.spanning) > 0;
  }

  get attemptCount(): number {
    return this.attempts.none + this.attempts.rst + this.attempts.icmp;
  }

  get conversationCount(): number {
    return sum(this.conversations);
  }

  /** Whether anything was told at all (an endpoint fed only holds keeps its old role). */
  get evidenced(): boolean {
    return this.conversationCount + this.attemptCount > 0;
  }

  /** The cited flows: those whose state spanned exchanges first, then by first packet. */
  examples(): FlowEvidence[] {
    return [...this.kept.values()].sort((a, b) =>
      Number(spansExchanges(b)) - Number(spansExchanges(a)) || a.firstPacket - b.firstPacket || a.ref.id - b.ref.id);
  }

  evidenceFor(ref: EntryRef): FlowEvidence | undefined {
    return this.kept.get(flowKey(ref));
  }
}

/**
 * The verdict rule for one flow: its state outlived the exchange that created it when a second
 * exchange used it, or when it sat held through an idle period before a request that needed it.
 */
export function spansExchanges(e: FlowEvidence): boolean {
  return e.answer.kind === 'answered' && (e.exchanges.count >= 2 || e.exchanges.idle !== null);
}
