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

/** No slot: the end of a list or chain, an empty bucket. */
const NONE = -1;

/** Slots made at first; the table doubles as datagrams wait, up to maxDatagrams. */
const FIRST_SLOTS = 256;

/** Smallest byte store of a datagram; stores double from here, so one holds at most twice its bytes. */
const MIN_STORE_BYTES = 64;

/**
 * A freed slot keeps a byte store up to this size for the datagram that takes the slot next (a
 * flood of lone first fragments then allocates nothing); larger ones are let go.
 */
const KEPT_STORE_BYTES = 4096;

/** A freed slot keeps a piece list up to this many numbers (3 per piece). */
const KEPT_PIECE_NUMBERS = 96;

const EMPTY = new Uint8Array(0);

/**
 * Rebuilds IPv4 (RFC 791 §3.2) and IPv6 (RFC 8200 §4.5) datagrams from fragments, in any order,
 * with bounded memory. Datagrams are keyed by (source, destination, protocol, identification)
 * for IPv4 and (source, destination, identification) for IPv6. Overlapping or duplicate bytes
 * keep the first copy received (as Zeek and Wireshark's reassembly do) and are counted.
 * Time is capture time: `timeout` is measured from each datagram's first fragment.
 *
 * A waiting datagram is a slot: numbers in parallel typed arrays, its bytes in a store of its
 * own, its pieces in a flat list. Freed slots, with their store and list, serve the next
 * datagram. Objects made per fragment, kept until their datagram went (a datagram, its pieces,
 * their views, a key string), were most of a 1 M fragment flood's run as garbage collection.
 */
export class FragmentReassembler {
  private readonly maxDatagrams: number;
  private readonly maxBytes: number;
  private readonly timeout: number;
  private readonly verifyChecksums: boolean;
  private heldBytes = 0;
  private evictedCount = 0;
  private timedOutCount = 0;
  private overlapCount = 0;
  private live = 0;

  private capacity = 0;
  /** Key: source and destination address keys (IpLayer.srcKey/dstKey) and IPv4 protocol * 65536 + id, or the IPv6 id. */
  private srcKey = new Float64Array(0);
  private dstKey = new Float64Array(0);
  private idKey = new Float64Array(0);
  /** IPv6 keys are hashes: the addresses' text confirms a match ('' for IPv4). */
  private v6Text: string[] = [];
  private hashOf = new Int32Array(0);
  /** Next slot in the same bucket; for a free slot, the next free one. */
  private chain = new Int32Array(0);
  private buckets = new Int32Array(0);
  private mask = 0;
  private free = NONE;

  private firstTime = new Float64Array(0);
  /** Fragment bytes received, overlaps included (what maxBytes counts). */
  private bytes = new Int32Array(0);
  /** Datagram payload length, known once the fragment without more-fragments arrived; NONE until then. */
  private totalLength = new Int32Array(0);
  /** Upper protocol; the offset-0 fragment's is authoritative (RFC 8200 §4.5). */
  private protocol = new Int32Array(0);
  private sourceSum = new Int32Array(0);
  private destinationSum = new Int32Array(0);
  /**
   * Neighbours in arrival order of the first fragment, for eviction and expiry. Not a Map's own
   * order: V8 leaves a hole per deleted entry until it rehashes, and reaching the first entry skips
   * every hole, so evicting at the cap cost O(table) per fragment.
   */
  private older = new Int32Array(0);
  private newer = new Int32Array(0);
  private oldest = NONE;
  private newest = NONE;
  /** The bytes of each piece, copied in arrival order. */
  private store: Uint8Array[] = [];
  private storeUsed = new Int32Array(0);
  /**
   * Received pieces as (start, end, where in the store) triples: non-overlapping, sorted by start;
   * the first fragment to cover a byte owns it (first wins).
   */
  private pieces: number[][] = [];
  private pieceCount = new Int32Array(0);

  constructor(opts: FragmentReassemblerOptions = {}) {
    this.maxDatagrams = Math.max(1, opts.maxDatagrams ?? 10_000);
    this.maxBytes = Math.max(1, opts.maxBytes ?? 64 * 1024 * 1024);
    this.timeout = opts.timeout ?? 30;
    this.verifyChecksums = opts.verifyChecksums === true;
    this.grow(Math.min(FIRST_SLOTS, this.maxDatagrams));
  }

