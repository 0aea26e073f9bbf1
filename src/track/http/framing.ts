/**
 * HTTP/1.x message framing of one direction of a TCP stream (RFC 9112 §6): a head (start line and
 * header fields up to the empty line), then a body delimited by Content-Length, by chunked transfer
 * coding, or (responses only) by the end of the connection. Bodies are skipped, never buffered;
 * a head is buffered up to MAX_HEAD bytes. An explicit state machine, fed bytes as they arrive.
 */

/** Heads longer than this are not HTTP we follow (nginx's default large_client_header_buffers is 8 KiB x 4). */
export const MAX_HEAD = 64 * 1024;

export interface MessageHead {
  startLine: string;
  /** Field names lower-cased, values trimmed, in order (repeated fields kept). */
  fields: [string, string][];
  /** Packet in which the head's first byte arrived. */
  packet: number;
  time: number;
}

type State =
  | { at: 'head' }
  | { at: 'body'; remaining: number }
  | { at: 'chunk-size' }
  | { at: 'chunk-data'; remaining: number }
  | { at: 'trailers' }
  | { at: 'until-close' }
  | { at: 'dead' };

export interface FramerEvents {
  /** A head was read; returns how its body is delimited. */
  head(head: MessageHead): BodyRule;
  /** The bytes cannot be HTTP/1.x (or the head is too long): nothing more is read. */
  broken(reason: string, packet: number): void;
}

export type BodyRule = { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' } | { kind: 'until-close' };

const CR = 13;
const LF = 10;

export class HttpFramer {
  private state: State = { at: 'head' };
  /**
   * Head (or chunk-size / trailer line) bytes so far, one latin1 character each, and where the head
   * started. Kept as bytes, not a growing string: a string built byte by byte is a chain of cons
   * strings that every line test flattens again (the HTTP framer was the real mix's largest source
   * of garbage). The text is made once, when the head or line is whole.
   */
  private head: Buffer = EMPTY;
  private headLength = 0;
  private headPacket = 0;
  private headTime = 0;

  constructor(private readonly events: FramerEvents) {}

  get dead(): boolean {
    return this.state.at === 'dead';
  }

  /** Nothing more will be read: dead, or a body that runs to the end of the connection. */
  get done(): boolean {
    return this.state.at === 'dead' || this.state.at === 'until-close';
  }

  /** Head bytes held until the head is complete (what this framer costs beyond its fixed size). */
  get buffered(): number {
    return this.headLength;
  }

  /** Bytes were lost for good: the framing cannot be trusted past them. */
  gap(): void {
    if (this.state.at !== 'until-close') this.state = { at: 'dead' };
  }

  push(bytes: Uint8Array, packet: number, time: number): void {
    let i = 0;
    while (i < bytes.length) {
      const s = this.state;
      switch (s.at) {
        case 'dead':
        case 'until-close':
          return;
        case 'body':
        case 'chunk-data': {
          const take = Math.min(s.remaining, bytes.length - i);
          s.remaining -= take;
          i += take;
          if (s.remaining === 0) this.state = s.at === 'body' ? { at: 'head' } : { at: 'chunk-size' };
          break;
        }
        case 'head':
        case 'chunk-size':
        case 'trailers': {
          // Read a line (or the whole head) up to LF.
          let end = bytes.indexOf(LF, i);
          if (end < 0) end = bytes.length;
          if (this.headLength === 0 && s.at === 'head') {
            // Blank lines before a request are ignored (RFC 9112 §2.2).
            if (bytes[i] === CR || bytes[i] === LF) {
              i++;
              break;
            }
            this.headPacket = packet;
            this.headTime = time;
          }
          const stop = Math.min(end + 1, bytes.length);
          if (this.headLength + (stop - i) > MAX_HEAD) {
            this.state = { at: 'dead' };
            this.release();
            // Still counted as held, as the head text was (the connection's charge is unchanged).
            this.headLength += stop - i;
            this.events.broken(`head longer than ${MAX_HEAD} bytes`, this.headPacket);
            return;
          }
          this.append(bytes, i, stop);
          i = stop;
          if (end >= bytes.length) break; // the line continues in a later segment
          this.line(s);
          break;
        }
      }
    }
  }

  /** A full line (head: one more line of it) was read into the head bytes (they end with LF). */
  private line(s: State): void {
    if (s.at === 'chunk-size') {
      const size = Number.parseInt(this.takeText().trim().split(';')[0], 16);
      if (!Number.isFinite(size) || size < 0) {
        this.state = { at: 'dead' };
        this.events.broken('bad chunk size', this.headPacket);
      } else this.state = size === 0 ? { at: 'trailers' } : { at: 'chunk-data', remaining: size + 2 };
      return;
    }
    // The text is blank-terminated: it ends with CRLF CRLF or LF LF, or is one empty line.
    const b = this.head;
    const n = this.headLength;
    const blank = n === 1 || b[n - 2] === LF || (n === 2 && b[0] === CR) ||
      (n >= 4 && b[n - 2] === CR && b[n - 3] === LF && b[n - 4] === CR);
    if (s.at === 'trailers') {
      if (n === 1 || (n === 2 && b[0] === CR)) this.state = { at: 'head' };
      this.headLength = 0;
      return;
    }
    if (!blank) return; // more header lines to come
    const lines = this.takeText().split(/\r?\n/);
    const fields: [string, string][] = [];
    for (let k = 1; k < lines.length; k++) {
      const line = lines[k];
      const colon = line.indexOf(':');
      if (colon > 0) fields.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
    }
    const rule = this.events.head({ startLine: lines[0], fields, packet: this.headPacket, time: this.headTime });
    switch (rule.kind) {
      case 'none': this.state = { at: 'head' }; break;
      case 'length': this.state = rule.length > 0 ? { at: 'body', remaining: rule.length } : { at: 'head' }; break;
      case 'chunked': this.state = { at: 'chunk-size' }; break;
      case 'until-close': this.state = { at: 'until-close' }; break;
    }
  }

  /** Stops reading (e.g. the stream turned out not to be HTTP). */
  stop(): void {
    this.state = { at: 'dead' };
    this.release();
  }

  private append(bytes: Uint8Array, from: number, to: number): void {
    const need = this.headLength + (to - from);
    if (need > this.head.length) {
      const bigger = Buffer.alloc(Math.min(MAX_HEAD, Math.max(need, 2 * this.head.length, 256)));
      bigger.set(this.head.subarray(0, this.headLength));
      this.head = bigger;
    }
    const head = this.head;
    if (to - from <= SHORT_COPY) {
      // Head lines are short: a plain loop, not a subarray view per line.
      let at = this.headLength;
      for (let k = from; k < to; k++) head[at++] = bytes[k];
    } else head.set(bytes.subarray(from, to), this.headLength);
    this.headLength = need;
  }

  /** The held bytes as latin1 text (one character per byte, as HTTP/1.x heads are read); empties them. */
  private takeText(): string {
    const text = this.head.toString('latin1', 0, this.headLength);
    this.headLength = 0;
    // A large head's buffer is not kept for the rest of the connection.
    if (this.head.length > 4096) this.head = EMPTY;
    return text;
  }

  /** Nothing more is read: the buffer goes, its length stays what `buffered` reports. */
  private release(): void {
    this.head = EMPTY;
  }
}

const EMPTY = Buffer.alloc(0);
/** Up to this many bytes a loop copies faster than a view and a memcpy. */
const SHORT_COPY = 64;
