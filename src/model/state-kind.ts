/**
 * The kinds of state an endpoint can hold, each with the protocol (tracker name) that holds it.
 * The ledger prices each kind (state/cost-model.ts) and counts it separately (peakByKind).
 */
const KIND_TABLE = [
  { kind: 'tcpConnections', proto: 'tcp' },
  { kind: 'tcpTimeWait', proto: 'tcp' },
  { kind: 'tcpHalfOpen', proto: 'tcp' },
  { kind: 'dnsPendingQueries', proto: 'dns' },
  { kind: 'dnsInFlight', proto: 'dns' },
  { kind: 'quicConnections', proto: 'quic' },
  { kind: 'quicCids', proto: 'quic' },
] as const;

export type StateKind = (typeof KIND_TABLE)[number]['kind'];

export const STATE_KINDS: readonly StateKind[] = KIND_TABLE.map((k) => k.kind);

/** The trackers that hold ledger state, in kind order: restart lists name one key per protocol, in this order. */
export const STATE_PROTOCOLS: readonly string[] = [...new Set(KIND_TABLE.map((k) => k.proto))];
