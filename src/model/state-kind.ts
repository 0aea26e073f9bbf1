/**
 * The kinds of state an endpoint can hold. Nothing here names a protocol: each tracker module
 * declares its kinds (track/<name>/module.ts, `stateKinds`) and track/registry.ts registers them
 * here, in registry order. The ledger counts each kind apart (peakByKind) and prices it
 * (state/cost-model.ts), the verdict words and routes by it (state/verdict.ts), `check` names it
 * (peakByKind.<kind>), restart lists follow `breaksConversation`.
 *
 * The catalogue is live: every list exported here is updated in place as modules register, so
 * code must read it when it runs, never copy it at load time (the registry fills it after the
 * modules it imports have loaded).
 */

/** A kind's name, as trackers hold it and reports key it (e.g. "tcpConnections"); declared by a tracker module. */
export type StateKind = string;

/** What a load balancer in front of an endpoint must keep when this state outlives one exchange. */
export type KindRouting = '4-tuple' | 'connection-id' | 'none';

/** What a tracker module declares about one kind of state it holds. */
export interface StateKindSpec {
  /** The ledger's name: unique over all trackers, a letters-only identifier (check writes peakByKind.<kind>). */
  kind: StateKind;
  /** The chart legend ("TCP connections"). */
  label: string;
  /** How a verdict's reasons name an entry of it while held ("half-open", "TIME-WAIT"). */
  words: string;
  /** Estimated bytes of one entry, and where the figure comes from (the report prints it). */
  cost: { bytes: number; source: string };
  /** Does losing it (a restart while it is held) break a conversation the peer notices? */
  breaksConversation: boolean;
  /** For a kind that breaks nothing: a reason line for every endpoint that held it. */
  harmless?: string;
  /** The routing its protocol needs when breakable state of this kind outlived an exchange. */
  routing: KindRouting;
}

/** How verdict reasons name a tracker's conversations: "2 TCP connections", "flow 3". */
export interface ConversationWords {
  one: string;
  many: string;
  /** A flow by its id: "<flow> <id>" ("flow 3", "DNS transaction 0"). */
  flow: string;
  /** Reasons list protocols by this rank, lowest first (unranked ones after, by name). */
  rank?: number;
  /**
   * Each flow is one request/response exchange: reasons cite it as "<flow> <id>: one exchange
   * (<opener> at packet N)" with the packet that opened it (DNS: 'query').
   */
  oneExchange?: { opener: string };
  /** The flow maps identifiers of its own (FlowSpan.cids): reasons add ", mapping N <one|many>" to its held span (QUIC: connection IDs). */
  mapped?: { one: string; many: string };
}

/** A registered kind: its declaration, the tracker that holds it and its position. */
export interface RegisteredKind extends StateKindSpec {
  proto: string;
  index: number;
}

const catalogue: RegisteredKind[] = [];
const wordsByProto = new Map<string, ConversationWords>();

/** Every registered kind, in registry order (live). */
export const STATE_KINDS: StateKind[] = [];

/** Position of each kind in STATE_KINDS: the ledger's per-kind arrays are indexed by it (live). */
export const KIND_INDEX: Record<StateKind, number> = {};

/** Does losing a kind break a conversation, by KIND_INDEX (live; read on the ledger's hot path). */
export const KIND_BREAKS: boolean[] = [];

/** The trackers that hold ledger state, in kind order (live). */
export const STATE_PROTOCOLS: string[] = [];

/**
 * Restart lists (`restart.breaks`) always carry these keys: the first three protocols registered
 * with ledger kinds, the ones report-v1 first defined; protocols registered later appear only when
 * a restart breaks one of their flows (live).
 */
export const ALWAYS_LISTED_PROTOCOLS: string[] = [];
const ALWAYS_LISTED_COUNT = 3;

/** Bumped at every change: caches derived from the catalogue compare it. */
let version = 0;

export function catalogueVersion(): number {
  return version;
}

function rebuild(): void {
  STATE_KINDS.length = 0;
  KIND_BREAKS.length = 0;
  STATE_PROTOCOLS.length = 0;
  // Keys are only deleted when a kind goes (unregistration), so the object keeps its fast shape.
  for (const key of Object.keys(KIND_INDEX)) if (!catalogue.some((k) => k.kind === key)) delete KIND_INDEX[key];
  catalogue.forEach((k, i) => {
    k.index = i;
    STATE_KINDS.push(k.kind);
    KIND_INDEX[k.kind] = i;
    KIND_BREAKS.push(k.breaksConversation);
    if (!STATE_PROTOCOLS.includes(k.proto)) STATE_PROTOCOLS.push(k.proto);
  });
  // Once listed, a protocol stays: report-v1 keys do not move when later trackers come and go.
  for (const proto of STATE_PROTOCOLS) {
    if (ALWAYS_LISTED_PROTOCOLS.length < ALWAYS_LISTED_COUNT && !ALWAYS_LISTED_PROTOCOLS.includes(proto)) ALWAYS_LISTED_PROTOCOLS.push(proto);
  }
  version++;
}

/**
 * Adds a tracker's kinds (track/registry.ts calls it). Throws (a programmer error) on a duplicate
 * or malformed name. Returns the function that removes them again.
 */
export function registerStateKinds(proto: string, specs: readonly StateKindSpec[], words?: ConversationWords): () => void {
  const added: RegisteredKind[] = [];
  for (const spec of specs) {
    if (!/^[A-Za-z]+$/.test(spec.kind)) throw new Error(`state kind "${spec.kind}" of ${proto}: a name of letters only`);
    if (spec.kind === 'bufferedByte') throw new Error(`state kind "${spec.kind}" of ${proto}: the name is the cost model's`);
    if (catalogue.some((k) => k.kind === spec.kind) || added.some((k) => k.kind === spec.kind)) {
      throw new Error(`state kind "${spec.kind}" of ${proto} is already registered`);
    }
    added.push({ ...spec, proto, index: -1 });
  }
  catalogue.push(...added);
  if (words !== undefined) wordsByProto.set(proto, words);
  rebuild();
  return () => {
    for (const k of added) {
      const i = catalogue.indexOf(k);
      if (i >= 0) catalogue.splice(i, 1);
    }
    if (words !== undefined && wordsByProto.get(proto) === words) wordsByProto.delete(proto);
    rebuild();
  };
}

/** Does a registered tracker declare this kind? */
export function isStateKind(kind: string): boolean {
  return Object.hasOwn(KIND_INDEX, kind);
}

/** A registered kind's declaration; throws for a kind no registered tracker declares (a programmer error). */
export function kindSpec(kind: StateKind): RegisteredKind {
  if (!isStateKind(kind)) throw new Error(`unknown state kind "${kind}": no registered tracker declares it`);
  return catalogue[KIND_INDEX[kind]];
}

/** Every registered kind, in order. */
export function stateKindSpecs(): readonly RegisteredKind[] {
  return catalogue;
}

/** How reasons name a protocol's conversations; a tracker that declares none: "<PROTO> flow(s)". */
export function conversationWords(proto: string): ConversationWords {
  const upper = proto.toUpperCase();
  return wordsByProto.get(proto) ?? { one: `${upper} flow`, many: `${upper} flows`, flow: `${upper} flow` };
}
