/**
 * Which QUIC connections use each UDP 4-tuple (a path, RFC 9000 §9). Several connections may
 * share one 4-tuple; short-header packets are matched against the CIDs of the path's connections
 * first, and a 4-tuple that has carried QUIC makes its unmatched short headers "unattributed"
 * rather than "not QUIC". Keys come from flow/endpoint.ts `conversationKey` (same both directions).
 */

/** Bound on connections remembered per 4-tuple; the oldest is forgotten first. */
const MAX_CONNECTIONS_PER_PATH = 256;

export class PathTable<C> {
  private readonly paths = new Map<string, C[]>();

  /** Connections on `key`, oldest first (empty when the 4-tuple never carried QUIC). */
  get(key: string): readonly C[] {
    return this.paths.get(key) ?? [];
  }

  has(key: string): boolean {
    return this.paths.has(key);
  }

  /** Records that `conn` uses `key` (idempotent). */
  add(key: string, conn: C): void {
    let list = this.paths.get(key);
    if (!list) {
      list = [];
      this.paths.set(key, list);
    }
    if (list.includes(conn)) return;
    if (list.length >= MAX_CONNECTIONS_PER_PATH) list.shift();
    list.push(conn);
  }

  /** Forgets `conn` on `key`; the path is forgotten with its last connection. */
  remove(key: string, conn: C): void {
    const list = this.paths.get(key);
    if (!list) return;
    const i = list.indexOf(conn);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.paths.delete(key);
  }

  get size(): number {
    return this.paths.size;
  }
}
