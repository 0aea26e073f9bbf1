/**
 * Which transaction a DNS message belongs to (STYLE practice 12: key by flow and ID, bounded,
 * report what does not match).
 *
 * Rules, in the order they are tried:
 * - A query joins an outstanding transaction with the same transport, client ip:port, server
 *   ip:port and ID when it is sent within `timeout` of that transaction's first query and asks the
 *   same question (or either has none): a retransmission. Same key but another question: the
 *   client reused the ID and port while the first query was outstanding (`idReused`), and a new
 *   transaction starts. After `timeout`, or once the first is answered, the same key starts a new
 *   transaction (the ID was reused later), as Wireshark's `dns.retransmission_timer` does.
 * - A response answers the newest transaction with the same transport, client, server and ID
 *   whose question matches (case-insensitive name, type, class; skipped when either side has no
 *   question). If that transaction already has a response, this one is a duplicate. When
 *   transactions with that key exist but none has the question, it is an ID collision.
 * - A UDP response from an address the query was not sent to (NAT, anycast, spoofing) is matched
 *   by client ip:port and ID alone, question still compared, and its sender is listed.
 * - Multicast and broadcast queries (mDNS to 224.0.0.251 or ff02::fb, queries to 255.255.255.255):
 *   any host may answer, to the group (RFC 6762 §6) or to the querier directly (RFC 6762 §6.7), so
 *   a response sent to the same group and port with the same ID and question answers the query
 *   whoever sent it; every responder is listed. A mismatched question there is not a collision:
 *   mDNS hosts send unrelated announcements with ID 0 all the time, and those are unsolicited.
 * - mDNS proper (a response from port 5353 to port 5353): the ID is zero and "MUST be ignored on
 *   reception" and the response carries no question (RFC 6762 §18.1, §6), so it answers the newest
 *   query on 5353 whose question one of its answer records names (name case-insensitively, and
 *   type, or any type for an ANY question), sent within `timeout`, and addressed to the group or
 *   to the querier. An answer that names no such query is an unsolicited announcement (§8.3).
 *   Legacy unicast queries (from another port) are answered with their ID and question (§6.7)
 *   and match by ID as above.
 *
 * Indexes are keyed by int32 numbers built from ports and the ID (no string per message), in
 * IntMaps; a bucket holds every transaction with that number and is filtered by address and
 * transport.
 *
 * Memory and time are bounded: at most `maxPending` transactions await a response (the oldest is
 * evicted and counted), at most MAX_PER_KEY share one bucket (the oldest is evicted and counted),
 * and answered ones stay findable for duplicates only for `retention` seconds of capture time
 * (and at most `maxPending` of them).
 */
import { lowerName, sameQuestion, type DnsQuestion, type DnsRecordKey } from './message.js';
import type { DnsPath, DnsTransaction } from './transaction.js';
import { LruList } from '../lru-list.js';
import { IntMap } from './int-map.js';

export type QueryMatch = { kind: 'retransmission'; transaction: DnsTransaction } | { kind: 'new'; idReused: boolean };

export type ResponseMatch =
  | { kind: 'answer' | 'duplicate'; transaction: DnsTransaction; otherResponder: boolean }
  | { kind: 'collision'; transaction: DnsTransaction }
  | { kind: 'none' };

export interface DnsMatcherOptions {
  timeout: number;
  maxPending: number;
  /** Estimated bytes the awaiting transactions may take (--max-state-mb); absent: no budget. */
  maxStateBytes?: number;
  /** Seconds an answered transaction stays findable for duplicate responses. */
  retention: number;
  /** Called when a transaction leaves every index: nothing can change it any more. */
  onForget?: (t: DnsTransaction) => void;
}

/** IPv4 multicast 224.0.0.0/4 and limited broadcast; IPv6 multicast ff00::/8 (RFC 4291 §2.7). */
export function isGroupAddress(address: string): boolean {
  if (address.includes(':')) return address.toLowerCase().startsWith('ff');
  if (address === '255.255.255.255') return true;
  const first = Number(address.slice(0, address.indexOf('.')));
  return first >= 224 && first <= 239;
}

/** Multicast DNS (RFC 6762): port 5353 on both sides marks a fully compliant responder's answer. */
export const MDNS_PORT = 5353;

/** The query asked for this record: same name (case-insensitive), same type or an ANY question (RFC 6762 §6). */
function answersQuestion(q: DnsQuestion, r: DnsRecordKey): boolean {
  return (q.type === r.type || q.type === 'ANY') && lowerName(q) === r.name.toLowerCase();
}

/** Transactions kept per bucket (see `push`). */
export const MAX_PER_KEY = 256;

