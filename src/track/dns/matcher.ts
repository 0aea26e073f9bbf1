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
 *
 * Memory is bounded: at most `maxPending` transactions await a response (the oldest is evicted
 * and counted), and answered ones stay findable for duplicates only for `retention` seconds of
 * capture time (and at most `maxPending` of them).
 */
import { sameQuestion, type DnsQuestion } from './message.js';
import type { DnsTransaction, DnsTransport } from './transaction.js';

/** Where a message travels, seen from the DNS client and server of its transaction. */
export interface DnsPath {
  transport: DnsTransport;
  /** TCP flow id; -1 for UDP. */
  flowId: number;
  clientAddress: string;
  clientPort: number;
  serverAddress: string;
  serverPort: number;
}

export type QueryMatch = { kind: 'retransmission'; transaction: DnsTransaction } | { kind: 'new'; idReused: boolean };

export type ResponseMatch =
  | { kind: 'answer' | 'duplicate'; transaction: DnsTransaction; otherResponder: boolean }
  | { kind: 'collision'; transaction: DnsTransaction }
  | { kind: 'none' };

export interface DnsMatcherOptions {
  timeout: number;
  maxPending: number;
  /** Seconds an answered transaction stays findable for duplicate responses. */
  retention: number;
}

/** IPv4 multicast 224.0.0.0/4 and limited broadcast; IPv6 multicast ff00::/8 (RFC 4291 §2.7). */
export function isGroupAddress(address: string): boolean {
  if (address.includes(':')) return address.toLowerCase().startsWith('ff');
  if (address === '255.255.255.255') return true;
  const first = Number(address.slice(0, address.indexOf('.')));
  return first >= 224 && first <= 239;
}

// One function per key shape (STYLE practice 7): nothing else builds these strings.
function exactKey(p: DnsPath, id: number): string {
  return `${p.transport}|${p.flowId}|${p.clientAddress}|${p.clientPort}|${p.serverAddress}|${p.serverPort}|${id}`;
}
function clientKey(address: string, port: number, id: number): string {
  return `${address}|${port}|${id}`;
}
function groupKey(group: string, port: number, id: number): string {
  return `${group}|${port}|${id}`;
}
function pathKey(clientAddress: string, clientPort: number, serverAddress: string, serverPort: number): string {
  return `${clientAddress}|${clientPort}|${serverAddress}|${serverPort}`;
}

function compatible(a: DnsQuestion | null, b: DnsQuestion | null): boolean {
  return a === null || b === null || sameQuestion(a, b);
}

export class DnsMatcher {
  /** Transactions evicted while still awaiting a response (their responses become unsolicited). */
  evicted = 0;
  private readonly timeout: number;
  private readonly maxPending: number;
  private readonly retention: number;
  /** exact key -> transactions, oldest first (awaiting and recently answered). */
  private readonly byKey = new Map<string, DnsTransaction[]>();
  /** UDP client ip|port|id -> transactions, for responses from another address. */
  private readonly byClient = new Map<string, DnsTransaction[]>();
  /** group|port|id -> multicast/broadcast transactions. */
  private readonly byGroup = new Map<string, DnsTransaction[]>();
  /**
   * UDP client|port|server|port -> transactions, for ICMP errors (which quote no DNS ID). Answered
   * ones are skipped there and removed with the rest of their entries (oldest first, so `remove`
   * finds them near the front of their bucket).
   */
  private readonly byPath = new Map<string, DnsTransaction[]>();
  /** Awaiting a response, oldest first (a Set keeps insertion order): the eviction queue. */
  private readonly awaiting = new Set<DnsTransaction>();
  /** Answered and still findable, in answer order; `retainedHead` is the first live slot. */
  private retained: DnsTransaction[] = [];
  private retainedHead = 0;

  constructor(options: DnsMatcherOptions) {
    this.timeout = options.timeout;
    this.maxPending = Math.max(1, options.maxPending);
    this.retention = options.retention;
  }

  get pending(): number {
    return this.awaiting.size;
  }

  /** Is this query a retransmission of an outstanding transaction, or the start of a new one? */
  matchQuery(path: DnsPath, id: number, question: DnsQuestion | null, time: number): QueryMatch {
    const bucket = this.byKey.get(exactKey(path, id));
    let idReused = false;
    if (bucket) {
      for (let i = bucket.length - 1; i >= 0; i--) {
        const t = bucket[i];
        if (t.response !== null || time - t.queryTime >= this.timeout) continue;
        if (compatible(t.question, question)) return { kind: 'retransmission', transaction: t };
        idReused = true;
      }
    }
    return { kind: 'new', idReused };
  }

