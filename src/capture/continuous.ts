/**
 * `--continuous f0 f1 …`: the files of one capture split by `tcpdump -C/-G/-W` or `editcap -c`,
 * read as one: packet numbers run on across files (the first packet of f1 follows the last of f0),
 * so flows, transactions and ledgers carry over file boundaries. The files must be in time order:
 * a file whose first packet is earlier than the previous file's last is refused, naming both.
 */
import { readCapture, type ReadOptions } from './open.js';
import type { CaptureSummary, RecordHandler } from './record.js';

class OutOfOrder extends Error {}

export async function readContinuous(paths: readonly string[], onRecord: RecordHandler, options: ReadOptions = {}): Promise<CaptureSummary> {
  const merged: CaptureSummary = {
    format: null, compressed: false, linkTypes: [], packets: 0, bytes: 0, firstTime: null, lastTime: null, warnings: [], error: null,
  };
  let previous: { path: string; last: number } | null = null;
  for (const path of paths) {
    const base = merged.packets;
    let first = true;
    let summary: CaptureSummary;
    try {
      summary = await readCapture(path, (record) => {
        if (first) {
          first = false;
          if (previous !== null && record.time < previous.last) {
            throw new OutOfOrder(`${path}: starts at ${record.time.toFixed(6)}, before the end of ${previous.path} (${previous.last.toFixed(6)}): give --continuous files in time order`);
          }
        }
        record.number += base;
        onRecord(record);
      }, options);
    } catch (e) {
      if (!(e instanceof OutOfOrder)) throw e;
      return { ...merged, format: null, error: { message: e.message } };
    }
    if (summary.format === null) return { ...merged, format: null, error: summary.error };
    merged.format ??= summary.format;
    merged.compressed ||= summary.compressed;
    for (const t of summary.linkTypes) if (!merged.linkTypes.includes(t)) merged.linkTypes.push(t);
    merged.packets += summary.packets;
    merged.bytes += summary.bytes;
    if (summary.firstTime !== null) merged.firstTime = Math.min(merged.firstTime ?? Infinity, summary.firstTime);
    if (summary.lastTime !== null) merged.lastTime = Math.max(merged.lastTime ?? -Infinity, summary.lastTime);
    merged.warnings.push(...summary.warnings);
    if (summary.error !== null) {
      // A file that stops early breaks the series: what was read is analysed, the rest is not.
      const rest = paths.slice(paths.indexOf(path) + 1);
      return { ...merged, error: { ...summary.error, message: `${summary.error.message}${rest.length > 0 ? ` (${rest.length} later file${rest.length === 1 ? '' : 's'} not read)` : ''}` } };
    }
    if (summary.lastTime !== null) previous = { path, last: summary.lastTime };
  }
  return merged;
}
