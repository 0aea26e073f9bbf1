import { wordSum } from './checksum.js';
import { finalDestinationOffset } from './ipv4-route.js';
import type { DecodedPacket, IpLayer } from './packet.js';
import { decodeReassembled } from './reassembled.js';

export interface FragmentReassemblerOptions {
  /** Datagrams waiting for fragments at once; the oldest is evicted beyond this. Default 10,000. */
  maxDatagrams?: number;
  /** Fragment bytes held at once; the oldest datagrams are evicted beyond this. Default 64 MiB. */
  maxBytes?: number;
  /** Seconds of capture time a datagram may wait from its first fragment (RFC 791 §3.2 timer; Linux ipfrag_time). Default 30. */
  timeout?: number;
  /** Verify TCP/UDP checksums of reassembled datagrams (as DecodeOptions.verifyChecksums). */
  verifyChecksums?: boolean;
}

/** Largest reassembled payload: IPv4 total length (RFC 791) and IPv6 payload length (RFC 8200 §4.5) are 16-bit. */
const MAX_DATAGRAM = 0xffff;

/**
 * Copies of fragment payloads are cut from slabs of this size. An ArrayBuffer per fragment
 * (allocated outside the heap, and counted as external memory, which hastens GCs) cost more than
 * the rest of reassembly on a fragment flood. A slab lives as long as any copy in it: at worst one
 * slab per pending datagram beyond the bytes held (160 MB at the default 10,000 datagrams).
 */
const SLAB_BYTES = 16 * 1024;

class SlabCopier {
  private slab = new Uint8Array(SLAB_BYTES);
  private used = 0;

  copy(from: Uint8Array, start: number, end: number): Uint8Array {
    const length = end - start;
    // Large payloads (jumbo frames) get their own buffer: a slab would hold little else.
    if (length > SLAB_BYTES / 4) return from.slice(start, end);
    if (this.used + length > SLAB_BYTES) {
      this.slab = new Uint8Array(SLAB_BYTES);
      this.used = 0;
    }
    const at = this.used;
    this.slab.set(from.subarray(start, end), at);
    this.used += length;
    return this.slab.subarray(at, at + length);
  }
}

/** A received piece of the datagram, [start, end), with its bytes (a view into that fragment's copy). */
interface Piece {
  start: number;
  end: number;
  data: Uint8Array;
}

interface PendingDatagram {
  firstTime: number;
  /** Non-overlapping, sorted by start: the first fragment to cover a byte owns it (first wins). */
  pieces: Piece[];
  bytes: number;
  /** Datagram payload length, known once the fragment without more-fragments arrived. */
  totalLength: number | undefined;
  /** Upper protocol; the offset-0 fragment's is authoritative (RFC 8200 §4.5). */
  protocol: number;
  sourceSum: number;
  destinationSum: number;
  key: string;
  /** Neighbours in arrival order (see FragmentReassembler.oldest). */
  older: PendingDatagram | null;
  newer: PendingDatagram | null;
}

/**
 * Rebuilds IPv4 (RFC 791 §3.2) and IPv6 (RFC 8200 §4.5) datagrams from fragments, in any order,
 * with bounded memory. Datagrams are keyed by (source, destination, protocol, identification)
 * for IPv4 and (source, destination, identification) for IPv6. Overlapping or duplicate bytes
 * keep the first copy received (as Zeek and Wireshark's reassembly do) and are counted.
 * Time is capture time: `timeout` is measured from each datagram's first fragment.
 */
export class FragmentReassembler {
  private readonly pendingByKey = new Map<string, PendingDatagram>();
  /**
   * Datagrams by arrival of their first fragment, linked through older/newer. Not the Map's own
   * order: V8 leaves a hole per deleted entry until it rehashes, and reaching the first entry skips
   * every hole, so evicting at the cap cost O(table) per fragment (a 1 M fragment flood: 75% of the run).
   */
  private readonly copier = new SlabCopier();
  private oldest: PendingDatagram | null = null;
  private newest: PendingDatagram | null = null;
  private readonly maxDatagrams: number;
  private readonly maxBytes: number;
  private readonly timeout: number;
  private readonly verifyChecksums: boolean;
  private heldBytes = 0;
  private evictedCount = 0;
  private timedOutCount = 0;
  private overlapCount = 0;

