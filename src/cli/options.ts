/** Turns command-line option values into AnalyzeOptions, rejecting bad values with one-line messages. */
import { readFileSync } from 'node:fs';
import type { AnalyzeOptions } from '../pipeline.js';
import { parseCostModel } from '../state/cost-model.js';
import { TRACKERS, type AnyTrackerModule } from '../track/registry.js';
import { compileFilter } from '../filter/match.js';
import { FilterSyntaxError } from '../filter/expression.js';

/** A bad option value: the CLI prints the message and exits 2. */
export class UsageError extends Error {}

export interface CommonOptionValues {
  dnsPort?: string[];
  dnsTimeout?: string;
  timeWait?: string;
  costModel?: string;
  restartAt?: string;
  checksums?: string;
  maxFlows?: string;
  maxFragments?: string;
  maxPendingDns?: string;
  maxQuicConnections?: string;
  maxStateMb?: string;
  maxRecords?: string;
  maxEndpoints?: string;
  reader?: string;
  trackerOption?: string[];
  filter?: string;
}

function number(name: string, text: string, { min = 0, integer = false, max = Number.MAX_SAFE_INTEGER } = {}): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new UsageError(`option ${name}: '${text}' is not ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
  }
  return value;
}

/** A whole number option value from `min`, or a UsageError. */
export function wholeNumber(name: string, text: string, min = 0): number {
  return number(name, text, { min, integer: true });
}

export function toAnalyzeOptions(v: CommonOptionValues): AnalyzeOptions {
  const o: AnalyzeOptions = {};
  if (v.dnsPort) o.dnsPorts = v.dnsPort.flatMap((p) => p.split(',')).map((p) => number('--dns-port', p, { min: 1, max: 65535, integer: true }));
  if (v.dnsTimeout !== undefined) o.dnsTimeout = number('--dns-timeout', v.dnsTimeout);
  if (v.timeWait !== undefined) o.timeWait = number('--time-wait', v.timeWait);
  if (v.checksums !== undefined) {
    if (v.checksums !== 'ignore' && v.checksums !== 'verify') throw new UsageError(`option --checksums: '${v.checksums}' is not ignore or verify`);
    o.checksums = v.checksums;
  }
  if (v.reader !== undefined) {
    if (v.reader !== 'pcap-parser' && v.reader !== 'builtin') throw new UsageError(`option --reader: '${v.reader}' is not pcap-parser or builtin`);
    o.reader = v.reader;
  }
  if (v.restartAt !== undefined) {
    const t = v.restartAt.trim();
    o.restartAt = t.startsWith('+')
      ? { secondsAfterStart: number('--restart-at', t.slice(1)) }
      : { packet: number('--restart-at', t, { min: 1, integer: true }) };
  }
  if (v.filter !== undefined) {
    try {
      o.filter = { expression: v.filter, match: compileFilter(v.filter) };
    } catch (e) {
      if (e instanceof FilterSyntaxError) throw new UsageError(`--filter "${v.filter}": ${e.message}`);
      throw e;
    }
  }
  if (v.maxFlows !== undefined) o.maxFlows = number('--max-flows', v.maxFlows, { min: 1, integer: true });
  if (v.maxFragments !== undefined) o.maxFragments = number('--max-fragments', v.maxFragments, { min: 1, integer: true });
  if (v.maxPendingDns !== undefined) o.maxPendingDns = number('--max-pending-dns', v.maxPendingDns, { min: 1, integer: true });
  if (v.maxQuicConnections !== undefined) o.maxQuicConnections = number('--max-quic-connections', v.maxQuicConnections, { min: 1, integer: true });
  if (v.maxStateMb !== undefined) o.maxStateMb = number('--max-state-mb', v.maxStateMb, { min: 1, max: 1_000_000, integer: true });
  if (v.maxEndpoints !== undefined) o.maxEndpoints = number('--max-endpoints', v.maxEndpoints, { min: 1, integer: true });
  if (v.maxRecords !== undefined) o.maxRecords = number('--max-records', v.maxRecords, { min: 0, integer: true });
  if (v.trackerOption !== undefined && v.trackerOption.length > 0) {
    const known = new Map((TRACKERS as readonly AnyTrackerModule[]).flatMap((m) => Object.keys(m.options ?? {}).map((name) => [name, m] as const)));
    o.trackerOptions = {};
    for (const pair of v.trackerOption) {
      const [name, value] = pair.split('=', 2);
      if (!known.has(name) || value === undefined) {
        throw new UsageError(`option --tracker-option: '${pair}' is not name=value with name one of ${[...known.keys()].join(', ')}`);
      }
      o.trackerOptions[name] = number(`--tracker-option ${name}`, value, { min: name.startsWith('max') ? 1 : 0, integer: name.startsWith('max') });
    }
  }
  if (v.costModel !== undefined) {
    let text: string;
    try {
      text = readFileSync(v.costModel, 'utf8');
    } catch (e) {
      throw new UsageError(`${v.costModel}: cannot read cost model (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const model = parseCostModel(text, v.costModel);
    if ('error' in model) throw new UsageError(model.error);
    o.costModel = model;
  }
  return o;
}
