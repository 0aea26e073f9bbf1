/**
 * --max-state-mb: each live table (TCP flows, pending DNS queries, QUIC connections, HTTP connections) is capped by
 * the memory its entries are estimated to take, not only by their number, as Suricata's memcaps
 * do. The estimates are per entry, measured in heap snapshots of the bench floods (V8, 64-bit,
 * pointer compression): what one entry keeps alive in its tracker and table, and the ledger entry
 * it holds. A table whose estimate would pass the budget evicts its least recently seen entries,
 * counted apart from the entry caps' evictions.
 */

export const BYTES_PER_MB = 1 << 20;

/** Default --max-state-mb: keeps each of the bench's 1 M-packet floods under 1 GB of peak RSS. */
export const DEFAULT_MAX_STATE_MB = 64;

/** The byte budget of one table: entries charge their estimate when created or grown, refund it when dropped. */
export class MemoryBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  /** Megabytes to bytes (a whole number; the CLI checks the range). */
  static ofMegabytes(mb: number): MemoryBudget {
    return new MemoryBudget(Math.floor(mb * BYTES_PER_MB));
  }

  get bytes(): number {
    return this.used;
  }

  /** Would `more` bytes pass the budget? */
  exceededBy(more: number): boolean {
    return this.used + more > this.limit;
  }

  charge(bytes: number): void {
    this.used += bytes;
  }

  refund(bytes: number): void {
    this.used -= bytes;
  }
}
