/**
 * What each Zeek conn_state code means, in plain words (Zeek `base/protocols/conn/main.zeek`
 * documents the codes; these sentences are statecap's own). Renderers, metric documentation and
 * grading explanations all read this one table.
 */
import type { ConnState } from './tcp.js';

export const CONN_STATE_MEANING: Readonly<Record<ConnState, string>> = {
  S0: 'connection attempt seen, no reply',
  S1: 'established, not closed',
  SF: 'established and closed normally',
  REJ: 'connection attempt rejected',
  S2: 'established, the client tried to close, no reply from the server',
  S3: 'established, the server tried to close, no reply from the client',
  RSTO: 'established, then aborted by the client (RST)',
  RSTR: 'established, then aborted by the server (RST)',
  RSTOS0: 'the client sent a SYN then a RST, no SYN-ACK seen',
  RSTRH: 'the server sent a SYN-ACK then a RST, no SYN seen',
  SH: 'the client sent a SYN then a FIN, no SYN-ACK seen (half open)',
  SHR: 'the server sent a SYN-ACK then a FIN, no SYN seen',
  OTH: 'no SYN seen, only midstream traffic',
};

export const CONN_STATES = Object.keys(CONN_STATE_MEANING) as ConnState[];

/** Codes that mean the connection did not work as intended: worth a line in "problems found". */
export const TROUBLED_CONN_STATES: ReadonlySet<ConnState> = new Set<ConnState>([
  'S0', 'REJ', 'RSTO', 'RSTR', 'RSTOS0', 'RSTRH', 'SH', 'SHR',
]);

export function isConnState(code: string): code is ConnState {
  return Object.prototype.hasOwnProperty.call(CONN_STATE_MEANING, code);
}
