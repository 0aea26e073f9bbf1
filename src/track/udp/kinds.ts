/** The kinds of state a UDP server holds for the flows of track/datagram-flows.ts (model/state-kind.ts). */
import type { StateKindSpec } from '../../model/state-kind.js';

export const UDP_KINDS: readonly StateKindSpec[] = [
  {
    kind: 'udpExchanges', label: 'UDP requests open', words: 'request open',
    cost: {
      bytes: 64,
      source:
        'a UDP request the server has not answered yet: the socket-demultiplexing lookup (the bound socket in the UDP hash ' +
        'table) already exists, so only the queued request and its source address count, ~64 B (estimate)',
    },
    // A request lost in a restart goes unanswered: the client must resend it.
    breaksConversation: true,
    // Each request stands alone: any replica can answer the next one.
    routing: 'none',
  },
  {
    kind: 'udpSessions', label: 'UDP sessions', words: 'stream session',
    cost: {
      bytes: 1088,
      source:
        'per-4-tuple session state of a UDP stream (e.g. a connected UDP socket per peer): Linux slab cache \'UDPv6\' ' +
        'objsize 1088 B (as for dnsPendingQueries); application session state not counted',
    },
    breaksConversation: true,
    // The session is found by the 4-tuple, like a TCP connection (issue 12).
    routing: '4-tuple',
  },
];
