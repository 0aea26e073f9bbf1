/**
 * The state ledger: turns the trackers' hold/release/buffer events into, per endpoint, the state it
 * holds at every moment, its peaks, idle windows, verdict and what a restart would break.
 *
 * Contract:
 * - Events and ticks arrive in capture order. `tick(packet, time)` is called for every packet before
 *   its events; an event whose packet is newer than the last tick ticks by itself, so the ledger also
 *   works without ticks (idle windows and expiries are then only as exact as the events).
 * - Capture time never goes backwards here: a packet stamped earlier than its predecessor counts as
 *   simultaneous with it.
 * - Unknown refs in release/buffer, and non-finite or negative counts, are ignored or clamped: bad
 *   input is data, never an exception. `finish` may be called once; later calls return the same result.
 * - Memory: O(endpoints + live entries + timeline points), never O(packets); each call is O(1)
 *   amortized (O(log n) for expiry scheduling), except the one O(live) snapshot at --restart-at.
 *
 * Moments: an expiry (`until`) happens at exactly `until`, attributed to the last packet before it;
 * --restart-at N happens right after packet N; --restart-at +S at S seconds after the first packet
 * (after every packet stamped at or before it). A restart point past the end of the capture is
 * evaluated at the end.
 */
import type { AttemptReport, CostModelReport, EndpointReport, StateLossReport } from '../model/endpoint.js';
import { endpointString } from '../flow/endpoint.js';
import { costModelReport, entryCost, LINUX_COST_MODEL, type CostModel } from './cost-model.js';
import { EndpointLedger, KIND_INDEX, type EndpointLedgerOptions } from './endpoint-ledger.js';
import { entryKey, type EntryKey, type LiveEntry } from './entry.js';
import { STATE_KINDS, type StateKind, type BufferEvent, type EndpointRef, type EntryHandle, type HoldEvent, type ReleaseEvent, type StateSink } from './events.js';
import type { FlowEvidence, StateLossEvidence } from './evidence.js';
import { attemptReport, serverNames, stateLossReport } from './roles.js';
import { ExpiryQueue } from './expiry-queue.js';
import { noBreaks } from './restart-breaks.js';

export interface LedgerOptions {
  costModel?: CostModel;
  restartAt?: { packet: number } | { secondsAfterStart: number };
  /** Per endpoint, default 2000: beyond, the timeline is compressed (timelineCompressed) and only the longest idle windows are listed. */
  maxTimelinePoints?: number;
  /** Endpoints followed one by one, default 100 000; later ones share one row per role (see OVERFLOW_NAMES). */
  maxEndpoints?: number;
  /** Keep a timeline per kind of state for each endpoint (charts); default off. */
  kindTimelines?: boolean;
  /**
   * Bytes the endpoint rows of each role may take (--max-state-mb), at ENDPOINT_ROW_BYTES each:
   * beyond, later endpoints of that role share one row, as beyond maxEndpoints. Default: no byte cap.
   */
  maxStateBytes?: number;
}

export interface LedgerResult {
  endpoints: EndpointReport[];
  attempts: AttemptReport[];
  stateLoss: StateLossReport[];
  costModel: CostModelReport;
}

export const DEFAULT_MAX_TIMELINE_POINTS = 2000;
export const DEFAULT_MAX_ENDPOINTS = 100_000;

/**
 * Where endpoints beyond maxEndpoints are accounted: a flood from spoofed sources (or a scan of
 * many ports) must not cost memory per address, yet the state it makes endpoints hold still counts.
 */
export const OVERFLOW_NAMES = { client: '(other clients)', server: '(other servers)' } as const;

/**
 * Estimated heap of one endpoint row (its ledger, maps, timeline, idle windows, spans and evidence),
 * measured in a heap snapshot of 20,000 spoofed clients of a SYN flood, one connection each (V8,
 * 64-bit, pointer compression). An endpoint that holds many entries costs more; those are few.
 * Rows made their lists, maps and sets on first use since (a client of one SYN: 4.4 -> 2.9 KB);
 * the figure stays, because it sets where --max-state-mb starts sharing rows (the output).
 */
export const ENDPOINT_ROW_BYTES = 4096;

/** State-loss events kept (all are rare; a flood of resets must not grow memory without bound). */
export const MAX_STATE_LOSS = 10_000;

