/** A count kept for each side of a conversation: the client (who opened it) and the server. */
export interface BySide {
  client: number;
  server: number;
}
