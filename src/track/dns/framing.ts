/**
 * DNS over TCP framing: each message is preceded by a two-byte length (RFC 1035 §4.2.2,
 * RFC 7766 §8). One framer per direction of a flow, fed that direction's in-order bytes.
 *
 * A message that lies whole inside one chunk is handed out as a view of the chunk (no copy);
 * only a message split across chunks is copied, into a buffer of exactly its announced length
 * (at most 65535 bytes). After a gap the message boundaries are unknown, so framing for that
 * direction ends for good and later bytes are ignored.
 */

/** Bytes of the length prefix (RFC 1035 §4.2.2). */
export const TCP_LENGTH_PREFIX = 2;

export type MessageHandler = (message: Uint8Array) => void;

export class DnsTcpFramer {
  /** True once a gap made the message boundaries unknown. */
  ended = false;
  /** High byte of a length prefix split across chunks, or -1 when none is pending. */
  private lengthHigh = -1;
  /** A message split across chunks, being filled; null between messages. */
  private partial: Uint8Array | null = null;
  private filled = 0;

  /** Feeds the next in-order bytes; calls `onMessage` for each message they complete, in order. */
  push(bytes: Uint8Array, onMessage: MessageHandler): void {
    if (this.ended) return;
    let offset = 0;
    // Every pass consumes at least one byte, so the loop ends within bytes.length passes.
    while (offset < bytes.length) {
      if (this.partial) {
        const take = Math.min(this.partial.length - this.filled, bytes.length - offset);
        this.partial.set(bytes.subarray(offset, offset + take), this.filled);
        this.filled += take;
        offset += take;
        if (this.filled === this.partial.length) this.complete(onMessage);
        continue;
      }
      if (this.lengthHigh >= 0) {
        const length = (this.lengthHigh << 8) | bytes[offset];
        this.lengthHigh = -1;
        offset += 1;
        this.begin(length, onMessage);
        continue;
      }
      const remaining = bytes.length - offset;
      if (remaining < TCP_LENGTH_PREFIX) {
        this.lengthHigh = bytes[offset];
        offset += 1;
        continue;
      }
      const length = (bytes[offset] << 8) | bytes[offset + 1];
      offset += TCP_LENGTH_PREFIX;
      if (bytes.length - offset >= length) {
        onMessage(bytes.subarray(offset, offset + length));
        offset += length;
      } else {
        this.begin(length, onMessage);
      }
    }
  }

  /** Bytes of this direction were lost: returns true the first time (framing ends now). */
  gap(): boolean {
    if (this.ended) return false;
    this.ended = true;
    this.partial = null;
    this.lengthHigh = -1;
    return true;
  }

  /** True while part of a message or of its length prefix is buffered. */
  get midMessage(): boolean {
    return this.partial !== null || this.lengthHigh >= 0;
  }

  private begin(length: number, onMessage: MessageHandler): void {
    this.partial = new Uint8Array(length);
    this.filled = 0;
    if (length === 0) this.complete(onMessage);
  }

  private complete(onMessage: MessageHandler): void {
    const message = this.partial;
    this.partial = null;
    this.filled = 0;
    if (message) onMessage(message);
  }
}