/**
 * An entry handle is its object's slot plus HANDLE_SLOTS for each earlier life of that slot (an
 * object reused, or a slot given to a new object): a stale handle never names a later entry. Slots
 * are objects alive at once, far fewer than 2^26 within any heap. A slot whose next handle would
 * pass 2^53 (exact integers) is retired.
 */
const HANDLE_SLOTS = 2 ** 26;
const SLOT_MASK = HANDLE_SLOTS - 1;
const LAST_HANDLE = Number.MAX_SAFE_INTEGER - HANDLE_SLOTS;

/**
 * Ended entries kept for reuse: a flood's entries live long enough to be copied by the young
 * generation's scavenges and promoted, and a new object per hold made that about 11% of the DNS
 * flood. Beyond this many, ended entries are left to the collector.
 */
const SPARE_ENTRIES = 65_536;

/** Heap size above which stale expiries (entries re-held or released since) are swept out. */
const EXPIRY_SWEEP_MIN = 1024;

/**
 * A canonical dotted-quad IPv4 address (what the decoder writes: four decimal octets, no leading
 * zeros) as its 32-bit value in an int32; NaN for any other text. Canonical text and value map
 * one to one, so the value can key what the text keyed.
 */
export function ipv4Value(text: string): number {
  const n = text.length;
  if (n < 7 || n > 15) return NaN;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) { // '.'
      if (digits === 0 || dots === 3) return NaN;
      value = (value << 8) | octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return NaN; // a leading zero
      octet = octet * 10 + (c - 48);
      if (octet > 255) return NaN;
      digits++;
    } else {
      return NaN;
    }
  }
  return dots === 3 && digits > 0 ? (value << 8) | octet : NaN;
}

/** The ref's address as AddressMap keys an IPv4 one (its int32 value), NaN for any other text. */
function addressValue(ref: EndpointRef): number {
  return ref.ipv4 !== undefined ? ref.ipv4 | 0 : ipv4Value(ref.address);
}

/** The two refs name the same address: by value when both carry it (no text read), else by text. */
function sameAddress(a: EndpointRef, b: EndpointRef): boolean {
  return a.ipv4 !== undefined && b.ipv4 !== undefined ? a.ipv4 === b.ipv4 : a.address === b.address;
}

/** Bits of AddressMap's filter of IPv4 values (2^18 bits: 32 KiB, which stays in the cache). */
const FILTER_BITS = 18;

/**
 * A Map by address that keys IPv4 addresses by number: V8's string hash crowds some sets of
 * addresses into few buckets (Node 20: 90-240 ns per lookup in a Map of the 16 384 clients
 * 10.0.0.1 onwards, 3 ns for 11.0.0.1 onwards; 7.5% of a SYN flood's run), and a number needs no
 * hashing of text at all.
 * In a flood nearly every address is new and misses (later ones share a row): a bit per hash of
 * the IPv4 addresses set tells most of them apart before the Map, whose buckets miss the cache
 * (a lookup was 7% of the SYN flood).
 */
class AddressMap<V> {
  private readonly ipv4 = new Map<number, V>();
  private readonly other = new Map<string, V>();
  private readonly filter = new Int32Array(1 << (FILTER_BITS - 5));

  get(ref: EndpointRef): V | undefined {
    const value = addressValue(ref);
    if (Number.isNaN(value)) return this.other.get(ref.address);
    const bit = filterBit(value);
    return (this.filter[bit >>> 5] & (1 << (bit & 31))) === 0 ? undefined : this.ipv4.get(value);
  }

  set(ref: EndpointRef, row: V): void {
    const value = addressValue(ref);
    if (Number.isNaN(value)) {
      this.other.set(ref.address, row);
      return;
    }
    const bit = filterBit(value);
    this.filter[bit >>> 5] |= 1 << (bit & 31);
    this.ipv4.set(value, row);
  }
}

/** An IPv4 value's bit in AddressMap's filter: the top bits of a multiplicative hash (spreads consecutive addresses). */
function filterBit(value: number): number {
  return Math.imul(value, 0x9e3779b1) >>> (32 - FILTER_BITS);
}

function endpointName(ref: EndpointRef): string {
  return ref.role === 'server' && ref.port !== null ? endpointString(ref.address, ref.port) : ref.address;
}

