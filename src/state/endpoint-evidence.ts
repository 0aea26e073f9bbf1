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
const sum = (counts: PerProto): number => Object.values(counts).reduce((a, b) => a + b, 0);

/** What an endpoint shows before its first flow of that sort (shared, never written). */
const NO_COUNTS: PerProto = Object.freeze({});
const NO_EXAMPLES: readonly AttemptExample[] = Object.freeze([]);

/** Adds one to `counts[proto]`, making `counts` on the first (most endpoints of a flood never get one). */
function bumped(counts: PerProto | null, proto: string): PerProto {
  const made = counts ?? {};
  made[proto] = (made[proto] ?? 0) + 1;
  return made;
}

/**
 * Its counts, lists and maps are made on first use: a flood makes tens of thousands of endpoints
 * that each see one attempt, and each empty Map or object was kept as long as the endpoint.
 */
export class EndpointEvidence {
  private conversationCounts: PerProto | null = null;
  private spanningCounts: PerProto | null = null;
  /** Flows whose destination never answered, by reason. */
  readonly attempts: Record<AttemptReason, number> = { none: 0, rst: 0, icmp: 0 };
  private examplesOfAttempts: AttemptExample[] | null = null;
  /** Cited flows, by flowKey: spanning ones first come first kept, then the first of each protocol. */
  private kept: Map<EntryKey, FlowEvidence> | null = null;
  private keptPerProto: PerProto | null = null;
  private keptSpanning = 0;
  /** First packet at which this endpoint, as a server, answered; null if never. */
  answeredAt: number | null = null;

  /** Flows whose destination answered, per protocol. */
  get conversations(): Readonly<PerProto> {
    return this.conversationCounts ?? NO_COUNTS;
  }

  /** Of those, flows whose state outlived one exchange: several exchanges, or held idle before one. */
  get spanning(): Readonly<PerProto> {
    return this.spanningCounts ?? NO_COUNTS;
  }

  /** The first attempts, to cite. */
  get attemptExamples(): readonly AttemptExample[] {
    return this.examplesOfAttempts ?? NO_EXAMPLES;
  }

  add(e: FlowEvidence, role: 'client' | 'server'): void {
    const answer = e.answer;
    if (answer.kind !== 'answered') {
      this.attempts[answer.kind]++;
      const examples = this.examplesOfAttempts;
      if (examples !== null && examples.length >= EXAMPLES_KEPT) return;
      const example: AttemptExample = { ref: e.ref, client: e.client.address, firstPacket: e.firstPacket, answer };
      // The first as a one-element array: a push onto [] leaves room for 17.
      if (examples === null) this.examplesOfAttempts = [example];
      else examples.push(example);
      return;
    }
    if (role === 'server' && (this.answeredAt === null || answer.packet < this.answeredAt)) this.answeredAt = answer.packet;
    const proto = e.ref.proto;
    this.conversationCounts = bumped(this.conversationCounts, proto);
    const spans = spansExchanges(e);
    if (spans) this.spanningCounts = bumped(this.spanningCounts, proto);
    const key = flowKey(e.ref);
    if (spans && this.keptSpanning < EXAMPLES_KEPT) {
      this.keptSpanning++;
      (this.kept ??= new Map()).set(key, e);
    } else if ((this.keptPerProto?.[proto] ?? 0) < EXAMPLES_KEPT) {
      this.keptPerProto = bumped(this.keptPerProto, proto);
      (this.kept ??= new Map()).set(key, e);
    }
  }

  get anySpanning(): boolean {
    return this.spanningCounts !== null && sum(this.spanningCounts) > 0;
  }

  get attemptCount(): number {
    return this.attempts.none + this.attempts.rst + this.attempts.icmp;
  }

  get conversationCount(): number {
    return this.conversationCounts === null ? 0 : sum(this.conversationCounts);
  }

  /** Whether anything was told at all (an endpoint fed only holds keeps its old role). */
  get evidenced(): boolean {
    return this.conversationCount + this.attemptCount > 0;
  }

  /** The cited flows: those whose state spanned exchanges first, then by first packet. */
  examples(): FlowEvidence[] {
    if (this.kept === null) return [];
    return [...this.kept.values()].sort((a, b) =>
      Number(spansExchanges(b)) - Number(spansExchanges(a)) || a.firstPacket - b.firstPacket || a.ref.id - b.ref.id);
  }

  evidenceFor(ref: EntryRef): FlowEvidence | undefined {
    return this.kept?.get(flowKey(ref));
  }
}

/**
 * The verdict rule for one flow: its state outlived the exchange that created it when a second
 * exchange used it, or when it sat held through an idle period before a request that needed it.
 */
export function spansExchanges(e: FlowEvidence): boolean {
  return e.answer.kind === 'answered' && (e.exchanges.count >= 2 || e.exchanges.idle !== null);
}
