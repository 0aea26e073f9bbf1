/**
 * Times in tables, as --time asks: seconds since the capture's first packet (tshark's default
 * view) or absolute UTC.
 */
import { formatTime } from './format.js';
import type { SectionOptions } from './layout.js';

/** "Start (s)" for relative times, "Start (UTC)" for absolute ones. */
export function startHeader(opts: Pick<SectionOptions, 'time'>): string {
  return opts.time === 'absolute' ? 'Start (UTC)' : 'Start (s)';
}

/** "0.025400" seconds after the first packet (microseconds, as tshark), or ISO 8601 UTC. */
export function formatStart(time: number, opts: Pick<SectionOptions, 'time' | 'origin'>): string {
  if (opts.time === 'absolute' || opts.origin === undefined || opts.origin === null) return formatTime(time);
  return (time - opts.origin).toFixed(6);
}