  /** Datagrams dropped to respect maxDatagrams / maxBytes. */
  get evicted(): number { return this.evictedCount; }
  /** Datagrams dropped because their fragments did not all arrive within `timeout`. */
  get timedOut(): number { return this.timedOutCount; }
  /** Datagrams waiting for more fragments. */
  get pending(): number { return this.live; }
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
    const length = ip.payloadLength;
    const claimedEnd = start + length;
    if (claimedEnd > MAX_DATAGRAM || length <= 0 && ip.fragment.more) return null; // RFC 791: 16-bit total; empty non-last fragment carries nothing
    const payloadStart = ip.offset + ip.headerLength;
    if (payloadStart + length > bytes.length) return null;

    // RFC 791 §3.2 (source, destination, protocol, identification); RFC 8200 §4.5 (source, destination, identification).
    const v6Text = ip.version === 4 ? '' : `${ip.src}|${ip.dst}`;
    const idKey = ip.version === 4 ? ip.protocol * 65536 + ip.id : ip.id;
    const hash = keyHash(ip.srcKey, ip.dstKey, idKey);
    let slot = this.find(ip.srcKey, ip.dstKey, idKey, v6Text, hash);
    if (slot !== NONE && packet.time - this.firstTime[slot] > this.timeout) {
      this.drop(slot);
      this.timedOutCount++;
      slot = NONE;
    }
    if (slot === NONE) {
      if (this.live >= this.maxDatagrams) this.evictOldest();
      slot = this.open(ip, v6Text, idKey, hash, packet.time, bytes);
    }
    if (start === 0) this.protocol[slot] = ip.protocol;
    if (!ip.fragment.more && this.totalLength[slot] === NONE) this.totalLength[slot] = claimedEnd;

    if (!this.makeRoom(length, slot)) {
      this.drop(slot);
      this.evictedCount++;
      return null;
    }
    if (this.insert(slot, start, claimedEnd, bytes, payloadStart)) this.overlapCount++;
    this.bytes[slot] += length;
    this.heldBytes += length;

