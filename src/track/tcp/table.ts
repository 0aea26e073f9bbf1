/**
 * The live flow table: finds a flow from either direction's 4-tuple (by the decoder's numeric
 * address keys, see ../tuple-index.ts), and picks one to evict when the table is full.
 */
import type { IpLayer } from '../../decode/packet.js';
import { LazyQueue } from '../lazy-queue.js';
import { TupleIndex, type TupleEntry } from '../tuple-index.js';

export interface TableEntry<F> extends TupleEntry<F> {
  readonly clientPort: number;
  readonly serverPort: number;
  /** Seen again since the eviction hand last passed it (CLOCK approximation of LRU). */
  touched: boolean;
  /** In the table (false once deleted; the eviction queue skips it then). */
  listed: boolean;
}

export class FlowTable<F extends TableEntry<F>> {
  private readonly index = new TupleIndex<F>();
  /** Flows in the order the eviction hand passes them. */
  private readonly clock = new LazyQueue<F>((f) => f.listed);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The flow of the packet with this IP layer and these ports, in either direction. */
  get(ip: IpLayer, srcPort: number, dstPort: number): F | undefined {
    return this.index.get(ip, srcPort, dstPort);
  }

  add(flow: F): void {
    this.index.add(flow);
    flow.listed = true;
    this.clock.push(flow);
    this.count++;
  }

  delete(flow: F): void {
    if (!this.index.delete(flow)) return;
    flow.listed = false;
    this.count--;
    this.clock.removed(this.count);
  }

  values(): IterableIterator<F> {
    return this.index.values();
  }

  /**
   * A least recently seen flow to evict (CLOCK): the hand passes flows in insertion order; a flow
   * seen since the hand last passed it gets a second chance (back of the queue, mark cleared). Each
   * flow is passed at most twice, so the walk is bounded. The caller deletes the flow returned.
   */
  victim(): F | undefined {
    for (let i = 0, bound = this.count * 2; i <= bound; i++) {
      const f = this.clock.shift();
      if (f === undefined) return undefined;
      if (!f.touched) return f;
      f.touched = false;
      this.clock.push(f);
    }
    return this.clock.shift();
  }

  clear(): void {
    for (const f of this.values()) f.listed = false;
    this.index.clear();
    this.clock.clear();
    this.count = 0;
  }
}
