/**
 * The registered trackers: the one list of protocols. The pipeline offers each TCP, UDP or ICMP
 * packet to them in this order until one claims it (DNS before QUIC before the catch-all UDP
 * flows), and every report view and `check` iterates over this list; the ledger, the cost model
 * and the verdicts read the kinds of state the modules declare (model/state-kind.ts). Adding a
 * protocol: a folder with its module.ts (see track/tracker.ts) and one line in BUILT_IN.
 */
import type { TrackerModule } from './tracker.js';
import { registerStateKinds } from '../model/state-kind.js';
import { TCP_MODULE } from './tcp/module.js';
import { DNS_MODULE } from './dns/module.js';
import { QUIC_MODULE } from './quic/module.js';
import { UDP_MODULE } from './udp/module.js';
import { ICMP_MODULE } from './icmp/module.js';
import { HTTP_MODULE } from './http/module.js';

const BUILT_IN = [
  TCP_MODULE,
  DNS_MODULE,
  QUIC_MODULE,
  UDP_MODULE,
  ICMP_MODULE,
  HTTP_MODULE,
] as const;

/** Any registered module, for code that iterates (sections are then read by name). */
export type AnyTrackerModule = TrackerModule<string, unknown>;

/** The registered modules, in order (live: registerTracker adds to it). */
export const TRACKERS: readonly AnyTrackerModule[] = [];

const listeners: (() => void)[] = [];

/** Calls `listener` after every registration and unregistration (e.g. `check` rebuilds its metric list). */
export function onTrackersChanged(listener: () => void): void {
  listeners.push(listener);
}

/**
 * Registers a tracker module: its kinds of state join the ledger, the cost model and the verdicts,
 * its section the report and its metrics `check`. It goes last, or just before the tracker named
 * `before` (a tracker of some UDP protocol must come before the catch-all `udp`, which claims every
 * datagram left). For library users and tests; call it before an analysis, not during one. Throws
 * (a programmer error) on a name already registered, an unknown `before`, or a kind another tracker
 * declares. Returns the function that unregisters it.
 */
export function registerTracker<Name extends string, Section>(module: TrackerModule<Name, Section>, options: { before?: string } = {}): () => void {
  const list = TRACKERS as AnyTrackerModule[];
  if (list.some((m) => m.name === module.name)) throw new Error(`a tracker named "${module.name}" is already registered`);
  const at = options.before === undefined ? list.length : list.findIndex((m) => m.name === options.before);
  if (at < 0) throw new Error(`registerTracker: no tracker named "${options.before}" to go before`);
  const forgetKinds = registerStateKinds(module.name, module.stateKinds, module.conversationWords);
  const entry = module as unknown as AnyTrackerModule;
  list.splice(at, 0, entry);
  for (const listener of listeners) listener();
  return () => {
    const i = list.indexOf(entry);
    if (i >= 0) list.splice(i, 1);
    forgetKinds();
    for (const listener of listeners) listener();
  };
}

for (const m of BUILT_IN as readonly AnyTrackerModule[]) registerTracker(m);

type SectionOf<M> = M extends TrackerModule<string, infer S> ? S : never;

/** One report section per built-in tracker, named after it. */
export type TrackerSections = { [M in (typeof BUILT_IN)[number] as M['name']]: SectionOf<M> };
