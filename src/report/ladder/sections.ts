/**
 * The RFC 9293 section that governs an endpoint state change, for labelling ladder diagrams. The
 * same sections the transition function in track/tcp/state.ts cites, looked up from the change
 * itself: a report reader only has the transitions, not the events that caused them.
 */
import type { TcpStateName, TcpTransition } from '../schema.js';

/**
 * `sent`: this endpoint sent the packet that changed it (true), received it (false), or unknown
 * (null, when the packet was folded out of the log). `syn`: that packet carried SYN (null: unknown).
 */
export function rfcSection(t: Pick<TcpTransition, 'from' | 'to'>, sent: boolean | null, syn: boolean | null = null): string {
  const { from, to } = t;
  if (to === 'CLOSED') return closedSection(from, sent);
  switch (to) {
    case 'SYN-SENT': return '§3.10.1'; // OPEN call: send SYN
    case 'LISTEN': return '§3.10.1'; // a SYN addressed to it: a passive OPEN
    case 'SYN-RECEIVED': return from === 'SYN-SENT' ? '§3.10.7.3' : '§3.10.7.2'; // simultaneous open / LISTEN + SYN
    case 'ESTABLISHED':
      if (from === 'SYN-RECEIVED') return '§3.10.7.4'; // fifth check: the ACK of our SYN
      if (from === 'CLOSED' && syn === false) return 'midstream'; // the handshake is not in the capture
      return '§3.10.7.3'; // SYN-SENT + SYN,ACK
    case 'FIN-WAIT-1':
    case 'LAST-ACK': return '§3.10.4'; // CLOSE call: send FIN
    case 'CLOSE-WAIT':
    case 'FIN-WAIT-2':
    case 'CLOSING':
    case 'TIME-WAIT': return '§3.10.7.4'; // fifth (ACK of our FIN) or eighth (FIN) check
    default: return '';
  }
}

function closedSection(from: TcpStateName, sent: boolean | null): string {
  if (from === 'LISTEN') return '§3.10.7.1'; // refused with a reset
  if (sent === true) return '§3.10.4'; // ABORT (or CLOSE in SYN-SENT): this end sent the RST or gave up
  if (from === 'SYN-SENT') return '§3.10.7.3'; // an acceptable RST
  return '§3.10.7.4'; // LAST-ACK + ACK of our FIN, or a RST in a synchronized state
}
