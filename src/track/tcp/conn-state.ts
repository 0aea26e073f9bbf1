/**
 * Zeek's conn_state summary of a TCP connection, a pure function of both endpoints' Zeek states,
 * their sizes and the history string (scripts/base/protocols/conn/main.zeek, function conn_state).
 */
import type { ConnState } from '../../model/tcp.js';

/** Zeek's per-endpoint TCP states (src/analyzer/protocol/tcp/TCP_Endpoint.h EndpointState). */
export type ZeekEndpointState =
  | 'INACTIVE' // nothing seen from this side
  | 'SYN_SENT' // SYN seen, no ACK yet
  | 'SYN_ACK_SENT' // SYN+ACK seen without the initial SYN
  | 'PARTIAL' // data seen, but no SYN
  | 'ESTABLISHED'
  | 'CLOSED' // FIN seen
  | 'RESET'; // RST seen

export interface ConnStateInput {
  orig: ZeekEndpointState;
  resp: ZeekEndpointState;
  /** Payload bytes by sequence numbers (TCP_Endpoint::Size). */
  origSize: number;
  respSize: number;
  history: string;
}

/** main.zeek: RSTOS0 when the originator's SYN was followed by a RST with no handshake letter between. */
const SYN_THEN_RST = /^\^?S[^HAFGIQ]*R/;

/**
 * The conn_state code:
 *  S0 attempt, no reply; S1 established, not terminated; SF normal establishment and termination;
 *  REJ attempt rejected; S2 / S3 established, close attempt by originator / responder only;
 *  RSTO / RSTR originator / responder aborted; RSTOS0 originator SYN then RST, no SYN-ACK;
 *  RSTRH responder SYN-ACK then RST, no SYN seen; SH / SHR originator SYN / responder SYN-ACK then
 *  FIN, half open; OTH no SYN seen, just midstream traffic.
 */
export function connState(c: ConnStateInput): ConnState {
  const { orig: os, resp: rs } = c;
  const origInactive = os === 'INACTIVE' || os === 'PARTIAL';
  const respInactive = rs === 'INACTIVE' || rs === 'PARTIAL';
  if (rs === 'RESET') {
    if (os === 'SYN_SENT' || os === 'SYN_ACK_SENT' || (os === 'RESET' && c.origSize === 0 && c.respSize === 0)) return 'REJ';
    return origInactive ? 'RSTRH' : 'RSTR';
  }
  if (os === 'RESET') {
    if (respInactive) return SYN_THEN_RST.test(c.history) ? 'RSTOS0' : 'OTH';
    return 'RSTO';
  }
  if (rs === 'CLOSED' && os === 'CLOSED') return 'SF';
  if (os === 'CLOSED') return respInactive ? 'SH' : 'S2';
  if (rs === 'CLOSED') return origInactive ? 'SHR' : 'S3';
  if (os === 'SYN_SENT' && rs === 'INACTIVE') return 'S0';
  if (os === 'ESTABLISHED' && rs === 'ESTABLISHED') return 'S1';
  return 'OTH';
}