/** The answers for a new query, shared (read only): one object per query was most of what matching allocated. */
const NEW_QUERY: QueryMatch = Object.freeze({ kind: 'new', idReused: false });
const NEW_ID_REUSED: QueryMatch = Object.freeze({ kind: 'new', idReused: true });
/** No transaction for this response (every response of a reflection or a spoofing flood). */
const NO_MATCH: ResponseMatch = Object.freeze({ kind: 'none' });

/**
 * Two 16-bit values (ports, IDs) as one exact int32 key. `(a << 16) | b` rather than
 * a * 65536 + b: that passed 2^31 for every port >= 32768 (the ephemeral range), and V8 keeps such
 * keys as heap numbers, allocated and hashed as doubles on every lookup.
 */
function pairKey(a: number, b: number): number {
  return (a << 16) | b;
}

/**
 * An index bucket: one transaction alone (the usual case: an ID on a port is rarely reused while
 * outstanding), or several, oldest first. Storing the lone one without an array saves two objects
 * per transaction and index, which a query flood otherwise keeps alive until eviction.
 */
type Bucket = DnsTransaction | DnsTransaction[];

function countOf(bucket: Bucket | undefined): number {
  return bucket === undefined ? 0 : Array.isArray(bucket) ? bucket.length : 1;
}

/** The i-th transaction (oldest first) of a bucket holding countOf(bucket) > i. */
function at(bucket: Bucket | undefined, i: number): DnsTransaction {
  return Array.isArray(bucket) ? bucket[i] : (bucket as DnsTransaction);
}

/** The transaction's question and `q` are the same (sameQuestion), or one is missing. */
function compatible(t: DnsTransaction, q: DnsQuestion | null): boolean {
  return t.question === null || q === null || sameQuestion(t.question, q);
}

/** Same transport, flow, client and server as the message. */
function samePath(t: DnsTransaction, p: DnsPath): boolean {
  return (
    t.clientAddress === p.clientAddress && t.serverPort === p.serverPort && t.serverAddress === p.serverAddress &&
    t.transport === p.transport && t.flowId === p.flowId
  );
}

/**
 * Estimated heap of one query awaiting its answer: the transaction, its question, its index
 * buckets and its ledger entry (--max-state-mb). Measured: 30,000 unanswered queries, heap snapshot.
 */
export const PENDING_DNS_BYTES = 1_500;

export class DnsMatcher {
  /** Transactions evicted while still awaiting a response (their responses become unsolicited). */
  evicted = 0;
  /** Of those, evicted because their estimated memory passed maxStateBytes rather than at maxPending. */
  evictedForMemory = 0;
  private readonly timeout: number;
  /** Awaiting transactions the memory budget holds (budget / PENDING_DNS_BYTES). */
  private readonly maxPendingForMemory: number;
  private readonly maxPending: number;
  private readonly retention: number;
  private readonly onForget: ((t: DnsTransaction) => void) | undefined;
  /** client port|ID -> transactions (any client address, server, transport), oldest first. */
  private readonly byClientPortAndId = new IntMap<Bucket>();
  /** group port|ID -> multicast/broadcast transactions. */
  private readonly byGroupPortAndId = new IntMap<Bucket>();
  /** Lower-case question name -> UDP transactions sent to port 5353 (mDNS answers carry no ID or question). */
  private readonly byMdnsName = new Map<string, Bucket>();
  /** UDP client port|server port -> awaiting transactions, for ICMP errors (which quote no DNS ID). */
  private readonly byPorts = new IntMap<Bucket>();
  /** Awaiting a response, oldest first (the eviction order), linked through the transactions. */
  private readonly awaiting = new LruList<DnsTransaction>();
  /** Answered and still findable, in answer order; `retainedHead` is the first live slot. */
  private retained: DnsTransaction[] = [];
  private retainedHead = 0;

  constructor(options: DnsMatcherOptions) {
    this.timeout = options.timeout;
    this.maxPending = Math.max(1, options.maxPending);
    this.maxPendingForMemory = options.maxStateBytes === undefined ? Infinity : Math.max(1, Math.floor(options.maxStateBytes / PENDING_DNS_BYTES));
    this.retention = options.retention;
    this.onForget = options.onForget;
  }

  get pending(): number {
    return this.awaiting.size;
  }

  /** Is this query a retransmission of an outstanding transaction, or the start of a new one? */
  matchQuery(path: DnsPath, id: number, question: DnsQuestion | null, time: number): QueryMatch {
    const bucket = this.byClientPortAndId.get(pairKey(path.clientPort, id));
    let idReused = false;
    for (let i = countOf(bucket) - 1; i >= 0; i--) {
      const t = at(bucket, i);
      if (t.response !== null || time - t.queryTime >= this.timeout || !samePath(t, path)) continue;
      if (compatible(t, question)) return { kind: 'retransmission', transaction: t };
      idReused = true;
    }
    return idReused ? NEW_ID_REUSED : NEW_QUERY;
  }

