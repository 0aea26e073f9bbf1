/**
 * The kinds of state a TCP endpoint holds (model/state-kind.ts): one control block per connection,
 * priced as the Linux kernel's slab objects (what `slabtop` / `/proc/slabinfo` show on x86-64
 * kernels of the 5.x/6.x series).
 */
import type { StateKindSpec } from '../../model/state-kind.js';

export const TCP_KINDS: readonly StateKindSpec[] = [
  {
    kind: 'tcpConnections', label: 'TCP connections', words: 'connected',
    cost: {
      bytes: 2304,
      source:
        "Linux slab cache 'TCP' (struct tcp_sock, one per socket in any state but SYN-RECEIVED and TIME-WAIT): " +
        '2.25K per object in slabtop, i.e. 2304 B (slabtop output quoted in uutils/procps PR #42)',
    },
    // After a restart the peer's next segment meets no socket and draws a reset (RFC 9293 §3.5.2).
    breaksConversation: true,
    // The control block is found by the 4-tuple: every segment must reach the same host.
    routing: '4-tuple',
  },
  {
    kind: 'tcpTimeWait', label: 'TIME-WAIT', words: 'TIME-WAIT',
    cost: {
      bytes: 280,
      source:
        "Linux slab cache 'tw_sock_TCP' (struct tcp_timewait_sock, the socket kept 2*MSL after an active close): " +
        '0.27K per object in slabtop, ~280 B (uutils/procps PR #42); older kernels 232-248 B ' +
        '(/proc/slabinfo in Lochnair/vyatta-wireguard#97, freifunk-gluon/gluon#1243)',
    },
    // Both ends have closed: it only guards against old duplicates (RFC 9293 §3.6).
    breaksConversation: false,
    harmless: 'TIME-WAIT (held after closing first) counts in entries and bytes, but losing it breaks nothing (RFC 9293 §3.6)',
    routing: 'none',
  },
  {
    kind: 'tcpHalfOpen', label: 'half-open', words: 'half-open',
    cost: {
      bytes: 304,
      source:
        "Linux slab cache 'request_sock_TCP' (struct tcp_request_sock, a SYN-RECEIVED entry before accept): " +
        '0.30K per object in slabtop (uutils/procps PR #42); objsize 304 B in /proc/slabinfo (Lochnair/vyatta-wireguard#97)',
    },
    // The client's ACK completing the handshake would meet no entry and draw a reset.
    breaksConversation: true,
    routing: '4-tuple',
  },
];
