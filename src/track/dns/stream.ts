/**
 * What the DNS tracker needs from the TCP tracker: in-order bytes per direction of a flow.
 *
 * These mirror `TcpStreamInfo` / `TcpStreamListener` of `src/track/tcp/tracker.ts` (owned by the
 * TCP tracker). They are declared here so this folder type-checks on its own; TypeScript's
 * structural typing makes the two declarations interchangeable.
 */

/** One TCP flow as the TCP tracker names it: `client` opened it (sent the SYN, or the first packet). */
export interface TcpStreamInfo {
  id: number;
  client: string;
  clientPort: number;
  server: string;
  serverPort: number;
}

/**
 * A consumer of reassembled TCP payload. The TCP tracker calls `data` with each direction's bytes
 * in sequence order, each byte once (retransmissions removed), and `gap` when bytes of a direction
 * were lost for good. `bytes` is a view valid only during the call.
 */
export interface TcpStreamListener {
  wants(flow: TcpStreamInfo): boolean;
  data(flow: TcpStreamInfo, fromClient: boolean, bytes: Uint8Array, packet: number, time: number): void;
  gap(flow: TcpStreamInfo, fromClient: boolean, packet: number): void;
}
