/**
 * Small text formatters shared by the table and markdown renderers. Pure functions of their
 * arguments: the same report always renders to the same text (golden files depend on it).
 */

/** "512 B", "1.5 KiB", "2.3 MiB": binary units, one decimal above bytes. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '-';
  if (Math.abs(bytes) < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** A duration in seconds: "850 µs", "12.3 ms", "4.20 s", "3m 05s", "2h 04m", "687d 19h". */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '-';
  const abs = Math.abs(seconds);
  if (abs === 0) return '0 s';
  // Round first, then pick the unit, so 0.0009999 s prints as "1.0 ms", not "1000 µs".
  const micros = Math.round(seconds * 1e6);
  if (Math.abs(micros) < 1000) return `${micros} µs`;
  const tenthsOfMs = Math.round(seconds * 1e4);
  if (Math.abs(tenthsOfMs) < 10000) return `${(tenthsOfMs / 10).toFixed(1)} ms`;
  if (abs < 60) return `${seconds.toFixed(2)} s`;
  if (abs < 3600) {
    const whole = Math.round(seconds);
    return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`;
  }
  const minutes = Math.round(seconds / 60);
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
  // Days beyond a day: "687d 19h" reads at a glance where "16507h 43m" does not.
  const hours = Math.round(seconds / 3600);
  return `${Math.floor(hours / 24)}d ${String(hours % 24).padStart(2, '0')}h`;
}

/** Capture time as ISO 8601 UTC with microseconds: "2024-05-01T12:00:00.000123Z". */
export function formatTime(time: number | null): string {
  if (time === null || !Number.isFinite(time)) return '-';
  // Date covers ±8.64e15 ms; a pcapng timestamp can lie far beyond (found by fuzzing).
  if (Math.abs(time) * 1000 > 8.64e15) return `${time.toFixed(6)} s since the epoch`;
  const totalMicros = Math.round(time * 1e6);
  const iso = new Date(Math.floor(totalMicros / 1000)).toISOString();
  return `${iso.slice(0, 23)}${String(totalMicros % 1000).padStart(3, '0')}Z`;
}

/** "75.0%"; "-" when there is nothing to divide by. */
export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return '-';
  return `${((100 * part) / whole).toFixed(1)}%`;
}

/** Packet numbers the way Wireshark users read them: "#3, #7, #9 (+2 more)". */
export function formatPackets(packets: readonly number[], max = 5): string {
  if (packets.length === 0) return '-';
  const shown = packets.slice(0, max).map((n) => `#${n}`).join(', ');
  return packets.length > max ? `${shown} (+${packets.length - max} more)` : shown;
}

/** A packet range "#3–#9", or "#3" when it is one packet. */
export function formatPacketRange(first: number, last: number): string {
  return first === last ? `#${first}` : `#${first}–#${last}`;
}

/** "SF 2, REJ 1": counts by key in descending count order, then by key. */
export function formatCounts(counts: Readonly<Record<string, number | undefined>>): string {
  const entries = Object.entries(counts)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number' && entry[1] > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return entries.length === 0 ? 'none' : entries.map(([key, count]) => `${key} ${count}`).join(', ');
}

/** Shortens a long hex connection ID to its first 16 digits followed by "…". */
export function shortenHex(hex: string, keep = 16): string {
  return hex.length > keep ? `${hex.slice(0, keep)}…` : hex;
}

/**
 * The line that ends a list cut at `shown` of `listed` items: "… 3 more (53 TCP connections in all;
 * --format json lists every one)". When the report itself lists fewer than there were (`total`,
 * beyond --max-records), it says so instead of promising them all.
 */
export function moreLine(listed: number, shown: number, noun: string, total = listed): string | null {
  if (listed > shown && total > listed) return `… ${listed - shown} more (${total} ${noun} in all; --format json lists ${listed}, see --max-records)`;
  if (listed > shown) return `… ${listed - shown} more (${listed} ${noun} in all; --format json lists every one)`;
  if (total > listed) return `… ${total - listed} more not listed (${total} ${noun} in all; see --max-records)`;
  return null;
}

/** A list's heading count: "53", or "1000000, 100000 listed" when --max-records cut the list. */
export function listedCount(listed: number, total: number): string {
  return total > listed ? `${total}, ${listed} listed` : `${listed}`;
}

/** "1 DNS query", "3 DNS queries". */
export function countOf(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Under every table of ledger bytes: they come from the cost model, not from the endpoint's memory. */
export function costModelNote(model: string): string {
  return `Bytes are estimates from the cost model "${model}" (see --cost-model), not measured memory.`;
}
