/**
 * One plain-words line per endpoint (each tracker describes its own records, track/<name>/metrics.ts), with the packets to open in Wireshark: what grading and
 * check explanations show a student or a CI reader.
 */
import { countOf } from '../report/format.js';
import type { MergedEndpoint } from './scope.js';

export function describeEndpoint(e: MergedEndpoint): string {
  const item = e.peakInstance.item;
  const at = item.peak.packet === null ? '' : ` at packet #${item.peak.packet}`;
  const why = item.reasons.length > 0 ? `; ${item.reasons.join('; ')}` : '';
  // Exact bytes, as in the JSON's peak.bytes that the metrics read: "2.0 KiB" would not match it.
  return `endpoint ${e.endpoint} (${e.role}): ${e.verdict}, peak ${countOf(item.peak.entries, 'entry', 'entries')} / ${countOf(item.peak.bytes, 'byte', 'bytes')}${at}${why}`;
}