    const total = this.totalLength[slot];
    if (total === NONE || !this.covers(slot, total)) return null;
    const payload = this.payload(slot, total);
    const protocol = this.protocol[slot];
    const sourceSum = this.sourceSum[slot];
    const destinationSum = this.destinationSum[slot];
    this.drop(slot);
    return decodeReassembled({
      last: packet,
      ip: { ...ip, protocol },
      payload,
      verifyChecksums: this.verifyChecksums,
      sourceSum,
      destinationSum,
    });
  }

  /** Drops datagrams whose first fragment is more than `timeout` seconds before `now` (capture time). */
  expire(now: number): void {
    // Arrival order is capture order: stop at the first one still young.
    for (let slot = this.oldest; slot !== NONE; slot = this.oldest) {
      if (now - this.firstTime[slot] <= this.timeout) break;
      this.drop(slot);
      this.timedOutCount++;
    }
  }

  private find(srcKey: number, dstKey: number, idKey: number, v6Text: string, hash: number): number {
    for (let slot = this.buckets[hash & this.mask]; slot !== NONE; slot = this.chain[slot]) {
      if (this.srcKey[slot] === srcKey && this.dstKey[slot] === dstKey && this.idKey[slot] === idKey && this.v6Text[slot] === v6Text) return slot;
    }
    return NONE;
  }

  /** A slot for a new datagram, the newest in arrival order. */
  private open(ip: IpLayer, v6Text: string, idKey: number, hash: number, time: number, bytes: Uint8Array): number {
    if (this.free === NONE) this.grow(Math.min(2 * this.capacity, this.maxDatagrams));
    const slot = this.free;
    this.free = this.chain[slot];
    this.srcKey[slot] = ip.srcKey;
    this.dstKey[slot] = ip.dstKey;
    this.idKey[slot] = idKey;
    this.v6Text[slot] = v6Text;
    this.hashOf[slot] = hash;
    const bucket = hash & this.mask;
    this.chain[slot] = this.buckets[bucket];
    this.buckets[bucket] = slot;
    this.firstTime[slot] = time;
    this.bytes[slot] = 0;
    this.totalLength[slot] = NONE;
    this.protocol[slot] = ip.protocol;
    this.setAddressSums(slot, ip, bytes);
    this.older[slot] = this.newest;
    this.newer[slot] = NONE;
    if (this.newest === NONE) this.oldest = slot;
    else this.newer[this.newest] = slot;
    this.newest = slot;
    this.live++;
    return slot;
  }

  /** Adds [start, end) where no earlier fragment already did; true if any byte was already covered. */
  private insert(slot: number, start: number, end: number, bytes: Uint8Array, payloadStart: number): boolean {
    this.reserve(slot, end - start);
    const list = this.pieces[slot];
    let count = this.pieceCount[slot];
    let overlapped = false;
    let cursor = start;
    let index = 0;
    while (index < count && list[3 * index + 1] <= start) index++;
    // Walk the existing pieces that intersect [start, end), filling the gaps between them.
    while (cursor < end) {
      if (index === count || list[3 * index] >= end) {
        this.addPiece(slot, index, count++, cursor, end, bytes, payloadStart + cursor - start);
        break;
      }
      const nextStart = list[3 * index];
      if (nextStart > cursor) {
        this.addPiece(slot, index, count++, cursor, nextStart, bytes, payloadStart + cursor - start);
        index++;
      }
      overlapped = true;
      cursor = Math.max(cursor, list[3 * index + 1]);
      index++;
    }
    this.pieceCount[slot] = count;
    return overlapped;
  }

  /** Inserts piece [from, to) at `index` of the slot's `count` pieces, copying its bytes from `bytes` at `at`. */
  private addPiece(slot: number, index: number, count: number, from: number, to: number, bytes: Uint8Array, at: number): void {
    const list = this.pieces[slot];
    for (let i = 3 * count - 1; i >= 3 * index; i--) list[i + 3] = list[i];
    const where = this.storeUsed[slot];
    this.store[slot].set(bytes.subarray(at, at + to - from), where);
    this.storeUsed[slot] = where + to - from;
    list[3 * index] = from;
    list[3 * index + 1] = to;
    list[3 * index + 2] = where;
  }

  /** Makes room for `more` bytes in the slot's store (a fragment's payload: at most 64 KiB). */
  private reserve(slot: number, more: number): void {
    const store = this.store[slot];
    const used = this.storeUsed[slot];
    if (store.length - used >= more) return;
    let size = Math.max(MIN_STORE_BYTES, 2 * store.length);
    while (size < used + more) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(store.subarray(0, used));
    this.store[slot] = grown;
  }

  /** True when the pieces leave no hole in [0, total). */
  private covers(slot: number, total: number): boolean {
    const list = this.pieces[slot];
    const count = this.pieceCount[slot];
    let reached = 0;
    for (let i = 0; i < count; i++) {
      if (list[3 * i] > reached) return false;
      reached = Math.max(reached, list[3 * i + 1]);
      if (reached >= total) return true;
    }
    return reached >= total;
  }

  /** The datagram's first `total` bytes, in a buffer of their own. */
  private payload(slot: number, total: number): Uint8Array {
    const payload = new Uint8Array(total);
    const list = this.pieces[slot];
    const store = this.store[slot];
    const count = this.pieceCount[slot];
    for (let i = 0; i < count; i++) {
      const from = list[3 * i];
      if (from >= total) break;
      const at = list[3 * i + 2];
      payload.set(store.subarray(at, at + Math.min(list[3 * i + 1], total) - from), from);
    }
    return payload;
  }

  /** Evicts oldest datagrams until `size` more bytes fit; false if even that cannot make room. */
  private makeRoom(size: number, keep: number): boolean {
    let slot = this.oldest;
    while (slot !== NONE && this.heldBytes + size > this.maxBytes) {
      const newer = this.newer[slot];
      if (slot !== keep) {
        this.drop(slot);
        this.evictedCount++;
      }
      slot = newer;
    }
    return this.heldBytes + size <= this.maxBytes;
  }

  private evictOldest(): void {
    if (this.oldest === NONE) return;
    this.drop(this.oldest);
    this.evictedCount++;
  }

  private drop(slot: number): void {
    this.heldBytes -= this.bytes[slot];
    const older = this.older[slot];
    const newer = this.newer[slot];
    if (older === NONE) this.oldest = newer;
    else this.newer[older] = newer;
    if (newer === NONE) this.newest = older;
    else this.older[newer] = older;
    const bucket = this.hashOf[slot] & this.mask;
    if (this.buckets[bucket] === slot) this.buckets[bucket] = this.chain[slot];
    else {
      let before = this.buckets[bucket];
      while (this.chain[before] !== slot) before = this.chain[before];
      this.chain[before] = this.chain[slot];
    }
    this.live--;
    if (this.store[slot].length > KEPT_STORE_BYTES) this.store[slot] = EMPTY;
    this.storeUsed[slot] = 0;
    if (this.pieces[slot].length > KEPT_PIECE_NUMBERS) this.pieces[slot] = [];
    this.pieceCount[slot] = 0;
    this.v6Text[slot] = '';
    this.chain[slot] = this.free;
    this.free = slot;
  }

  /** Grows the slots to `capacity` (new ones free), and the buckets to twice that, rehashing. */
  private grow(capacity: number): void {
    const old = this.capacity;
    this.capacity = capacity;
    this.srcKey = grown(this.srcKey, capacity);
    this.dstKey = grown(this.dstKey, capacity);
    this.idKey = grown(this.idKey, capacity);
    this.hashOf = grown(this.hashOf, capacity);
    this.chain = grown(this.chain, capacity);
    this.firstTime = grown(this.firstTime, capacity);
    this.bytes = grown(this.bytes, capacity);
    this.totalLength = grown(this.totalLength, capacity);
    this.protocol = grown(this.protocol, capacity);
    this.sourceSum = grown(this.sourceSum, capacity);
    this.destinationSum = grown(this.destinationSum, capacity);
    this.older = grown(this.older, capacity);
    this.newer = grown(this.newer, capacity);
    this.storeUsed = grown(this.storeUsed, capacity);
    this.pieceCount = grown(this.pieceCount, capacity);
    for (let slot = capacity - 1; slot >= old; slot--) {
      this.v6Text[slot] = '';
      this.store[slot] = EMPTY;
      this.pieces[slot] = [];
      this.chain[slot] = this.free;
      this.free = slot;
    }
    let buckets = 1;
    while (buckets < 2 * capacity) buckets *= 2;
    this.buckets = new Int32Array(buckets).fill(NONE);
    this.mask = buckets - 1;
    for (let slot = this.oldest; slot !== NONE; slot = this.newer[slot]) {
      const bucket = this.hashOf[slot] & this.mask;
      this.chain[slot] = this.buckets[bucket];
      this.buckets[bucket] = slot;
    }
  }

  /**
   * Source/destination word sums for the pseudo-header, read from the fragment's IP header (an
   * IPv4 source route's final destination included, as decodePacket does).
   */
  private setAddressSums(slot: number, ip: IpLayer, bytes: Uint8Array): void {
    const addressStart = ip.offset + (ip.version === 4 ? 12 : 8);
    const addressLength = ip.version === 4 ? 4 : 16;
    if (ip.offset + ip.headerLength > bytes.length || addressStart + addressLength * 2 > bytes.length) {
      this.sourceSum[slot] = 0;
      this.destinationSum[slot] = 0;
      return;
    }
    const route = ip.version === 4 && ip.headerLength > 20 ? finalDestinationOffset(bytes, ip.offset + 20, ip.offset + ip.headerLength) : -1;
    const destination = route >= 0 ? route : addressStart + addressLength;
    this.sourceSum[slot] = wordSum(bytes, addressStart, addressStart + addressLength);
    this.destinationSum[slot] = wordSum(bytes, destination, destination + addressLength);
  }
}

/** A 32-bit hash of a datagram's key (the low 32 bits of each part: IPv6 address keys are 2^32 + a hash). */
function keyHash(srcKey: number, dstKey: number, idKey: number): number {
  let h = Math.imul(srcKey ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ dstKey, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ idKey, 0x27d4eb2f);
  return h ^ (h >>> 15);
}

function grown<T extends Float64Array | Int32Array>(array: T, length: number): T {
  const bigger = new (array.constructor as new (n: number) => T)(length);
  bigger.set(array);
  return bigger;
}
