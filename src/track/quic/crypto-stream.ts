/**
 * One direction's CRYPTO stream at one encryption level, rebuilt from CRYPTO frames by offset
 * (RFC 9000 §19.6: "the stream does not have an explicit end"; frames may arrive in any order,
 * overlap, repeat, and span packets and datagrams). Chromium, for one, sends the pieces of its
 * ClientHello out of order on purpose.
 *
 * Bounded: data past `maxBytes` (64 KiB by default, far above any ClientHello) and fragments past
 * `maxFragments` (64) are refused and counted, never buffered.
 */

export interface CryptoStreamLimits {
  maxBytes?: number;
  maxFragments?: number;
}

export type AddResult = 'added' | 'duplicate' | 'beyond-limit';

interface Fragment {
  offset: number;
  /** A copy of the CRYPTO data (a view would keep the whole decrypted packet alive). */
  data: Uint8Array;
}

export class CryptoStream {
  readonly maxBytes: number;
  readonly maxFragments: number;
  /** Fragments sorted by offset. */
  private fragments: Fragment[] = [];
  /** Bytes 0..contiguousEnd are all present. */
  private contiguousEnd = 0;
  /** Fragments refused by the limits. */
  refused = 0;

  constructor(limits: CryptoStreamLimits = {}) {
    this.maxBytes = limits.maxBytes ?? 64 * 1024;
    this.maxFragments = limits.maxFragments ?? 64;
  }

  /** Adds the CRYPTO frame data at `offset`. */
  add(offset: number, data: Uint8Array): AddResult {
    const end = offset + data.length;
    if (end > this.maxBytes || this.fragments.length >= this.maxFragments) {
      this.refused++;
      return 'beyond-limit';
    }
    if (data.length === 0 || end <= this.contiguousEnd) return 'duplicate';
    // Insert in offset order (few fragments: a linear scan from the end is cheapest).
    let i = this.fragments.length;
    while (i > 0 && this.fragments[i - 1].offset > offset) i--;
    const previous = this.fragments[i - 1];
    if (previous && previous.offset <= offset && previous.offset + previous.data.length >= end) return 'duplicate';
    this.fragments.splice(i, 0, { offset, data: Uint8Array.from(data) });
    this.advanceContiguous();
    return 'added';
  }

  /** Bytes present without a gap from offset 0. */
  get contiguous(): number {
    return this.contiguousEnd;
  }

  /** The first `length` bytes of the stream, or null while some of them are missing. */
  read(length: number): Uint8Array | null {
    if (length > this.contiguousEnd) return null;
    const first = this.fragments[0];
    if (first && first.offset === 0 && first.data.length >= length) return first.data.subarray(0, length);
    const out = new Uint8Array(length);
    for (const f of this.fragments) {
      if (f.offset >= length) break;
      const take = Math.min(f.data.length, length - f.offset);
      out.set(f.data.subarray(0, take), f.offset);
    }
    return out;
  }

  /** Forgets everything (the handshake message was read, or a Retry restarted the handshake). */
  clear(): void {
    this.fragments = [];
    this.contiguousEnd = 0;
  }

  private advanceContiguous(): void {
    let end = this.contiguousEnd;
    for (const f of this.fragments) {
      if (f.offset > end) break;
      end = Math.max(end, f.offset + f.data.length);
    }
    this.contiguousEnd = end;
  }
}