  /** Indexes a new transaction. Returns the transaction evicted to make room, if any. */
  add(t: DnsTransaction): DnsTransaction | null {
    push(this.byKey, exactKey(t, t.id), t);
    if (t.transport === 'udp') {
      push(this.byClient, clientKey(t.clientAddress, t.clientPort, t.id), t);
      push(this.byPath, pathKey(t.clientAddress, t.clientPort, t.serverAddress, t.serverPort), t);
      if (t.multicast) push(this.byGroup, groupKey(t.serverAddress, t.serverPort, t.id), t);
    }
    this.awaiting.add(t);
    if (this.awaiting.size <= this.maxPending) return null;
    const oldest = this.awaiting.values().next().value as DnsTransaction;
    this.awaiting.delete(oldest);
    this.unindex(oldest);
    this.evicted += 1;
    return oldest;
  }

  /**
   * Finds the transaction a response belongs to. `path` is read from the response: client = its
   * destination, server = its sender.
   */
  matchResponse(path: DnsPath, id: number, question: DnsQuestion | null): ResponseMatch {
    if (path.transport === 'udp' && isGroupAddress(path.clientAddress)) {
      // An mDNS answer sent to the group: whichever member asked, whoever answers.
      const found = newestCompatible(this.byGroup.get(groupKey(path.clientAddress, path.clientPort, id)), question);
      return found ? this.found(found, true) : { kind: 'none' };
    }
    const bucket = this.byKey.get(exactKey(path, id));
    const exact = newestCompatible(bucket, question);
    if (exact) return this.found(exact, false);
    if (path.transport === 'udp') {
      const other = newestCompatible(this.byClient.get(clientKey(path.clientAddress, path.clientPort, id)), question);
      if (other) return this.found(other, true);
    }
    if (bucket && bucket.length > 0) return { kind: 'collision', transaction: bucket[bucket.length - 1] };
    return { kind: 'none' };
  }

  /** The transaction got its first response: it no longer awaits one, but stays findable a while. */
  answered(t: DnsTransaction): void {
    this.awaiting.delete(t);
    this.retained.push(t);
    if (this.retained.length - this.retainedHead > this.maxPending) this.forgetOldestRetained();
  }

  /**
   * An ICMP unreachable quoting a UDP datagram from client to server: the oldest awaiting,
   * not yet rejected transaction on that path whose query was sent by `time`. ICMP quotes only
   * 8 bytes past the IP header (RFC 792), so the DNS ID is not available to narrow it down.
   */
  rejectable(clientAddress: string, clientPort: number, serverAddress: string, serverPort: number, time: number): DnsTransaction | null {
    const bucket = this.byPath.get(pathKey(clientAddress, clientPort, serverAddress, serverPort));
    if (!bucket) return null;
    for (const t of bucket) {
      if (t.response === null && t.rejected === null && t.queryTime <= time) return t;
    }
    return null;
  }

  /** Forgets answered transactions older than the retention time, at capture time `now`. */
  sweep(now: number): void {
    const limit = this.retained.length;
    while (this.retainedHead < limit) {
      const t = this.retained[this.retainedHead];
      if (t.response !== null && now - t.response.time <= this.retention) break;
      this.forgetOldestRetained();
    }
  }

  private found(t: DnsTransaction, viaOtherAddress: boolean): ResponseMatch {
    return { kind: t.response === null ? 'answer' : 'duplicate', transaction: t, otherResponder: viaOtherAddress };
  }

  private forgetOldestRetained(): void {
    const t = this.retained[this.retainedHead];
    this.retainedHead += 1;
    if (t.response !== null) this.unindex(t);
    if (this.retainedHead > 1024 && this.retainedHead * 2 > this.retained.length) {
      this.retained = this.retained.slice(this.retainedHead);
      this.retainedHead = 0;
    }
  }

  private unindex(t: DnsTransaction): void {
    remove(this.byKey, exactKey(t, t.id), t);
    if (t.transport !== 'udp') return;
    remove(this.byClient, clientKey(t.clientAddress, t.clientPort, t.id), t);
    remove(this.byPath, pathKey(t.clientAddress, t.clientPort, t.serverAddress, t.serverPort), t);
    if (t.multicast) remove(this.byGroup, groupKey(t.serverAddress, t.serverPort, t.id), t);
  }
}

function newestCompatible(bucket: DnsTransaction[] | undefined, question: DnsQuestion | null): DnsTransaction | null {
  if (!bucket) return null;
  for (let i = bucket.length - 1; i >= 0; i--) {
    if (compatible(bucket[i].question, question)) return bucket[i];
  }
  return null;
}

function push(map: Map<string, DnsTransaction[]>, key: string, t: DnsTransaction): void {
  const bucket = map.get(key);
  if (bucket) bucket.push(t);
  else map.set(key, [t]);
}

function remove(map: Map<string, DnsTransaction[]>, key: string, t: DnsTransaction): void {
  const bucket = map.get(key);
  if (!bucket) return;
  const at = bucket.indexOf(t);
  if (at >= 0) bucket.splice(at, 1);
  if (bucket.length === 0) map.delete(key);
}
