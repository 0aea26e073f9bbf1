/**
 * An endpoint's verdict, its reasons in plain words with flows and packet numbers, and the routing
 * a load balancer in front of it needs, all derived from what its flows showed (endpoint-evidence.ts),
 * never from a protocol's name. Rules:
 * - stateful: some breakable state it held outlived the exchange that created it: a later exchange
 *   on the same connection needed it (a second request on a keep-alive TCP connection, a QUIC
 *   connection carrying several exchanges), or it sat held through an idle period before a request
 *   that needed it. A restart between those exchanges breaks the client.
 * - stateless: every piece of breakable state lived within one request/response exchange (one DNS
 *   transaction, one HTTP/1.0 request per connection). TIME-WAIT and other state whose loss breaks
 *   nothing is counted in entries and bytes but never makes an endpoint stateful.
 * - attempts (flows whose destination never answered: silence, a reset to the SYN, an ICMP error)
 *   are no conversations: they are counted and cited apart, never as connections.
 * - stickyRouting: what the kinds of the protocols whose state spanned exchanges declare (`routing`):
 *   '4-tuple' for TCP or a UDP stream, else 'connection-id' for QUIC (a CID-aware balancer needs no
 *   4-tuple stickiness, RFC 9000 §5.1), else 'none'.
 * - what each kind is called and whether losing it breaks anything comes from the tracker that
 *   declares it (model/state-kind.ts), never from a list here.
 */
import type { EndpointReport } from '../model/endpoint.js';
import { conversationWords, kindSpec, stateKindSpecs, type KindRouting, type StateKind } from '../model/state-kind.js';
import type { FlowSpan, FlowSpans } from './flow-spans.js';
import type { AttemptExample, EndpointEvidence, PerProto } from './endpoint-evidence.js';
import type { FlowEvidence } from './evidence.js';
import { flowKey, type EntryKey } from './entry.js';

export const MAX_FLOW_LINES = 5;

export interface VerdictInput {
  role: 'server' | 'client';
  /** Every kind the endpoint ever held. */
  kindsHeld: ReadonlySet<StateKind>;
  spans: FlowSpans;
  evidence: EndpointEvidence;
  /** Names of endpoints with the same address in the other role. */
  otherRole: string[];
}

export type Verdict = Pick<EndpointReport, 'verdict' | 'reasons' | 'stickyRouting'>;

/** The words for a protocol's conversations, as its tracker declares them. */
function nouns(proto: string): readonly [string, string] {
  const words = conversationWords(proto);
  return [words.one, words.many];
}

