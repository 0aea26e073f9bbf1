/**
 * One endpoint's timeline: a point at every change of its entries or bytes, kept within a fixed
 * number of points. When the limit is reached, neighbouring points are merged in pairs, keeping
 * the one with more bytes (then more entries, then the earlier): each stored point then stands for
 * a bucket of 2, 4, 8 ... consecutive changes and shows that bucket's maximum. Memory is O(limit),
 * whatever the capture's length.
 */
export interface TimelinePoint {
  time: number;
  packet: number;
  entries: number;
  bytes: number;
}

/** The point that shows more state: more bytes, then more entries, then the earlier one. */
function larger(a: TimelinePoint, b: TimelinePoint): TimelinePoint {
  if (b.bytes !== a.bytes) return b.bytes > a.bytes ? b : a;
  return b.entries > a.entries ? b : a;
}

export class Timeline {
  private readonly points: TimelinePoint[] = [];
  /** Raw changes each stored point stands for (a power of two). */
  private bucketSize = 1;
  /** The bucket being filled once bucketSize > 1: its largest point and how many changes it holds. */
  private pending: TimelinePoint | null = null;
  private pendingCount = 0;
  private compressedFlag = false;
  private readonly limit: number;

  /** `limit` is clamped to at least 2 (pairs must be mergeable). */
  constructor(limit: number) {
    this.limit = Math.max(2, Math.floor(Number.isFinite(limit) ? limit : 2));
  }

  add(point: TimelinePoint): void {
    this.record(point.time, point.packet, point.entries, point.bytes);
  }

  /**
   * A change given as values: a point object is made only when it is stored or leads its bucket,
   * since the ledger records a change for most data packets and most of them are merged away.
   */
  record(time: number, packet: number, entries: number, bytes: number): void {
    if (this.bucketSize === 1) {
      this.store({ time, packet, entries, bytes });
      return;
    }
    let lead = this.pending;
    // The same order as `larger`: more bytes, then more entries, then the earlier.
    if (lead === null || bytes > lead.bytes || (bytes === lead.bytes && entries > lead.entries)) {
      lead = { time, packet, entries, bytes };
      this.pending = lead;
    }
    this.pendingCount++;
    if (this.pendingCount === this.bucketSize) {
      const full = lead;
      this.pending = null;
      this.pendingCount = 0;
      this.store(full);
    }
  }

  /** The stored points plus the partly filled bucket; call once, at the end. */
  finish(): { points: TimelinePoint[]; compressed: boolean } {
    if (this.pending !== null) {
      this.points.push(this.pending);
      this.pending = null;
      this.pendingCount = 0;
    }
    return { points: this.points, compressed: this.compressedFlag };
  }

  private store(point: TimelinePoint): void {
    this.points.push(point);
    if (this.points.length < this.limit) return;
    // Full: merge pairs, each stored point now stands for twice as many changes.
    const points = this.points;
    const pairs = points.length >> 1;
    for (let i = 0; i < pairs; i++) points[i] = larger(points[2 * i], points[2 * i + 1]);
    const odd = points.length % 2 === 1 ? points[points.length - 1] : null;
    points.length = pairs;
    this.bucketSize *= 2;
    this.compressedFlag = true;
    if (odd !== null) {
      // The odd point out covers half a bucket: it starts the bucket being filled.
      this.pending = odd;
      this.pendingCount = this.bucketSize / 2;
    }
  }
}
