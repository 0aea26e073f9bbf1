/**
 * RFC 9293 connection states of one endpoint, inferred by a passive observer from the segments it
 * sends and receives (RFC 9293 §3.3.2, Figure 5). One pure transition function; the tracker is the
 * only caller and records every change (STYLE practice 10).
 */
import type { TcpStateName } from '../../model/tcp.js';

export type { TcpStateName };

/**
 * What happened to one endpoint, seen from that endpoint. A segment produces one event for its
 * sender and one for its receiver; the tracker feeds acknowledgments first, then SYN/FIN/RST.
 */
export type EndpointEvent =
  | 'midstream' // first packet of a flow whose handshake is not in the capture
  | 'syn-sent'
  | 'syn-received'
  | 'synack-sent'
  | 'synack-received'
  | 'syn-acked' // the peer acknowledged this endpoint's SYN
  | 'fin-sent'
  | 'fin-received'
  | 'fin-acked' // the peer acknowledged this endpoint's FIN
  | 'rst-sent'
  | 'rst-received';

/** The state after `event`; the same state when the event changes nothing. */
export function nextState(state: TcpStateName, event: EndpointEvent): TcpStateName {
  switch (state) {
    case 'CLOSED':
      switch (event) {
        case 'midstream': return 'ESTABLISHED'; // start not captured: the connection is already synchronized
        case 'syn-sent': return 'SYN-SENT'; // RFC 9293 §3.10.1 active OPEN: send SYN, enter SYN-SENT
        case 'syn-received': return 'LISTEN'; // a SYN is addressed to it: assume a passive OPEN (§3.10.1) until it answers
        case 'synack-sent': return 'SYN-RECEIVED'; // its SYN-ACK shows it got a SYN we did not capture (§3.10.7.2)
        case 'synack-received': return 'ESTABLISHED'; // SYN-SENT (SYN not captured) + SYN,ACK -> ESTABLISHED (§3.10.7.3)
        default: return state; // §3.10.7.1: segments to a CLOSED endpoint change nothing
      }
    case 'LISTEN':
      switch (event) {
        case 'synack-sent': return 'SYN-RECEIVED'; // §3.10.7.2 LISTEN + SYN: send SYN,ACK, enter SYN-RECEIVED
        case 'rst-sent': return 'CLOSED'; // §3.10.7.1: nobody listened, the SYN was refused with a reset
        case 'midstream': return 'ESTABLISHED';
        default: return state; // §3.10.7.2: a RST or ACK to LISTEN is ignored or answered by a reset
      }
    case 'SYN-SENT':
      switch (event) {
        case 'synack-received': return 'ESTABLISHED'; // §3.10.7.3: SYN,ACK acknowledging our SYN -> ESTABLISHED
        case 'syn-received': return 'SYN-RECEIVED'; // §3.10.7.3: SYN without ACK -> simultaneous open, SYN-RECEIVED
        case 'rst-received': return 'CLOSED'; // §3.10.7.3: acceptable RST -> connection reset, CLOSED
        case 'rst-sent': return 'CLOSED'; // §3.10.4 ABORT in SYN-SENT: delete the TCB, CLOSED
        case 'fin-sent': return 'CLOSED'; // §3.10.4 CLOSE in SYN-SENT: delete the TCB, CLOSED
        default: return state;
      }
    case 'SYN-RECEIVED':
      switch (event) {
        case 'syn-acked': return 'ESTABLISHED'; // §3.10.7.4 fifth check: ACK of our SYN -> ESTABLISHED
        case 'synack-received': return 'ESTABLISHED'; // simultaneous open: the peer's SYN,ACK acknowledges our SYN
        case 'fin-sent': return 'FIN-WAIT-1'; // §3.10.4 CLOSE in SYN-RECEIVED: send FIN, FIN-WAIT-1
        case 'fin-received': return 'CLOSE-WAIT'; // §3.10.7.4 eighth check: FIN in SYN-RECEIVED -> CLOSE-WAIT
        case 'rst-received': return 'CLOSED'; // §3.10.7.4 second check: RST; this TCB is gone (a listener goes back to LISTEN)
        case 'rst-sent': return 'CLOSED'; // §3.10.4 ABORT
        default: return state;
      }
    case 'ESTABLISHED':
      switch (event) {
        case 'fin-sent': return 'FIN-WAIT-1'; // §3.10.4 CLOSE in ESTABLISHED: send FIN, FIN-WAIT-1
        case 'fin-received': return 'CLOSE-WAIT'; // §3.10.7.4 eighth check: ESTABLISHED + FIN -> CLOSE-WAIT
        case 'rst-received': return 'CLOSED'; // §3.10.7.4 second check: RST in a synchronized state -> CLOSED
        case 'rst-sent': return 'CLOSED'; // §3.10.4 ABORT: send RST, CLOSED
        default: return state;
      }
    case 'FIN-WAIT-1':
      switch (event) {
        case 'fin-acked': return 'FIN-WAIT-2'; // §3.10.7.4 fifth check: our FIN acknowledged -> FIN-WAIT-2
        case 'fin-received': return 'CLOSING'; // §3.10.7.4 eighth check: FIN before our FIN is acked -> CLOSING
        case 'rst-received': return 'CLOSED'; // §3.10.7.4 second check
        case 'rst-sent': return 'CLOSED'; // §3.10.4 ABORT
        default: return state;
      }
    case 'FIN-WAIT-2':
      switch (event) {
        case 'fin-received': return 'TIME-WAIT'; // §3.10.7.4 eighth check: FIN-WAIT-2 + FIN -> TIME-WAIT
        case 'rst-received': return 'CLOSED'; // §3.10.7.4 second check
        case 'rst-sent': return 'CLOSED'; // §3.10.4 ABORT
        default: return state;
      }
    case 'CLOSE-WAIT':
      switch (event) {
        case 'fin-sent': return 'LAST-ACK'; // §3.10.4 CLOSE in CLOSE-WAIT: send FIN, LAST-ACK
        case 'rst-received': return 'CLOSED'; // §3.10.7.4 second check
        case 'rst-sent': return 'CLOSED'; // §3.10.4 ABORT
        default: return state;
      }
    case 'CLOSING':
      switch (event) {
        case 'fin-acked': return 'TIME-WAIT'; // §3.10.7.4 fifth check: CLOSING + ACK of our FIN -> TIME-WAIT
        case 'rst-received': return 'CLOSED'; // §3.10.7.4 second check: RST in CLOSING -> CLOSED
        case 'rst-sent': return 'CLOSED'; // §3.10.4 ABORT
        default: return state;
      }
    case 'LAST-ACK':
      switch (event) {
        case 'fin-acked': return 'CLOSED'; // §3.10.7.4 fifth check: LAST-ACK + ACK of our FIN -> CLOSED
        case 'rst-received': return 'CLOSED'; // §3.10.7.4 second check: RST in LAST-ACK -> CLOSED
        case 'rst-sent': return 'CLOSED'; // §3.10.4 ABORT
        default: return state;
      }
    case 'TIME-WAIT':
      switch (event) {
        case 'rst-received': return 'CLOSED'; // §3.10.7.4 second check: RST in TIME-WAIT -> CLOSED
        case 'rst-sent': return 'CLOSED'; // §3.10.4 ABORT in TIME-WAIT deletes the TCB
        default: return state; // §3.10.7.4: a retransmitted FIN restarts the 2 MSL timer, state unchanged
      }
  }
}

/** Endpoint states in which the endpoint holds no control block for this connection. */
export function holdsNoConnection(state: TcpStateName): boolean {
  return state === 'CLOSED' || state === 'LISTEN';
}