  /** Indexes a new transaction, evicting (and counting) what no longer fits. */
  add(t: DnsTransaction): void {
    const crowded = push(this.byClientPortAndId, pairKey(t.clientPort, t.id), t);
    if (crowded) this.evict(crowded);
    if (t.transport === 'udp') {
      push(this.byPorts, pairKey(t.clientPort, t.serverPort), t);
      if (t.multicast) push(this.byGroupPortAndId, pairKey(t.serverPort, t.id), t);
      if (isMdns(t)) {
        const crowdedName = push(this.byMdnsName, mdnsKey(t), t);
        if (crowdedName) this.evict(crowdedName);
      }
    }
    this.awaiting.push(t);
    if (this.awaiting.size > this.maxPending) {
      const oldest = this.awaiting.oldest;
      if (oldest) this.evict(oldest);
    }
    if (this.awaiting.size > this.maxPendingForMemory) {
      const oldest = this.awaiting.oldest;
      if (oldest) this.evict(oldest, true);
    }
  }

  /**
   * Finds the transaction a response belongs to. `path` is read from the response: client = its
   * destination, server = its sender.
   */
  matchResponse(path: DnsPath, id: number, question: DnsQuestion | null, answers: readonly DnsRecordKey[] = [], time = 0): ResponseMatch {
    if (path.transport === 'udp' && path.serverPort === MDNS_PORT && path.clientPort === MDNS_PORT) {
      return this.matchMdnsResponse(path, answers, time);
    }
    if (path.transport === 'udp' && isGroupAddress(path.clientAddress)) {
      // An mDNS answer sent to the group: whichever member asked, whoever answers.
      const bucket = this.byGroupPortAndId.get(pairKey(path.clientPort, id));
      for (let i = countOf(bucket) - 1; i >= 0; i--) {
        const t = at(bucket, i);
        if (t.serverAddress === path.clientAddress && compatible(t, question)) return this.found(t, true);
      }
      return NO_MATCH;
    }
    const bucket = this.byClientPortAndId.get(pairKey(path.clientPort, id));
    if (!bucket) return NO_MATCH;
    let sameKey: DnsTransaction | null = null;
    let otherServer: DnsTransaction | null = null;
    for (let i = countOf(bucket) - 1; i >= 0; i--) {
      const t = at(bucket, i);
      if (samePath(t, path)) {
        if (compatible(t, question)) return this.found(t, false);
        sameKey ??= t;
      } else if (
        otherServer === null && path.transport === 'udp' && t.transport === 'udp' &&
        t.clientAddress === path.clientAddress && compatible(t, question)
      ) {
        otherServer = t;
      }
    }
    // Sent from an address the query did not go to: matched by client ip:port and ID.
    if (otherServer) return this.found(otherServer, true);
    if (sameKey) return { kind: 'collision', transaction: sameKey };
    return NO_MATCH;
  }

  /**
   * An mDNS response: the newest query on 5353 asking for one of its answer records, sent to the
   * group or to this responder, within `timeout` of its latest (re)transmission, with the response
   * addressed to the group or to the querier. Unanswered queries are preferred over answered ones.
   */
  private matchMdnsResponse(path: DnsPath, answers: readonly DnsRecordKey[], time: number): ResponseMatch {
    let answered: DnsTransaction | null = null;
    for (const record of answers) {
      const bucket = this.byMdnsName.get(record.name.toLowerCase());
      for (let i = countOf(bucket) - 1; i >= 0; i--) {
        const t = at(bucket, i);
        if (t.question === null || !answersQuestion(t.question, record) || time - t.lastQueryTime > this.timeout) continue;
        if (!t.multicast && t.serverAddress !== path.serverAddress) continue;
        if (path.clientAddress !== t.clientAddress && !isGroupAddress(path.clientAddress)) continue;
        if (t.response === null) return this.found(t, t.serverAddress !== path.serverAddress);
        if (answered === null || answered.queryTime < t.queryTime) answered = t;
      }
    }
    return answered ? this.found(answered, answered.serverAddress !== path.serverAddress) : NO_MATCH;
  }

  /** The transaction got its first response: it no longer awaits one, but stays findable a while. */
  answered(t: DnsTransaction): void {
    if (this.awaiting.has(t)) this.awaiting.remove(t);
    if (t.transport === 'udp') remove(this.byPorts, pairKey(t.clientPort, t.serverPort), t);
    this.retained.push(t);
    if (this.retained.length - this.retainedHead > this.maxPending) this.forgetOldestRetained();
  }

