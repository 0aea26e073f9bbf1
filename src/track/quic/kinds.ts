/** The kinds of state a QUIC endpoint holds (model/state-kind.ts): connections and their connection-ID routes. */
import type { StateKindSpec } from '../../model/state-kind.js';

export const QUIC_KINDS: readonly StateKindSpec[] = [
  {
    kind: 'quicConnections', label: 'QUIC connections', words: 'connected',
    cost: {
      bytes: 80000,
      source:
        'user-space QUIC connection state is tens of KiB: quic-go issue #2532 measured ~78 KiB (10,000 pointers = 80,000 B) ' +
        'per idle connection for its receive queue alone; picoquic issue #1189 reports ~7 KiB in its low-memory mode. ' +
        '80,000 B stands for an untuned server: override it for yours',
    },
    // After a restart the peer's packets meet no connection: at best a stateless reset (RFC 9000 §10.3).
    breaksConversation: true,
    // Packets carry the connection ID: a CID-aware balancer routes them across address changes (RFC 9000 §5.1).
    routing: 'connection-id',
  },
  {
    kind: 'quicCids', label: 'QUIC CIDs', words: 'connection IDs',
    cost: {
      bytes: 64,
      source:
        'one connection-ID routing entry: a CID of up to 20 bytes (RFC 9000 §17.2) with its length and a connection ' +
        'pointer in a hash-table slot, ~64 B (estimate; allocator overhead not counted)',
    },
    breaksConversation: true,
    routing: 'connection-id',
  },
];
