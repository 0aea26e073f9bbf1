/**
 * A reset that shows state was lost (issue 11's `tcp-reset-established`): a RST answering a
 * segment of an established connection that its sender had not closed. The sender no longer knew
 * the connection: it restarted, failed over, or a NAT or firewall in its place timed the mapping
 * out. Normal resets are not losses: one sent after the sender's own FIN, or one answering data
 * that arrived after a close.
 */
import type { TcpStateName } from '../../report/schema.js';

export interface ResetContext {
  /** The RST sender's state before the RST, and whether it ever sent a FIN. */
  senderState: TcpStateName;
  senderSentFin: boolean;
  /** The previous packet of the flow came from the peer: the RST answers it. */
  answersPeer: boolean;
  /** The RST carries the ACK flag. */
  hasAck: boolean;
}

/** The loss's detail in words, or null when the reset is a normal one. */
export function resetLoss(c: ResetContext, sender: 'client' | 'server', answered: number): string | null {
  if (c.senderState !== 'ESTABLISHED' || c.senderSentFin || !c.answersPeer) return null;
  const peer = sender === 'client' ? 'server' : 'client';
  // RFC 9293 §3.10.7.1: a TCP with no connection for an ACK-bearing segment answers <SEQ=SEG.ACK><CTL=RST>, no ACK.
  const how = c.hasAck ? 'RST' : 'RST without ACK (how a TCP with no such connection answers, RFC 9293 §3.10.7.1)';
  return `${how} from the ${sender} answering the ${peer}'s packet ${answered} on an established connection it had not closed: ` +
    `the ${sender} no longer knew the connection (a restart, a failover, a NAT or firewall timeout)`;
}
