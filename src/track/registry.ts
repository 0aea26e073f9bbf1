/**
 * The registered trackers: the one list of protocols. The pipeline offers each TCP, UDP or ICMP
 * packet to them in this order until one claims it (DNS before QUIC before the catch-all UDP
 * flows), and every report view iterates over this list. Adding a protocol: a folder with its
 * module.ts (see track/tracker.ts) and one line here.
 */
import type { TrackerModule } from './tracker.js';
import { TCP_MODULE } from './tcp/module.js';
import { DNS_MODULE } from './dns/module.js';
import { QUIC_MODULE } from './quic/module.js';

export const TRACKERS = [
  TCP_MODULE,
  DNS_MODULE,
  QUIC_MODULE,
] as const;

/** Any registered module, for code that iterates (sections are then read by name). */
export type AnyTrackerModule = TrackerModule<string, unknown>;

type SectionOf<M> = M extends TrackerModule<string, infer S> ? S : never;

/** One report section per registered tracker, named after it. */
export type TrackerSections = { [M in (typeof TRACKERS)[number] as M['name']]: SectionOf<M> };
