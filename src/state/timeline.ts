/**
 * One endpoint's timeline: a point at every change of the entries it holds (an entry created,
 * ended, expired, or changed in kind or count), not at every change of its bytes. Bytes in flight
 * move with most data packets; between two points they are kept as aggregates of the point that
 * was current then: the most bytes held (`maxBytes`) and their time-weighted mean (`meanBytes`).
 * So the timeline grows with changes of state, not with packets.
 *
 * Bounded: when the limit is reached, neighbouring points are merged in pairs, keeping the one with
 * more bytes (then more entries, then the earlier) and the pair's aggregates over both spans: each
 * stored point then stands for a bucket of 2, 4, 8 ... consecutive changes. Memory is O(limit),
 * whatever the capture's length.
 */
import type { TimelinePoint } from '../model/endpoint.js';

export type { TimelinePoint };

/** A point with the raw aggregates of the span it stands for (start to end, integral of bytes). */
interface StoredPoint {
  time: number;
  packet: number;
  entries: number;
  bytes: number;
  maxBytes: number;
  start: number;
  end: number;
  byteSeconds: number;
}

/** The point that shows more state: more bytes, then more entries, then the earlier one. */
function larger(a: StoredPoint, b: StoredPoint): StoredPoint {
  if (b.bytes !== a.bytes) return b.bytes > a.bytes ? b : a;
  return b.entries > a.entries ? b : a;
}

/** Consecutive spans `a` then `b` as one: the larger point, both spans' aggregates. */
function merged(a: StoredPoint, b: StoredPoint): StoredPoint {
  const lead = larger(a, b);
  return {
    time: lead.time, packet: lead.packet, entries: lead.entries, bytes: lead.bytes,
    maxBytes: Math.max(a.maxBytes, b.maxBytes), start: a.start, end: b.end, byteSeconds: a.byteSeconds + b.byteSeconds,
  };
}

function published(p: StoredPoint): TimelinePoint {
  const span = p.end - p.start;
  const meanBytes = span > 0 ? Math.round(p.byteSeconds / span) : p.bytes;
  return { time: p.time, packet: p.packet, entries: p.entries, bytes: p.bytes, maxBytes: p.maxBytes, meanBytes };
}

export class Timeline {
  private readonly points: StoredPoint[] = [];
  /** Raw changes each stored point stands for (a power of two). */
  private bucketSize = 1;
  /** The bucket being filled once bucketSize > 1: its changes merged so far, and how many. */
  private pending: StoredPoint | null = null;
  private pendingCount = 0;
  private compressedFlag = false;
  private readonly limit: number;
  /** The current point: its span is still open (end and integral up to `levelSince`). */
  private open: StoredPoint | null = null;
  /** Bytes held now and since when (the open point's integral runs up to then). */
  private level = 0;
  private levelSince = 0;

  /** `limit` is clamped to at least 2 (pairs must be mergeable). */
  constructor(limit: number) {
    this.limit = Math.max(2, Math.floor(Number.isFinite(limit) ? limit : 2));
  }

  /** The entries changed at `time` (after packet `packet`): a new point; the previous one's span ends here. */
  record(time: number, packet: number, entries: number, bytes: number): void {
    this.close(time);
    this.open = { time, packet, entries, bytes, maxBytes: bytes, start: time, end: time, byteSeconds: 0 };
    this.level = bytes;
    this.levelSince = time;
  }

  /** Only the bytes changed at `time`: the current point's aggregates take it in. */
  recordBytes(time: number, packet: number, entries: number, bytes: number): void {
    const open = this.open;
    // Bytes before any change of entries (an entry that stands for none): that moment starts the timeline.
    if (open === null) {
      this.record(time, packet, entries, bytes);
      return;
    }
    if (time > this.levelSince) {
      open.byteSeconds += this.level * (time - this.levelSince);
      this.levelSince = time;
    }
    this.level = bytes;
    if (bytes > open.maxBytes) open.maxBytes = bytes;
  }

  /** The stored points plus the partly filled bucket, the last span ending at `end`; call once, at the end. */
  finish(end: number): { points: TimelinePoint[]; compressed: boolean } {
    this.close(end);
    if (this.pending !== null) {
      this.points.push(this.pending);
      this.pending = null;
      this.pendingCount = 0;
    }
    return { points: this.points.map(published), compressed: this.compressedFlag };
  }

  /** Ends the open point's span at `time` and files it. */
  private close(time: number): void {
    const open = this.open;
    if (open === null) return;
    const end = Math.max(time, this.levelSince);
    open.byteSeconds += this.level * (end - this.levelSince);
    open.end = end;
    this.open = null;
    this.file(open);
  }

  private file(point: StoredPoint): void {
    if (this.bucketSize === 1) {
      this.store(point);
      return;
    }
    this.pending = this.pending === null ? point : merged(this.pending, point);
    this.pendingCount++;
    if (this.pendingCount === this.bucketSize) {
      const full = this.pending;
      this.pending = null;
      this.pendingCount = 0;
      this.store(full);
    }
  }

  private store(point: StoredPoint): void {
    this.points.push(point);
    if (this.points.length < this.limit) return;
    // Full: merge pairs, each stored point now stands for twice as many changes.
    const points = this.points;
    const pairs = points.length >> 1;
    for (let i = 0; i < pairs; i++) points[i] = merged(points[2 * i], points[2 * i + 1]);
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
