/** The kinds of state DNS endpoints hold (model/state-kind.ts): a client's pending query, a server's query in flight. */
import type { StateKindSpec } from '../../model/state-kind.js';

export const DNS_KINDS: readonly StateKindSpec[] = [
  {
    kind: 'dnsPendingQueries', label: 'DNS pending', words: 'waiting for the answer',
    cost: {
      bytes: 1088,
      source:
        'a UDP socket per outstanding query (resolvers send each query from its own random source port, RFC 5452 §9.2): ' +
        "Linux slab cache 'UDPv6' objsize 1088 B in the /proc/slabinfo of vel21ripn/nDPI#116 (1.31K on newer kernels, " +
        'uutils/procps PR #42); the query ID and question themselves are a few dozen bytes more',
    },
    // A lost pending query is a query whose answer is dropped: the client must retry.
    breaksConversation: true,
    // Each transaction stands alone: any server can answer the next query.
    routing: 'none',
  },
  {
    kind: 'dnsInFlight', label: 'DNS in flight', words: 'in flight',
    cost: {
      bytes: 512,
      source:
        'the query a server holds until it answers: at most 512 octets over UDP without EDNS (RFC 1035 §2.3.4), ' +
        "plus the client's address and port; allocator overhead not counted",
    },
    breaksConversation: true,
    routing: 'none',
  },
];
