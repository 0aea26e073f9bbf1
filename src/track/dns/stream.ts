/**
 * What the DNS tracker needs from the TCP tracker: each direction's in-order bytes (retransmitted
 * bytes delivered once) and a call when bytes were lost for good. Re-exported so the DNS files
 * name one place for it.
 */
export type { TcpStreamInfo, TcpStreamListener } from '../tcp/tracker.js';
