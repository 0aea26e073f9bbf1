/**
 * DNS over TCP framing: each message is preceded by a two-byte length (RFC 1035 §4.2.2,
 * RFC 7766 §8). One framer per direction of a flow, fed that direction's in-order bytes, one
 * segment's worth per push.
 *
 * A message that lies whole inside one chunk is handed out as a view of the chunk (no copy);
 * only a message split across chunks is copied, into a buffer of exactly its announced length
 * (at most 65535 bytes).
 *
 * After a gap the message boundaries are unknown. The framer then waits for a chunk (a segment,
 * as the TCP tracker delivers them) that starts with a length-prefixed message the caller accepts
 * (whole, or its beginning when the message runs on into later segments), and resumes framing
 * there, as tshark dissects each segment after a gap as the start of a message. The bytes dropped
 * meanwhile (a message cut by the gap, and the chunks skipped while waiting) are counted in
 * `lostBytes`.
 */

/** Bytes of the length prefix (RFC 1035 §4.2.2). */
export const TCP_LENGTH_PREFIX = 2;

export type MessageHandler = (message: Uint8Array) => void;
/**
 * True when `message` (without its length prefix) reads as the start of a DNS message of
 * `announced` bytes: well-formed when whole, or at least with a readable header and question
 * when the chunk holds only its beginning.
 */
export type MessageCheck = (message: Uint8Array, announced: number) => boolean;

export class DnsTcpFramer {
  /** True from a gap until framing resumes at a chunk that starts a whole message. */
  resyncing = false;
  /** Gaps seen, framing resumptions after them, and bytes dropped because of them. */
  gaps = 0;
  resyncs = 0;
  lostBytes = 0;
  /** High byte of a length prefix split across chunks, or -1 when none is pending. */
  private lengthHigh = -1;
  /** A message split across chunks, being filled; null between messages. */
  private partial: Uint8Array | null = null;
  private filled = 0;

  constructor(private readonly isMessageStart: MessageCheck = (message, announced) => message.length === announced) {}

  /** Feeds the next in-order bytes; calls `onMessage` for each message they complete, in order. */
  push(bytes: Uint8Array, onMessage: MessageHandler): void {
    if (this.resyncing) {
      if (!this.startsMessage(bytes)) {
        this.lostBytes += bytes.length;
        return;
      }
      this.resyncing = false;
      this.resyncs += 1;
    }
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

  /**
   * `lost` bytes of this direction were never captured: the message being read is dropped and
   * framing waits for the next chunk that starts a whole message. Returns true for the first gap.
   */
  gap(lost = 0): boolean {
    this.gaps += 1;
    this.lostBytes += lost;
    if (this.partial) this.lostBytes += TCP_LENGTH_PREFIX + this.filled;
    else if (this.lengthHigh >= 0) this.lostBytes += 1;
    this.partial = null;
    this.filled = 0;
    this.lengthHigh = -1;
    this.resyncing = true;
    return this.gaps === 1;
  }

  /** True while part of a message or of its length prefix is buffered. */
  get midMessage(): boolean {
    return this.partial !== null || this.lengthHigh >= 0;
  }

  private startsMessage(bytes: Uint8Array): boolean {
    if (bytes.length < TCP_LENGTH_PREFIX) return false;
    const length = (bytes[0] << 8) | bytes[1];
    const end = Math.min(bytes.length, TCP_LENGTH_PREFIX + length);
    return length > 0 && this.isMessageStart(bytes.subarray(TCP_LENGTH_PREFIX, end), length);
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
