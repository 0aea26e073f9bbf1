import type { CaptureParser } from './parser.js';

/** Returned by `frameLength` when the frame header is corrupt (the subclass has already failed the tally). */
export const CORRUPT = -1;

/** Rounds needed to complete a carried frame: header (pcapng SHB: 8, then 12 bytes), then the whole frame. */
const MAX_CARRY_ROUNDS = 6;

/**
 * Splits a chunked byte stream into length-prefixed frames (pcap records, pcapng blocks) without
 * copying: frames that lie inside a chunk are parsed in place; only a frame that spans chunks is
 * copied into a carry-over buffer, which holds at most that one frame (its length was validated by
 * `frameLength` before any byte of its body is kept).
 *
 * Subclasses say how long a frame is and what it means; `offset` is the file offset of the frame
 * being parsed, for messages.
 */
export abstract class FramedParser implements CaptureParser {
  /** File offset of the first byte of the frame being looked at. */
  protected offset = 0;
  private carry = new Uint8Array(64);
  private carryView = new DataView(this.carry.buffer);
  private carried = 0;
  private stopped = false;

  /**
   * Total length of the frame at `at`, given `available` bytes of it: a number > available asks for
   * more bytes (at least the header, when the header itself is incomplete); CORRUPT stops reading.
   * Must return >= 1, and the same value for the same bytes.
   */
  protected abstract frameLength(bytes: Uint8Array, view: DataView, at: number, available: number): number;

  /** Interprets one complete frame of `length` bytes at `at`; false stops reading. */
  protected abstract parseFrame(bytes: Uint8Array, view: DataView, at: number, length: number): boolean;

  /** The input ended `have` bytes into the frame at `bytes[0]` that needs `need` (the header size when unknown). */
  protected abstract endedInFrame(bytes: Uint8Array, view: DataView, have: number, need: number): void;

  push(input: Uint8Array): boolean {
    if (this.stopped) return false;
    // A plain Uint8Array view of the same bytes: Buffer#subarray (a Buffer subclass per call) costs
    // several times more per packet than Uint8Array#subarray.
    const chunk = input.constructor === Uint8Array ? input : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    const end = chunk.length;
    let pos = 0;
    if (this.carried > 0) {
      pos = this.completeCarried(chunk);
      if (pos < 0) return this.stop();
      if (this.carried > 0) return true; // the whole chunk went into the carried frame
    }
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    // Bounded: every round advances `pos` by a frame length >= 1 or leaves the loop.
    while (pos < end) {
      const need = this.frameLength(chunk, view, pos, end - pos);
      if (need === CORRUPT) return this.stop();
      if (need > end - pos) break;
      if (!this.parseFrame(chunk, view, pos, need)) return this.stop();
      pos += need;
      this.offset += need;
    }
    if (pos < end) this.keep(chunk, pos, end);
    return true;
  }

  finish(): void {
    if (this.stopped || this.carried === 0) return;
    const need = this.frameLength(this.carry, this.carryView, 0, this.carried);
    if (need !== CORRUPT) this.endedInFrame(this.carry, this.carryView, this.carried, need);
    this.stopped = true;
  }

  /** Feeds the start of `chunk` to the carried frame; returns where the chunk's own frames start, or -1. */
  private completeCarried(chunk: Uint8Array): number {
    let pos = 0;
    for (let round = 0; round < MAX_CARRY_ROUNDS; round++) {
      const need = this.frameLength(this.carry, this.carryView, 0, this.carried);
      if (need === CORRUPT) return -1;
      if (need <= this.carried) {
        const ok = this.parseFrame(this.carry, this.carryView, 0, need);
        this.carried = 0;
        this.offset += need;
        return ok ? pos : -1;
      }
      const take = Math.min(need - this.carried, chunk.length - pos);
      this.reserve(need);
      this.carry.set(chunk.subarray(pos, pos + take), this.carried);
      this.carried += take;
      pos += take;
      if (this.carried < need) return pos;
    }
    throw new Error('FramedParser: frameLength kept asking for more bytes than it had declared'); // programmer bug
  }

  private keep(chunk: Uint8Array, from: number, to: number): void {
    this.reserve(to - from);
    this.carry.set(chunk.subarray(from, to), 0);
    this.carried = to - from;
  }

  /** Grows the carry buffer to hold `length` bytes (a validated frame length, so bounded). */
  private reserve(length: number): void {
    if (this.carry.length >= length) return;
    const bigger = new Uint8Array(Math.max(length, this.carry.length * 2));
    bigger.set(this.carry.subarray(0, this.carried));
    this.carry = bigger;
    this.carryView = new DataView(bigger.buffer);
  }

  private stop(): false {
    this.stopped = true;
    this.carried = 0;
    return false;
  }
}
