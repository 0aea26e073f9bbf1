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

/**
 * Stored points are kept as parallel arrays, and the open point and the bucket being filled as
 * plain fields: a point is made at every change of entries (every packet of a flood), so no object
 * per point. Each point has the raw aggregates of the span it stands for: start to end, integral
 * of bytes (byteSeconds).
 */
export class Timeline {
  private readonly times: number[] = [];
  private readonly packets: number[] = [];
  private readonly entryCounts: number[] = [];
  private readonly byteCounts: number[] = [];
  private readonly maxBytes: number[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly byteSeconds: number[] = [];
  /** Raw changes each stored point stands for (a power of two). */
  private bucketSize = 1;
  /** The bucket being filled once bucketSize > 1: its changes merged so far (pending*), and how many. */
  private pendingCount = 0;
  private pendingTime = 0;
  private pendingPacket = 0;
  private pendingEntries = 0;
  private pendingBytes = 0;
  private pendingMaxBytes = 0;
  private pendingStart = 0;
  private pendingEnd = 0;
  private pendingByteSeconds = 0;
  private compressedFlag = false;
  private readonly limit: number;
  /** The current point (when isOpen): its span is still open (integral up to `levelSince`). */
  private isOpen = false;
  private openTime = 0;
  private openPacket = 0;
  private openEntries = 0;
  private openBytes = 0;
  private openMaxBytes = 0;
  private openByteSeconds = 0;
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
    this.isOpen = true;
    this.openTime = time;
    this.openPacket = packet;
    this.openEntries = entries;
    this.openBytes = bytes;
    this.openMaxBytes = bytes;
    this.openByteSeconds = 0;
    this.level = bytes;
    this.levelSince = time;
  }

  /** Only the bytes changed at `time`: the current point's aggregates take it in. */
  recordBytes(time: number, packet: number, entries: number, bytes: number): void {
    // Bytes before any change of entries (an entry that stands for none): that moment starts the timeline.
    if (!this.isOpen) {
      this.record(time, packet, entries, bytes);
      return;
    }
    if (time > this.levelSince) {
      this.openByteSeconds += this.level * (time - this.levelSince);
      this.levelSince = time;
    }
    this.level = bytes;
    if (bytes > this.openMaxBytes) this.openMaxBytes = bytes;
  }

  /** The stored points plus the partly filled bucket, the last span ending at `end`; call once, at the end. */
  finish(end: number): { points: TimelinePoint[]; compressed: boolean } {
    this.close(end);
    if (this.pendingCount > 0) {
      this.push(this.pendingTime, this.pendingPacket, this.pendingEntries, this.pendingBytes, this.pendingMaxBytes,
        this.pendingStart, this.pendingEnd, this.pendingByteSeconds);
      this.pendingCount = 0;
    }
    const points: TimelinePoint[] = [];
    for (let i = 0; i < this.times.length; i++) {
      const span = this.ends[i] - this.starts[i];
      const bytes = this.byteCounts[i];
      const meanBytes = span > 0 ? Math.round(this.byteSeconds[i] / span) : bytes;
      points.push({ time: this.times[i], packet: this.packets[i], entries: this.entryCounts[i], bytes, maxBytes: this.maxBytes[i], meanBytes });
    }
    return { points, compressed: this.compressedFlag };
  }

  /** Ends the open point's span at `time` and files it. */
  private close(time: number): void {
    if (!this.isOpen) return;
    const end = Math.max(time, this.levelSince);
    this.isOpen = false;
    this.file(this.openTime, this.openPacket, this.openEntries, this.openBytes, this.openMaxBytes,
      this.openTime, end, this.openByteSeconds + this.level * (end - this.levelSince));
  }