  constructor(opts: FragmentReassemblerOptions = {}) {
    this.maxDatagrams = Math.max(1, opts.maxDatagrams ?? 10_000);
    this.maxBytes = Math.max(1, opts.maxBytes ?? 64 * 1024 * 1024);
    this.timeout = opts.timeout ?? 30;
    this.verifyChecksums = opts.verifyChecksums === true;
  }

  /** Datagrams dropped to respect maxDatagrams / maxBytes. */
  get evicted(): number { return this.evictedCount; }
  /** Datagrams dropped because their fragments did not all arrive within `timeout`. */
  get timedOut(): number { return this.timedOutCount; }
  /** Datagrams waiting for more fragments. */
  get pending(): number { return this.pendingByKey.size; }
  /** Fragments that overlapped bytes already received (duplicates included). */
  get overlapping(): number { return this.overlapCount; }
  /** Fragment bytes currently held. */
  get bytesHeld(): number { return this.heldBytes; }

  /**
   * Feeds a packet whose ip.fragment is set, with the record's bytes (valid only during the
   * call: what is kept is copied). Returns the packet completed by this fragment (transport
   * decoded from the reassembled datagram; number and time of this last fragment, as Wireshark
   * attributes it) or null while incomplete. Packets without ip.fragment, marked skipped (a bad
   * header checksum), or not wholly captured return null and change nothing: like Wireshark,
   * only whole fragments are reassembled (decodePacket decodes a cut first fragment as is).
   */
  push(packet: DecodedPacket, bytes: Uint8Array): DecodedPacket | null {
    const ip = packet.ip;
    if (ip === undefined || ip.fragment === undefined || packet.skipped !== undefined) return null;
    const start = ip.fragment.offset;
    const claimedEnd = start + ip.payloadLength;
    if (claimedEnd > MAX_DATAGRAM || ip.payloadLength <= 0 && ip.fragment.more) return null; // RFC 791: 16-bit total; empty non-last fragment carries nothing
    const payloadStart = ip.offset + ip.headerLength;
    if (payloadStart + ip.payloadLength > bytes.length) return null;

    const key = fragmentKey(ip);
    let datagram = this.pendingByKey.get(key);
    if (datagram !== undefined && packet.time - datagram.firstTime > this.timeout) {
      this.drop(datagram);
      this.timedOutCount++;
      datagram = undefined;
    }
    if (datagram === undefined) {
      if (this.pendingByKey.size >= this.maxDatagrams) this.evictOldest();
      datagram = {
        firstTime: packet.time,
        pieces: [],
        bytes: 0,
        totalLength: undefined,
        protocol: ip.protocol,
        ...addressSums(ip, bytes),
        key,
        older: this.newest,
        newer: null,
      };
      if (this.newest === null) this.oldest = datagram;
      else this.newest.newer = datagram;
      this.newest = datagram;
      this.pendingByKey.set(key, datagram);
    }
    if (start === 0) datagram.protocol = ip.protocol;
    if (!ip.fragment.more && datagram.totalLength === undefined) datagram.totalLength = claimedEnd;

    const copy = this.copier.copy(bytes, payloadStart, payloadStart + ip.payloadLength);
    if (!this.makeRoom(copy.length, datagram)) {
      this.drop(datagram);
      this.evictedCount++;
      return null;
    }
    if (this.insert(datagram, start, claimedEnd, copy)) this.overlapCount++;
    datagram.bytes += copy.length;
    this.heldBytes += copy.length;

    const total = datagram.totalLength;
    if (total === undefined || !covers(datagram.pieces, total)) return null;
    this.drop(datagram);
    return this.complete(packet, ip, datagram, total);
  }

  /** Drops datagrams whose first fragment is more than `timeout` seconds before `now` (capture time). */
  expire(now: number): void {
    // Arrival order is capture order: stop at the first one still young.
    for (let datagram = this.oldest; datagram !== null; datagram = this.oldest) {
      if (now - datagram.firstTime <= this.timeout) break;
      this.drop(datagram);
      this.timedOutCount++;
    }
  }