/** A server's key among those of its address: port and transport in one number (no string per event). */
function serverKey(ref: EndpointRef): number {
  const transport = ref.transport === 'tcp' ? 1 : ref.transport === 'udp' ? 2 : 0;
  return (ref.port ?? -1) * 4 + transport;
}

/** A count from a tracker: non-negative and finite, else 0. */
function nonNegative(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

export class StateLedger implements StateSink {
  private readonly model: CostModel;
  private readonly kindCosts: number[];
  private readonly timelineLimit: number;
  private readonly maxEndpoints: number;
  /** The shared endpoint per role once maxEndpoints were created. */
  private readonly overflow: { client: EndpointLedger | null; server: EndpointLedger | null } = { client: null, server: null };
  /** Endpoint rows allowed per role by maxStateBytes (Infinity without it). */
  private readonly rowsForMemory: number;
  /**
   * Rows per role: each role's rows are a table with its own budget, so that a flood of spoofed
   * clients does not fold the one server it attacks (first seen only when its flows end) into a shared row.
   */
  private readonly rowsByRole = { client: 0, server: 0 };
  /** The role's rows when the byte cap first shared a row, or null if it never did. */
  private rowsAtMemoryCap: number | null = null;
  private readonly restartAt: LedgerOptions['restartAt'] | undefined;
  private readonly kindTimelines: boolean;
  private restartTaken = false;
  /** Where --restart-at was evaluated, once restartTaken. */
  private takenAt: { packet: number | null; time: number | null } = { packet: null, time: null };

  /** Every endpoint in creation order; looked up without building a key string per event. */
  private readonly endpoints: EndpointLedger[] = [];
  /** Clients by address: IPv4 ones by number (see AddressMap), others by text. */
  private readonly clients = new AddressMap<EndpointLedger>();
  /** address -> serverKey(port, transport) -> endpoint. */
  private readonly servers = new AddressMap<Map<number, EndpointLedger>>();
  /** The row each role's last lookup found (events name the same endpoint in runs): no Map lookup then. */
  private lastClient: EndpointLedger | null = null;
  private lastServer: EndpointLedger | null = null;
  private lastServerKey = 0;
  private readonly losses: StateLossEvidence[] = [];
  /** The options object of each role's latest row (rows share it: one object fewer per row). */
  private readonly lastRowOptions: { client: EndpointLedgerOptions | null; server: EndpointLedgerOptions | null } = { client: null, server: null };
  private readonly expiries = new ExpiryQueue();
  /** Entry objects by slot (handle & SLOT_MASK); undefined where the slot is free. */
  private readonly bySlot: (LiveEntry | undefined)[] = [];
  /** Ended entries to reuse (they stay in their slots; see SPARE_ENTRIES). */
  private readonly spare: LiveEntry[] = [];
  /** The handles the free slots give their next objects. */
  private readonly freeHandles: number[] = [];
  /** Live entries that have an `until` (the valid part of the expiry heap). */
  private timedEntries = 0;
  /** Endpoints changed since the last settle: the first dirtyCount slots (reused, not reallocated per packet). */
  private readonly dirty: EndpointLedger[] = [];
  private dirtyCount = 0;

  /** Last packet ticked (0 before the first) and its (clamped) time. */
  private packet = 0;
  private time: number | null = null;
  private firstTime: number | null = null;
  private result: LedgerResult | null = null;

  constructor(options: LedgerOptions = {}) {
    this.model = options.costModel ?? LINUX_COST_MODEL;
    this.kindCosts = STATE_KINDS.map((kind) => entryCost(this.model, kind).bytes);
    this.timelineLimit = options.maxTimelinePoints ?? DEFAULT_MAX_TIMELINE_POINTS;
    this.maxEndpoints = Math.max(1, options.maxEndpoints ?? DEFAULT_MAX_ENDPOINTS);
    const budget = options.maxStateBytes;
    this.rowsForMemory = budget !== undefined && Number.isFinite(budget) ? Math.max(1, Math.floor(budget / ENDPOINT_ROW_BYTES)) : Infinity;
    this.restartAt = options.restartAt;
    this.kindTimelines = options.kindTimelines === true;
  }

  /** Diagnostics (tests, bench): live entries over all endpoints, and items in the expiry queue (live + stale). */
  get sizes(): { liveEntries: number; scheduledExpiries: number } {
    let liveEntries = 0;
    for (const endpoint of this.endpoints) liveEntries += endpoint.live.size;
    return { liveEntries, scheduledExpiries: this.expiries.size };
  }

  tick(packet: number, time: number): void {
    if (!(packet > this.packet)) return; // same packet again (or out of order): nothing to advance
    const stamped = Number.isFinite(time) ? time : (this.time ?? 0);
    if (this.firstTime === null) this.firstTime = stamped;
    const now = this.time === null ? stamped : Math.max(stamped, this.time);

    this.settleDirty();
    const plan = this.restartAt;
    if (plan !== undefined && !this.restartTaken && 'packet' in plan && plan.packet < packet) {
      // Right after packet N: the previous packet is the last one at or before N.
      this.takeRestart(this.packet > 0 ? this.packet : null, this.time ?? now);
    }
    this.expireUntil(now);
    this.packet = packet;
    this.time = now;
  }

  /** Returns the entry's handle (for bufferHeld): the same number as long as the entry lives. */
  hold(e: HoldEvent): EntryHandle {
    this.advance(e.packet, e.time);
    const endpoint = this.endpointFor(e.endpoint);
    const ref = e.ref;
    const key = entryKey(ref);
    const entry = endpoint.live.get(key);
    return this.holdEntry(endpoint, entry, key, ref.proto, ref.id, ref.part, e.kind, e.entries, e.until, e.packet, e.time);
  }

  /**
   * `hold` again of the ref a hold returned `handle` for, without a lookup or an event: its row and
   * key are the entry's (an address keeps its row for good), so this holds exactly what `hold` with
   * the same refs would. Null, holding nothing, once the entry was released or expired: the tracker
   * then holds with an event (the entry's object may already stand for another).
   */
  holdHeld(handle: EntryHandle, kind: StateKind, time: number, packet: number, until?: number, entries?: number): EntryHandle | null {
    this.advance(packet, time);
    const entry = this.liveEntry(handle);
    if (entry === undefined) return null;
    return this.holdEntry(entry.owner, entry, entry.key, entry.proto, entry.id, entry.part, kind, entries, until, packet, time);
  }

  /** The live entry `handle` names, or undefined once it ended. */
  private liveEntry(handle: EntryHandle): LiveEntry | undefined {
    const entry = this.bySlot[handle & SLOT_MASK];
    return entry !== undefined && entry.handle === handle && entry.live ? entry : undefined;
  }

  /** A hold at `endpoint` of the entry under `key` (`entry`: the live one, if any), its ref's fields given. */
  private holdEntry(endpoint: EndpointLedger, entry: LiveEntry | undefined, key: EntryKey, proto: string, id: number, part: number | undefined,
    kind: StateKind, count: number | undefined, until: number | undefined, packet: number, time: number): EntryHandle {
    const entries = count === undefined ? 1 : nonNegative(count);
    const created = entry === undefined;
    if (entry === undefined) {
      entry = this.newEntry(endpoint, key, proto, id, part, kind, entries);
      endpoint.addEntry(entry);
    } else {
      endpoint.changeEntry(entry, kind, entries);
    }
    // A hold's `until` replaces the previous one; a hold without one means "held until released".
    if (entry.until !== Infinity) this.timedEntries--;
    entry.generation = (entry.generation + 1) | 0; // an int32, as the expiry queue keeps it
    entry.until = until !== undefined && Number.isFinite(until) ? until : Infinity;
    if (entry.until !== Infinity) {
      this.timedEntries++;
      this.expiries.push(entry.until, entry, entry.generation);
      this.sweepExpiries();
    }
    endpoint.spans.onHold(entry, created, packet, this.time ?? time);
    this.markDirty(endpoint);
    return entry.handle as EntryHandle;
  }

  /** A live entry: an ended one reused when there is one, else a new object in a free slot. */
  private newEntry(endpoint: EndpointLedger, key: EntryKey, proto: string, id: number, part: number | undefined, kind: StateKind, entries: number): LiveEntry {
    const entry = this.spare.pop();
    if (entry === undefined) {
      const handle = this.freeHandles.pop() ?? this.bySlot.length;
      // The ref's fields are copied: a tracker may reuse its event objects.
      const made: LiveEntry = {
        owner: endpoint, key, proto, id, part, kind, kindIndex: KIND_INDEX[kind],
        entries, buffered: 0, until: Infinity, generation: 0, handle, live: true, span: null, changeMark: 0,
      };
      this.bySlot[handle & SLOT_MASK] = made;
      return made;
    }
    entry.owner = endpoint;
    entry.key = key;
    entry.proto = proto;
    entry.id = id;
    entry.part = part;
    entry.kind = kind;
    entry.kindIndex = KIND_INDEX[kind];
    entry.entries = entries;
    entry.buffered = 0;
    entry.until = Infinity;
    // generation goes on counting: the expiries of its earlier lives stay stale.
    entry.handle += HANDLE_SLOTS;
    entry.live = true;
    entry.span = null;
    entry.changeMark = 0;
    return entry;
  }

  /** An ended entry's object: kept for reuse, or its slot freed (the object left to the collector). */
  private recycle(entry: LiveEntry): void {
    const reusable = entry.handle <= LAST_HANDLE;
    if (reusable && this.spare.length < SPARE_ENTRIES) {
      this.spare.push(entry);
      return;
    }
    this.bySlot[entry.handle & SLOT_MASK] = undefined;
    if (reusable) this.freeHandles.push(entry.handle + HANDLE_SLOTS);
  }

  release(e: ReleaseEvent): void {
    this.advance(e.packet, e.time);
    const endpoint = this.lookup(e.endpoint);
    const entry = endpoint?.live.get(entryKey(e.ref));
    if (endpoint === undefined || entry === undefined) return; // never held, or already expired
    this.drop(entry, e.packet, null);
  }

  buffer(e: BufferEvent): void {
    this.advance(e.packet, e.time);
    const endpoint = this.lookup(e.endpoint);
    const entry = endpoint?.live.get(entryKey(e.ref));
    if (endpoint === undefined || entry === undefined) return; // bytes of an entry nobody holds
    endpoint.setBuffered(entry, nonNegative(e.bytes));
    this.markDirty(endpoint);
  }

  /** `buffer` through the handle a hold returned: no lookup, no event object. */
  bufferHeld(handle: EntryHandle, bytes: number, time: number, packet: number): void {
    this.advance(packet, time);
    const entry = this.liveEntry(handle);
    if (entry === undefined) return; // released or expired since: as for an unknown ref
    const endpoint = entry.owner;
    endpoint.setBuffered(entry, nonNegative(bytes));
    if (!endpoint.dirty) this.markDirty(endpoint);
  }

  /**
   * `release` through the handle a hold returned: no lookup, no event object. The handle names the
   * live entry its ref keys (every hold of a ref returns it while it lives), so this drops exactly
   * what `release` would find; once released or expired it is ignored, as an unknown ref is.
   */
  releaseHeld(handle: EntryHandle, time: number, packet: number): void {
    this.advance(packet, time);
    const entry = this.liveEntry(handle);
    if (entry === undefined) return;
    this.drop(entry, packet, null);
  }

  /** A tracker is done with a flow: what it showed goes to both ends (the server side creates the destination if new). */
  flow(e: FlowEvidence): void {
    this.endpointFor(e.client).evidence.add(e, 'client');
    this.endpointFor(e.server).evidence.add(e, 'server');
  }

  loss(e: StateLossEvidence): void {
    if (this.losses.length < MAX_STATE_LOSS) this.losses.push(e);
  }

  finish(endTime: number | null, endPacket: number | null): LedgerResult {
    if (this.result !== null) return this.result;
    const last = this.time ?? (endTime !== null && Number.isFinite(endTime) ? endTime : 0);
    const end = endTime !== null && Number.isFinite(endTime) ? Math.max(endTime, last) : last;
    const lastPacket = Math.max(this.packet, endPacket ?? 0);

    this.settleDirty();
    const plan = this.restartAt;
    if (plan !== undefined && !this.restartTaken && 'packet' in plan && plan.packet <= this.packet) {
      this.takeRestart(this.packet, this.time ?? end);
    }
    this.expireUntil(end);
    if (plan !== undefined && !this.restartTaken) this.takeRestart(lastPacket > 0 ? lastPacket : null, end);

    // Roles from evidence: a destination told of flows, none of which it answered, is an attempt.
    const isAttempt = (e: EndpointLedger): boolean => e.ref.role === 'server' && e !== this.overflow.server &&
      e.evidence.evidenced && e.evidence.answeredAt === null;
    const names = serverNames(this.endpoints);
    const nameOf = (e: EndpointLedger): string => names.get(e) ?? e.name;
    const acting = this.endpoints.filter((e) => !isAttempt(e));
    // Which addresses act in both roles (a resolver that forwards is a server and a client).
    const byAddress = new Map<string, EndpointLedger[]>();
    for (const endpoint of acting) {
      const list = byAddress.get(endpoint.ref.address);
      if (list === undefined) byAddress.set(endpoint.ref.address, [endpoint]);
      else list.push(endpoint);
    }
    const sorted = [...acting].sort((a, b) => b.peakByteCount - a.peakByteCount || a.order - b.order);
    const endpoints = sorted.map((endpoint) => {
      const others = (byAddress.get(endpoint.ref.address) ?? []).filter((o) => o.ref.role !== endpoint.ref.role);
      return endpoint.report(end, others.map(nameOf), nameOf(endpoint));
    });
    const attempts = this.endpoints.filter(isAttempt).map((e) => attemptReport(e, nameOf(e)))
      .sort((a, b) => (a.flows[0]?.packet ?? 0) - (b.flows[0]?.packet ?? 0));
    const stateLoss = [...this.losses].sort((a, b) => a.packet - b.packet).map((l) => {
      const known = this.lookup(l.endpoint);
      return stateLossReport(l, known !== undefined ? nameOf(known) : endpointName(l.endpoint));
    });
    this.result = { endpoints, attempts, stateLoss, costModel: costModelReport(this.model) };
    return this.result;
  }

  /** Events drive the clock when the pipeline did not tick their packet. */
  private advance(packet: number, time: number): void {
    if (packet > this.packet) this.tick(packet, time);
    else if (this.time === null && Number.isFinite(time)) this.time = this.firstTime = time;
  }

  /** A role's rows followed one by one when maxStateBytes first made later endpoints share a row; null if it never did. */
  get endpointRowsAtMemoryCap(): number | null {
    return this.rowsAtMemoryCap;
  }

  /** Endpoints beyond maxEndpoints: the roles whose later endpoints share one row. */
  get overflowed(): ('client' | 'server')[] {
    return (['client', 'server'] as const).filter((role) => this.overflow[role] !== null);
  }

  private lookup(ref: EndpointRef): EndpointLedger | undefined {
    let known: EndpointLedger | undefined;
    if (ref.role === 'server') {
      const key = serverKey(ref);
      const last = this.lastServer;
      if (last !== null && this.lastServerKey === key && sameAddress(last.ref, ref)) return last;
      known = this.servers.get(ref)?.get(key);
      if (known !== undefined) {
        this.lastServer = known;
        this.lastServerKey = key;
      }
    } else {
      const last = this.lastClient;
      if (last !== null && sameAddress(last.ref, ref)) return last;
      known = this.clients.get(ref);
      if (known !== undefined) this.lastClient = known;
    }
    return known ?? this.overflow[ref.role] ?? undefined;
  }

  private endpointFor(ref: EndpointRef): EndpointLedger {
    let endpoint = this.lookup(ref);
    const full = this.endpoints.length >= this.maxEndpoints;
    if (endpoint === undefined && (full || this.rowsByRole[ref.role] >= this.rowsForMemory)) {
      if (!full && this.rowsAtMemoryCap === null) this.rowsAtMemoryCap = this.rowsByRole[ref.role];
      const shared: EndpointRef = { role: ref.role, address: OVERFLOW_NAMES[ref.role], port: null };
      endpoint = this.newEndpoint(shared, OVERFLOW_NAMES[ref.role]);
      this.overflow[ref.role] = endpoint;
    } else if (endpoint === undefined) {
      endpoint = this.newEndpoint(ref, endpointName(ref));
      if (ref.role === 'client') this.clients.set(ref, endpoint);
      else {
        const ports = this.servers.get(ref);
        if (ports === undefined) this.servers.set(ref, new Map([[serverKey(ref), endpoint]]));
        else ports.set(serverKey(ref), endpoint);
      }
    }
    return endpoint;
  }

  private newEndpoint(ref: EndpointRef, name: string): EndpointLedger {
    const endpoint = new EndpointLedger(ref, name, this.endpoints.length, this.rowOptions(ref.role));
    this.endpoints.push(endpoint);
    this.rowsByRole[ref.role]++;
    // Created after --restart-at was evaluated: it held nothing then.
    if (this.restartTaken) endpoint.restart = { ...this.takenRestart(), breaks: noBreaks() };
    return endpoint;
  }

  /** The options of a new row of `role`: one object shared by the rows made since the capture's start was known. */
  private rowOptions(role: EndpointRef['role']): EndpointLedgerOptions {
    const captureStart = this.firstTime ?? this.time ?? 0;
    const last = this.lastRowOptions[role];
    if (last !== null && last.captureStart === captureStart) return last;
    const options: EndpointLedgerOptions = {
      kindCosts: this.kindCosts,
      bufferedByteCost: this.model.entries.bufferedByte.bytes,
      timelineLimit: this.timelineLimit,
      captureStart,
      // Clients answer --restart-at too (what a client restart breaks); only servers get the worst moment.
      restartAnalysis: role === 'server' || this.restartAt !== undefined,
      trackWorst: this.restartAt === undefined,
      kindTimelines: this.kindTimelines,
    };
    this.lastRowOptions[role] = options;
    return options;
  }

  /** The entry ends: released at `packet`, or expired at `expiredAt` (attributed to `packet`); its flow's span ends with it. */
  private drop(entry: LiveEntry, packet: number, expiredAt: number | null): void {
    const endpoint = entry.owner;
    if (entry.until !== Infinity) this.timedEntries--;
    entry.until = Infinity;
    endpoint.removeEntry(entry);
    this.markDirty(endpoint);
    endpoint.spans.onEnd(entry, packet, expiredAt);
    this.recycle(entry);
  }

  private markDirty(endpoint: EndpointLedger): void {
    if (endpoint.dirty) return;
    endpoint.dirty = true;
    if (this.dirtyCount < this.dirty.length) this.dirty[this.dirtyCount] = endpoint;
    else this.dirty.push(endpoint);
    this.dirtyCount++;
  }

  /** Settles every endpoint changed since the last settle, at the current packet and time. */
  private settleDirty(time: number | null = this.time): void {
    const count = this.dirtyCount;
    if (count === 0) return;
    const at = time ?? 0;
    const dirty = this.dirty;
    for (let i = 0; i < count; i++) {
      const endpoint = dirty[i];
      endpoint.dirty = false;
      endpoint.settle(at, this.packet);
    }
    this.dirtyCount = 0;
  }

  /** Expires every entry whose `until` is at or before `limit`, in time order, one settle per instant. */
  private expireUntil(limit: number): void {
    const plan = this.restartAt;
    const restartTime = plan !== undefined && 'secondsAfterStart' in plan && this.firstTime !== null
      ? this.firstTime + Math.max(0, nonNegative(plan.secondsAfterStart)) : null;
    const expiries = this.expiries;
    for (;;) {
      const instant = expiries.nextUntil;
      if (expiries.size === 0 || instant > limit) break;
      if (restartTime !== null && !this.restartTaken && instant > restartTime) this.takeRestart(this.packetOrNull(), restartTime);
      while (expiries.size > 0 && expiries.nextUntil === instant) {
        const entry = expiries.nextEntry;
        const generation = expiries.nextGeneration;
        expiries.pop();
        if (!entry.live || entry.generation !== generation) continue; // re-held or released since
        this.drop(entry, this.packet, instant);
      }
      this.settleDirty(Math.max(instant, this.time ?? instant));
    }
    if (restartTime !== null && !this.restartTaken && restartTime < limit) this.takeRestart(this.packetOrNull(), restartTime);
  }

  private packetOrNull(): number | null {
    return this.packet > 0 ? this.packet : null;
  }

  private takenRestart(): { at: { packet: number | null; time: number | null }; basis: 'requested' } {
    return { at: { ...this.takenAt }, basis: 'requested' };
  }

  /** --restart-at: what each endpoint, server or client, would lose now. O(live entries), once. */
  private takeRestart(packet: number | null, time: number): void {
    this.restartTaken = true;
    this.takenAt = { packet, time };
    for (const endpoint of this.endpoints) {
      endpoint.restart = { ...this.takenRestart(), breaks: endpoint.breaksNow() };
    }
  }

  /** Keeps the expiry heap O(live timed entries): sweeps out stale items when they dominate. */
  private sweepExpiries(): void {
    const size = this.expiries.size;
    if (size < EXPIRY_SWEEP_MIN || size < 2 * this.timedEntries + EXPIRY_SWEEP_MIN) return;
    this.expiries.retain((entry, generation) => entry.live && entry.generation === generation);
  }
}