/** Protocols in the order reasons name them: by their declared rank (TCP, QUIC, DNS), then any other by name. */
function protocols(counts: PerProto): string[] {
  const rank = (p: string): number => conversationWords(p).rank ?? Number.POSITIVE_INFINITY;
  return Object.keys(counts).filter((p) => (counts[p] ?? 0) > 0)
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Seconds with at most three decimals, no trailing zeros. */
export function formatSeconds(seconds: number): string {
  return String(Number(seconds.toFixed(3)));
}

function flowName(proto: string, id: number): string {
  return `${conversationWords(proto).flow} ${id}`;
}

function spanEnd(span: FlowSpan): string {
  const end = span.end;
  if (end === null) return 'to the end of the capture';
  if (end.how === 'released') return `to packet ${end.packet}`;
  return `to its expiry ${formatSeconds(end.after)} s after packet ${span.lastHoldPacket}`;
}

/** The ledger's view of a flow: "held from packet 3 to packet 12 (half-open, then connected)". */
function heldText(span: FlowSpan): string {
  const kinds = span.kinds.map((k) => kindSpec(k).words).join(', then ');
  const mapped = conversationWords(span.proto).mapped;
  const cids = mapped !== undefined && span.cids > 0 ? `, mapping ${plural(span.cids, mapped.one, mapped.many)}` : '';
  return `held from packet ${span.firstPacket} ${spanEnd(span)} (${kinds})${cids}`;
}

/** What a flow showed, e.g. "flow 4 carried 3 exchanges (packets 44, 48, 52) on one connection; a restart at packet 46 breaks it". */
function evidenceText(e: FlowEvidence): string {
  const x = e.exchanges;
  const name = flowName(e.ref.proto, e.ref.id);
  const oneExchange = conversationWords(e.ref.proto).oneExchange;
  if (oneExchange !== undefined) return `${name}: one exchange (${oneExchange.opener} at packet ${x.packets[0] ?? e.firstPacket})`;
  const packets = x.count > x.packets.length ? `${x.packets.join(', ')}, …` : x.packets.join(', ');
  const idle = x.idle !== null ? `it sat idle ${formatSeconds(x.idle.seconds)} s (packets ${x.idle.fromPacket} to ${x.idle.toPacket}) before a request that needed it` : '';
  if (x.count >= 2) return `${name} carried ${x.count} exchanges (packets ${packets}) on one connection; a restart at packet ${x.between} breaks it`;
  if (x.count === 1 && x.idle !== null) {
    return `${name} carried 1 exchange (packet ${packets}), but ${idle}; a restart at packet ${x.idle.fromPacket} breaks it`;
  }
  return x.count === 0 ? `${name} carried no exchange` : `${name} carried 1 exchange (packet ${packets})`;
}

function attemptText(a: AttemptExample): string {
  const name = flowName(a.ref.proto, a.ref.id);
  const answer = a.answer;
  switch (answer.kind) {
    case 'none': return `${name} at packet ${a.firstPacket}: no answer`;
    case 'rst': return `${name} at packet ${a.firstPacket}: refused by RST at packet ${answer.packet}`;
    case 'icmp': return `${name} at packet ${a.firstPacket}: ${icmpWords(answer.version, answer.type, answer.code)} at packet ${answer.packet}`;
  }
}

/** "ICMP port unreachable (type 3, code 3)". */
export function icmpWords(version: 4 | 6, type: number, code: number): string {
  const unreachable = version === 4 ? type === 3 : type === 1;
  const port = unreachable && (version === 4 ? code === 3 : code === 4);
  const name = port ? 'port unreachable' : unreachable ? 'destination unreachable' : 'error';
  return `${version === 4 ? 'ICMP' : 'ICMPv6'} ${name} (type ${type}, code ${code})`;
}

function attemptsSummary(ev: EndpointEvidence): string {
  const parts: string[] = [];
  if (ev.attempts.rst > 0) parts.push(`${ev.attempts.rst} refused by RST`);
  if (ev.attempts.icmp > 0) parts.push(`${ev.attempts.icmp} refused by ICMP`);
  if (ev.attempts.none > 0) parts.push(`${ev.attempts.none} with no answer`);
  return `${plural(ev.attemptCount, 'attempt', 'attempts')} (${parts.join(', ')})`;
}

function conversationsText(counts: PerProto): string {
  return protocols(counts).map((p) => plural(counts[p], ...nouns(p))).join(', ');
}

function summaryLine(input: VerdictInput, stateful: boolean): string {
  const ev = input.evidence;
  const attempts = ev.attemptCount > 0 ? `; ${attemptsSummary(ev)}, holding no conversation` : '';
  if (stateful) {
    const spanning = protocols(ev.spanning).map((p) => `${ev.spanning[p]} of ${plural(ev.conversations[p] ?? 0, ...nouns(p))}`).join(', ');
    return `stateful: state outlived the exchange that created it on ${spanning}: a restart between exchanges breaks the client${attempts}`;
  }
  if (ev.conversationCount === 0) {
    return ev.attemptCount > 0
      ? `stateless: no conversation, only ${attemptsSummary(ev)}`
      : 'stateless: no exchange was seen';
  }
  return `stateless: every breakable state lived within one request/response exchange: ${conversationsText(ev.conversations)}${attempts}`;
}

export function endpointVerdict(input: VerdictInput): Verdict {
  const ev = input.evidence;
  const stateful = ev.anySpanning;
  const reasons = [summaryLine(input, stateful)];

  // Cited flows: what each showed, with the ledger's view of it when the ledger kept it.
  const spans = new Map<EntryKey, FlowSpan>();
  for (const span of input.spans.spans()) spans.set(flowKey({ proto: span.proto, id: span.id }), span);
  const attemptKeys = new Set(ev.attemptExamples.map((a) => flowKey(a.ref)));
  const lines: string[] = [];
  const cited = new Set<EntryKey>();
  for (const e of ev.examples()) {
    const key = flowKey(e.ref);
    const span = spans.get(key);
    cited.add(key);
    lines.push(span === undefined ? evidenceText(e) : `${evidenceText(e)}; ${heldText(span)}`);
  }
  // Held flows the trackers told nothing of (a library user feeding the ledger alone).
  for (const [key, span] of spans) {
    if (cited.has(key) || attemptKeys.has(key) || ev.evidenced) continue;
    lines.push(`${flowName(span.proto, span.id)} ${heldText(span)}`);
  }
  reasons.push(...lines.slice(0, MAX_FLOW_LINES));
  const c = input.spans.counts;
  const total = ev.evidenced ? ev.conversationCount : Object.values(c).reduce((a, b) => a + b, 0);
  const more = Math.max(total, lines.length) - Math.min(lines.length, MAX_FLOW_LINES);
  if (more > 0) reasons.push(`and ${plural(more, 'more flow', 'more flows')}`);

  if (ev.attemptExamples.length > 0) {
    const listed = ev.attemptExamples.map(attemptText).join('; ');
    const rest = ev.attemptCount - ev.attemptExamples.length;
    reasons.push(`attempts, not conversations: ${listed}${rest > 0 ? `; and ${rest} more` : ''}`);
  }
  // Kinds whose loss breaks nothing (TIME-WAIT) say so in their trackers' words.
  for (const k of stateKindSpecs()) if (k.harmless !== undefined && input.kindsHeld.has(k.kind)) reasons.push(k.harmless);
  if (input.otherRole.length > 0) {
    const names = input.otherRole.slice(0, 3).join(', ') + (input.otherRole.length > 3 ? ', ...' : '');
    reasons.push(input.role === 'server'
      ? `the same address also acts as a client (${names})`
      : `the same address also serves (${names})`);
  }
  return { verdict: stateful ? 'stateful' : 'stateless', reasons, stickyRouting: stickyRouting(ev) };
}

/** Strictest first: a balancer keeping 4-tuples also keeps every connection ID's path. */
const ROUTING_ORDER: readonly KindRouting[] = ['4-tuple', 'connection-id', 'none'];

/**
 * The routing a balancer needs: for each protocol whose state spanned exchanges, the routing its
 * breakable kinds declare (TCP and UDP streams: 4-tuple; QUIC: connection-id, RFC 9000 §5.1); the
 * strictest of them.
 */
function stickyRouting(ev: EndpointEvidence): KindRouting {
  let best = ROUTING_ORDER.length - 1;
  for (const k of stateKindSpecs()) {
    if (!k.breaksConversation || (ev.spanning[k.proto] ?? 0) === 0) continue;
    best = Math.min(best, ROUTING_ORDER.indexOf(k.routing));
  }
  return ROUTING_ORDER[best];
}