  /** Adds [start, end) where no earlier fragment already did; true if any byte was already covered. */
  private insert(datagram: PendingDatagram, start: number, end: number, data: Uint8Array): boolean {
    const pieces = datagram.pieces;
    let overlapped = false;
    let cursor = start;
    let index = 0;
    while (index < pieces.length && pieces[index].end <= start) index++;
    // Walk the existing pieces that intersect [start, end), filling the gaps between them.
    while (cursor < end) {
      const next = index < pieces.length ? pieces[index] : undefined;
      if (next === undefined || next.start >= end) {
        pieces.splice(index, 0, piece(cursor, end, start, data));
        break;
      }
      if (next.start > cursor) {
        pieces.splice(index, 0, piece(cursor, next.start, start, data));
        index++;
      }
      overlapped = true;
      cursor = Math.max(cursor, next.end);
      index++;
    }
    return overlapped;
  }

  private complete(last: DecodedPacket, ip: IpLayer, datagram: PendingDatagram, total: number): DecodedPacket {
    const payload = new Uint8Array(total);
    for (const p of datagram.pieces) {
      if (p.start >= total) break;
      payload.set(p.data.subarray(0, Math.min(p.data.length, total - p.start)), p.start);
    }
    return decodeReassembled({
      last,
      ip: { ...ip, protocol: datagram.protocol },
      payload,
      verifyChecksums: this.verifyChecksums,
      sourceSum: datagram.sourceSum,
      destinationSum: datagram.destinationSum,
    });
  }

  /** Evicts oldest datagrams until `size` more bytes fit; false if even that cannot make room. */
  private makeRoom(size: number, keep: PendingDatagram): boolean {
    let datagram = this.oldest;
    while (datagram !== null && this.heldBytes + size > this.maxBytes) {
      const newer = datagram.newer;
      if (datagram !== keep) {
        this.drop(datagram);
        this.evictedCount++;
      }
      datagram = newer;
    }
    return this.heldBytes + size <= this.maxBytes;
  }

  private evictOldest(): void {
    if (this.oldest === null) return;
    this.drop(this.oldest);
    this.evictedCount++;
  }

  private drop(datagram: PendingDatagram): void {
    this.pendingByKey.delete(datagram.key);
    this.heldBytes -= datagram.bytes;
    if (datagram.older === null) this.oldest = datagram.newer;
    else datagram.older.newer = datagram.newer;
    if (datagram.newer === null) this.newest = datagram.older;
    else datagram.newer.older = datagram.older;
  }
}

/** RFC 791 §3.2 (source, destination, protocol, identification); RFC 8200 §4.5 (source, destination, identification). */
function fragmentKey(ip: IpLayer): string {
  return ip.version === 4 ? `4|${ip.src}|${ip.dst}|${ip.protocol}|${ip.id}` : `6|${ip.src}|${ip.dst}|${ip.id}`;
}

function piece(from: number, to: number, dataStart: number, data: Uint8Array): Piece {
  return { start: from, end: to, data: data.subarray(from - dataStart, to - dataStart) };
}

/** True when the sorted, non-overlapping pieces leave no hole in [0, total). */
function covers(pieces: Piece[], total: number): boolean {
  let reached = 0;
  for (const p of pieces) {
    if (p.start > reached) return false;
    reached = Math.max(reached, p.end);
    if (reached >= total) return true;
  }
  return reached >= total;
}

/**
 * Source/destination word sums for the pseudo-header, read from the fragment's IP header (an
 * IPv4 source route's final destination included, as decodePacket does).
 */
function addressSums(ip: IpLayer, bytes: Uint8Array): { sourceSum: number; destinationSum: number } {
  const addressStart = ip.offset + (ip.version === 4 ? 12 : 8);
  const addressLength = ip.version === 4 ? 4 : 16;
  if (ip.offset + ip.headerLength > bytes.length || addressStart + addressLength * 2 > bytes.length) return { sourceSum: 0, destinationSum: 0 };
  const route = ip.version === 4 && ip.headerLength > 20 ? finalDestinationOffset(bytes, ip.offset + 20, ip.offset + ip.headerLength) : -1;
  const destination = route >= 0 ? route : addressStart + addressLength;
  return {
    sourceSum: wordSum(bytes, addressStart, addressStart + addressLength),
    destinationSum: wordSum(bytes, destination, destination + addressLength),
  };
}