  private file(time: number, packet: number, entries: number, bytes: number, maxBytes: number, start: number, end: number, byteSeconds: number): void {
    if (this.bucketSize === 1) {
      this.store(time, packet, entries, bytes, maxBytes, start, end, byteSeconds);
      return;
    }
    if (this.pendingCount === 0) {
      this.pendingTime = time;
      this.pendingPacket = packet;
      this.pendingEntries = entries;
      this.pendingBytes = bytes;
      this.pendingMaxBytes = maxBytes;
      this.pendingStart = start;
      this.pendingByteSeconds = byteSeconds;
    } else {
      // The pending bucket, then this point: the larger point, both spans' aggregates.
      if (takesLead(this.pendingBytes, this.pendingEntries, bytes, entries)) {
        this.pendingTime = time;
        this.pendingPacket = packet;
        this.pendingEntries = entries;
        this.pendingBytes = bytes;
      }
      this.pendingMaxBytes = Math.max(this.pendingMaxBytes, maxBytes);
      this.pendingByteSeconds = this.pendingByteSeconds + byteSeconds;
    }
    this.pendingEnd = end;
    this.pendingCount++;
    if (this.pendingCount === this.bucketSize) {
      this.pendingCount = 0;
      this.store(this.pendingTime, this.pendingPacket, this.pendingEntries, this.pendingBytes, this.pendingMaxBytes,
        this.pendingStart, this.pendingEnd, this.pendingByteSeconds);
    }
  }

  private push(time: number, packet: number, entries: number, bytes: number, maxBytes: number, start: number, end: number, byteSeconds: number): void {
    this.times.push(time);
    this.packets.push(packet);
    this.entryCounts.push(entries);
    this.byteCounts.push(bytes);
    this.maxBytes.push(maxBytes);
    this.starts.push(start);
    this.ends.push(end);
    this.byteSeconds.push(byteSeconds);
  }

  private store(time: number, packet: number, entries: number, bytes: number, maxBytes: number, start: number, end: number, byteSeconds: number): void {
    this.push(time, packet, entries, bytes, maxBytes, start, end, byteSeconds);
    const n = this.times.length;
    if (n < this.limit) return;
    // Full: merge pairs, each stored point now stands for twice as many changes.
    const pairs = n >> 1;
    for (let i = 0; i < pairs; i++) {
      const a = 2 * i;
      const b = a + 1;
      const lead = takesLead(this.byteCounts[a], this.entryCounts[a], this.byteCounts[b], this.entryCounts[b]) ? b : a;
      this.times[i] = this.times[lead];
      this.packets[i] = this.packets[lead];
      this.entryCounts[i] = this.entryCounts[lead];
      this.byteCounts[i] = this.byteCounts[lead];
      this.maxBytes[i] = Math.max(this.maxBytes[a], this.maxBytes[b]);
      this.starts[i] = this.starts[a];
      this.ends[i] = this.ends[b];
      this.byteSeconds[i] = this.byteSeconds[a] + this.byteSeconds[b];
    }
    const odd = n % 2 === 1 ? n - 1 : -1;
    this.bucketSize *= 2;
    this.compressedFlag = true;
    if (odd >= 0) {
      // The odd point out covers half a bucket: it starts the bucket being filled.
      this.pendingTime = this.times[odd];
      this.pendingPacket = this.packets[odd];
      this.pendingEntries = this.entryCounts[odd];
      this.pendingBytes = this.byteCounts[odd];
      this.pendingMaxBytes = this.maxBytes[odd];
      this.pendingStart = this.starts[odd];
      this.pendingEnd = this.ends[odd];
      this.pendingByteSeconds = this.byteSeconds[odd];
      this.pendingCount = this.bucketSize / 2;
    }
    for (const column of [this.times, this.packets, this.entryCounts, this.byteCounts, this.maxBytes, this.starts, this.ends, this.byteSeconds]) {
      column.length = pairs;
    }
  }
}

/**
 * Merging point a (earlier) with point b: does b show more state? More bytes, then more entries;
 * on a tie the earlier point (a) stays.
 */
function takesLead(aBytes: number, aEntries: number, bBytes: number, bEntries: number): boolean {
  if (bBytes !== aBytes) return bBytes > aBytes;
  return bEntries > aEntries;
}
