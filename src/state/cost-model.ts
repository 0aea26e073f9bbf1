/**
 * How many bytes of memory one ledger entry stands for, each figure with where it comes from.
 * The ledger multiplies these by the entries an endpoint holds; `bufferedByte` prices each byte an
 * entry must buffer. `--cost-model FILE.json` overrides any figure (parseCostModel).
 */
import { STATE_KINDS, type StateKind } from './events.js';
import type { CostModelReport } from '../model/endpoint.js';

export type CostKey = StateKind | 'bufferedByte';

export interface CostFigure {
  bytes: number;
  source: string;
}

export interface CostModel {
  name: string;
  entries: Record<CostKey, CostFigure>;
}

export const COST_KEYS: readonly CostKey[] = [...STATE_KINDS, 'bufferedByte'];

/**
 * Linux kernel slab object sizes for the TCP entries (what `slabtop` / `/proc/slabinfo` show on
 * x86-64 kernels of the 5.x/6.x series), and documented estimates for the user-space entries.
 */
export const LINUX_COST_MODEL: CostModel = {
  name: 'linux',
  entries: {
    tcpConnections: {
      bytes: 2304,
      source:
        "Linux slab cache 'TCP' (struct tcp_sock, one per socket in any state but SYN-RECEIVED and TIME-WAIT): " +
        '2.25K per object in slabtop, i.e. 2304 B (slabtop output quoted in uutils/procps PR #42)',
    },
    tcpTimeWait: {
      bytes: 280,
      source:
        "Linux slab cache 'tw_sock_TCP' (struct tcp_timewait_sock, the socket kept 2*MSL after an active close): " +
        '0.27K per object in slabtop, ~280 B (uutils/procps PR #42); older kernels 232-248 B ' +
        '(/proc/slabinfo in Lochnair/vyatta-wireguard#97, freifunk-gluon/gluon#1243)',
    },
    tcpHalfOpen: {
      bytes: 304,
      source:
        "Linux slab cache 'request_sock_TCP' (struct tcp_request_sock, a SYN-RECEIVED entry before accept): " +
        '0.30K per object in slabtop (uutils/procps PR #42); objsize 304 B in /proc/slabinfo (Lochnair/vyatta-wireguard#97)',
    },
    dnsPendingQueries: {
      bytes: 1088,
      source:
        'a UDP socket per outstanding query (resolvers send each query from its own random source port, RFC 5452 §9.2): ' +
        "Linux slab cache 'UDPv6' objsize 1088 B in the /proc/slabinfo of vel21ripn/nDPI#116 (1.31K on newer kernels, " +
        'uutils/procps PR #42); the query ID and question themselves are a few dozen bytes more',
    },
    dnsInFlight: {
      bytes: 512,
      source:
        'the query a server holds until it answers: at most 512 octets over UDP without EDNS (RFC 1035 §2.3.4), ' +
        "plus the client's address and port; allocator overhead not counted",
    },
    quicConnections: {
      bytes: 80000,
      source:
        'user-space QUIC connection state is tens of KiB: quic-go issue #2532 measured ~78 KiB (10,000 pointers = 80,000 B) ' +
        'per idle connection for its receive queue alone; picoquic issue #1189 reports ~7 KiB in its low-memory mode. ' +
        '80,000 B stands for an untuned server: override it for yours',
    },
    quicCids: {
      bytes: 64,
      source:
        'one connection-ID routing entry: a CID of up to 20 bytes (RFC 9000 §17.2) with its length and a connection ' +
        'pointer in a hash-table slot, ~64 B (estimate; allocator overhead not counted)',
    },
    bufferedByte: {
      bytes: 1,
      source:
        'each byte an endpoint must keep (unacknowledged data it sent, out-of-order data it received) counts once; ' +
        'buffer bookkeeping overhead not counted',
    },
  },
};

const MODEL_KEYS = ['name', 'entries'];
const FIGURE_KEYS = ['bytes', 'source'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCostKey(key: string): key is CostKey {
  return (COST_KEYS as readonly string[]).includes(key);
}

/**
 * Parses and validates a --cost-model file's JSON text. Every field is optional: missing figures
 * keep LINUX_COST_MODEL's; a figure whose bytes are overridden without a source gets "from <label>".
 * Shape: { "name"?: string, "entries"?: { "<kind>"?: { "bytes"?: number >= 0, "source"?: string } } }.
 * On any problem returns { error } naming the file and the offending key; never throws.
 */
export function parseCostModel(text: string, label: string): CostModel | { error: string } {
  const fail = (problem: string): { error: string } => ({ error: `cost model ${label}: ${problem}` });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return fail(`not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!isRecord(parsed)) return fail('must be a JSON object with "name" and "entries"');
  for (const key of Object.keys(parsed)) {
    if (!MODEL_KEYS.includes(key)) return fail(`unknown key '${key}' (expected ${MODEL_KEYS.join(', ')})`);
  }
  if (parsed.name !== undefined && (typeof parsed.name !== 'string' || parsed.name.trim() === '')) {
    return fail("key 'name' must be a non-empty string");
  }
  const entries = { ...LINUX_COST_MODEL.entries };
  let overridden = 0;
  if (parsed.entries !== undefined) {
    if (!isRecord(parsed.entries)) return fail("key 'entries' must be an object");
    for (const [kind, figure] of Object.entries(parsed.entries)) {
      if (!isCostKey(kind)) return fail(`unknown key 'entries.${kind}' (expected one of ${COST_KEYS.join(', ')})`);
      if (!isRecord(figure)) return fail(`key 'entries.${kind}' must be an object with "bytes" and "source"`);
      for (const field of Object.keys(figure)) {
        if (!FIGURE_KEYS.includes(field)) return fail(`unknown key 'entries.${kind}.${field}' (expected bytes, source)`);
      }
      const { bytes, source } = figure;
      if (bytes !== undefined && (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0)) {
        return fail(`key 'entries.${kind}.bytes' must be a non-negative number`);
      }
      if (source !== undefined && (typeof source !== 'string' || source.trim() === '')) {
        return fail(`key 'entries.${kind}.source' must be a non-empty string`);
      }
      const base = LINUX_COST_MODEL.entries[kind];
      entries[kind] = {
        bytes: bytes ?? base.bytes,
        source: source ?? (bytes === undefined ? base.source : `from ${label}`),
      };
      overridden++;
    }
  }
  const name = typeof parsed.name === 'string' ? parsed.name
    : overridden > 0 ? `${LINUX_COST_MODEL.name} with overrides from ${label}` : LINUX_COST_MODEL.name;
  return { name, entries };
}

/** The report's view of a model: same figures, plain record. */
export function costModelReport(model: CostModel): CostModelReport {
  const entries: CostModelReport['entries'] = {};
  for (const key of COST_KEYS) entries[key] = { bytes: model.entries[key].bytes, source: model.entries[key].source };
  return { name: model.name, entries };
}
