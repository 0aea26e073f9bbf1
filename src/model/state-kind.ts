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
  { kind: 'udpExchanges', proto: 'udp' },
  { kind: 'udpSessions', proto: 'udp' },
] as const;

export type StateKind = (typeof KIND_TABLE)[number]['kind'];

export const STATE_KINDS: readonly StateKind[] = KIND_TABLE.map((k) => k.kind);

/** The trackers that hold ledger state, in kind order. */
export const STATE_PROTOCOLS: readonly string[] = [...new Set(KIND_TABLE.map((k) => k.proto))];

/**
 * Restart lists (`restart.breaks`) always carry these keys, as report-v1 first defined them;
 * protocols registered later appear only when a restart breaks one of their flows.
 */
export const ALWAYS_LISTED_PROTOCOLS: readonly string[] = STATE_PROTOCOLS.slice(0, 3);