  /**
   * An ICMP unreachable quoting a UDP datagram from client to server: the oldest awaiting,
   * not yet rejected transaction on that path whose query was sent by `time`. ICMP quotes only
   * 8 bytes past the IP header (RFC 792), so the DNS ID is not available to narrow it down.
   */
  rejectable(clientAddress: string, clientPort: number, serverAddress: string, serverPort: number, time: number): DnsTransaction | null {
    const bucket = this.byPorts.get(pairKey(clientPort, serverPort));
    for (let i = 0, n = countOf(bucket); i < n; i++) {
      const t = at(bucket, i);
      if (t.rejected === null && t.queryTime <= time && t.clientAddress === clientAddress && t.serverAddress === serverAddress) return t;
    }
    return null;
  }

  /** Transactions still indexed (awaiting, or answered and retained), for the end of the capture. */
  *remaining(): IterableIterator<DnsTransaction> {
    yield* this.awaiting.values();
    for (let i = this.retainedHead; i < this.retained.length; i++) yield this.retained[i];
  }

  /** Forgets answered transactions older than the retention time, at capture time `now`. */
  sweep(now: number): void {
    // Re-read the length each turn: forgetOldestRetained() may compact `retained` (issue 13's crash).
    while (this.retainedHead < this.retained.length) {
      const t = this.retained[this.retainedHead];
      if (t.response !== null && now - t.response.time <= this.retention) break;
      this.forgetOldestRetained();
    }
  }

  /** Drops a transaction from every index; counted when it was still awaiting a response. */
  private evict(t: DnsTransaction, forMemory = false): void {
    if (this.awaiting.has(t)) {
      this.awaiting.remove(t);
      if (forMemory) this.evictedForMemory += 1;
      else this.evicted += 1;
    }
    this.unindex(t);
    this.onForget?.(t);
  }

  private found(t: DnsTransaction, viaOtherAddress: boolean): ResponseMatch {
    return { kind: t.response === null ? 'answer' : 'duplicate', transaction: t, otherResponder: viaOtherAddress };
  }

  private forgetOldestRetained(): void {
    const t = this.retained[this.retainedHead];
    this.retainedHead += 1;
    if (t.response !== null) {
      this.unindex(t);
      this.onForget?.(t);
    }
    if (this.retainedHead > 1024 && this.retainedHead * 2 > this.retained.length) {
      this.retained = this.retained.slice(this.retainedHead);
      this.retainedHead = 0;
    }
  }

  private unindex(t: DnsTransaction): void {
    remove(this.byClientPortAndId, pairKey(t.clientPort, t.id), t);
    if (t.transport !== 'udp') return;
    remove(this.byPorts, pairKey(t.clientPort, t.serverPort), t);
    if (t.multicast) remove(this.byGroupPortAndId, pairKey(t.serverPort, t.id), t);
    if (isMdns(t)) remove(this.byMdnsName, mdnsKey(t), t);
  }
}

/** A UDP query to port 5353 with a question: indexed by name for mDNS responses. */
function isMdns(t: DnsTransaction): boolean {
  return t.transport === 'udp' && t.serverPort === MDNS_PORT && t.question !== null;
}

function mdnsKey(t: DnsTransaction): string {
  return lowerName(t.question as DnsQuestion);
}

/** The part of Map that the indexes use: IntMap for the numeric keys, Map for names. */
interface BucketIndex<K> {
  get(key: K): Bucket | undefined;
  set(key: K, bucket: Bucket): void;
  delete(key: K): boolean;
}

/**
 * Appends to a bucket. A bucket holds at most MAX_PER_KEY transactions, so that no message costs
 * more than that many comparisons whatever the capture holds (e.g. thousands of queries with one
 * ID and port); the oldest one that overflows is dropped from this bucket and returned.
 */
function push<K>(map: BucketIndex<K>, key: K, t: DnsTransaction): DnsTransaction | null {
  const bucket = map.get(key);
  if (bucket === undefined) {
    map.set(key, t);
    return null;
  }
  if (!Array.isArray(bucket)) {
    map.set(key, [bucket, t]);
    return null;
  }
  bucket.push(t);
  return bucket.length > MAX_PER_KEY ? (bucket.shift() ?? null) : null;
}

function remove<K>(map: BucketIndex<K>, key: K, t: DnsTransaction): void {
  const bucket = map.get(key);
  if (bucket === undefined) return;
  if (!Array.isArray(bucket)) {
    if (bucket === t) map.delete(key);
    return;
  }
  const i = bucket.indexOf(t);
  if (i >= 0) bucket.splice(i, 1);
  if (bucket.length === 0) map.delete(key);
}
