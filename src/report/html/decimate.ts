/**
 * Decimation for drawing: which rows of a time series to keep so that a chart `buckets` pixels
 * wide looks exactly as with every row. Per pixel bucket of x it keeps the first and last rows and,
 * for each series, the rows of its minimum and maximum (the M4 aggregation of Jugel et al., VLDB
 * 2014): every vertical extent and every step into and out of a bucket survives. Peaks and idle
 * windows are not taken from the decimated rows: the report gives them exactly.
 */

/**
 * Indices of the rows to keep, ascending. `x` must be non-decreasing; `series[s][i]` is series s
 * at row i. At most (2 + 2 × series) rows per bucket; all rows when there are no more than that.
 */
export function decimateRows(x: readonly number[], series: readonly (readonly number[])[], buckets: number): number[] {
  const n = x.length;
  const perBucket = 2 + 2 * series.length;
  const b = Math.max(1, Math.floor(buckets));
  if (n <= b * perBucket) return Array.from({ length: n }, (_, i) => i);
  const x0 = x[0];
  const span = x[n - 1] - x0;
  const bucketOf = (i: number): number => (span > 0 ? Math.min(b - 1, Math.floor(((x[i] - x0) / span) * b)) : 0);
  const keep = new Uint8Array(n);
  let start = 0;
  while (start < n) {
    const bucket = bucketOf(start);
    let end = start;
    while (end + 1 < n && bucketOf(end + 1) === bucket) end++;
    keep[start] = 1;
    keep[end] = 1;
    for (const values of series) {
      let min = start;
      let max = start;
      for (let i = start + 1; i <= end; i++) {
        if (values[i] < values[min]) min = i;
        if (values[i] > values[max]) max = i;
      }
      keep[min] = 1;
      keep[max] = 1;
    }
    start = end + 1;
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i] === 1) out.push(i);
  return out;
}
