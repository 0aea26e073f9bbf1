/**
 * How many bytes of memory one ledger entry stands for, each figure with where it comes from.
 * The ledger multiplies these by the entries an endpoint holds; `bufferedByte` prices each byte an
 * entry must buffer. Each tracker module declares the figures of its own kinds (`stateKinds[].cost`);
 * `--cost-model FILE.json` overrides any figure (parseCostModel).
 */
import { catalogueVersion, stateKindSpecs, STATE_KINDS, type StateKind } from '../model/state-kind.js';
import type { CostModelReport } from '../model/endpoint.js';

/** A registered kind, or 'bufferedByte'. */
export type CostKey = StateKind;

export interface CostFigure {
  bytes: number;
  source: string;
}

export interface CostModel {
  name: string;
  entries: Record<CostKey, CostFigure>;
}

const BUFFERED_BYTE: CostFigure = {
  bytes: 1,
  source:
    'each byte an endpoint must keep (unacknowledged data it sent, out-of-order data it received) counts once; ' +
    'buffer bookkeeping overhead not counted',
};

/** Every key a cost model prices: the registered kinds in order, then 'bufferedByte'. */
export function costKeys(): CostKey[] {
  return [...STATE_KINDS, 'bufferedByte'];
}

let cached: { version: number; entries: Record<CostKey, CostFigure> } | null = null;

/** The declared figures of the registered kinds (rebuilt only when a tracker registers). */
function declaredEntries(): Record<CostKey, CostFigure> {
  if (cached === null || cached.version !== catalogueVersion()) {
    const entries: Record<CostKey, CostFigure> = {};
    for (const k of stateKindSpecs()) entries[k.kind] = { bytes: k.cost.bytes, source: k.cost.source };
    entries.bufferedByte = BUFFERED_BYTE;
    cached = { version: catalogueVersion(), entries };
  }
  return cached.entries;
}

/**
 * The default model: the figures the trackers declare (Linux kernel slab object sizes for the TCP
 * and UDP socket entries, documented estimates for user-space entries). `entries` follows the
 * registry, so a tracker registered later is priced too.
 */
export const LINUX_COST_MODEL: CostModel = {
  name: 'linux',
  get entries() {
    return declaredEntries();
  },
};

/** A model's figure for a kind; a kind the model predates (a tracker registered after it was parsed) costs what its tracker declares. */
export function entryCost(model: CostModel, kind: CostKey): CostFigure {
  return model.entries[kind] ?? declaredEntries()[kind];
}

const MODEL_KEYS = ['name', 'entries'];
const FIGURE_KEYS = ['bytes', 'source'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCostKey(key: string): key is CostKey {
  return costKeys().includes(key);
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
      if (!isCostKey(kind)) return fail(`unknown key 'entries.${kind}' (expected one of ${costKeys().join(', ')})`);
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
  for (const key of costKeys()) {
    const figure = entryCost(model, key);
    entries[key] = { bytes: figure.bytes, source: figure.source };
  }
  return { name: model.name, entries };
}
