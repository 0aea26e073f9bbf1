/**
 * In-place edits of the flat number lists the replicas keep per direction (unacknowledged segment
 * ends, Zeek's block ranges). Most ACKs empty such a list and the next data segment refills it:
 * `list.length = 0` (or a shrinking length) makes V8 free the backing store, and the next push
 * allocates it again, about 20x the cost of popping. Popping keeps the storage.
 */

/** Drops the first `count` numbers in place; the list keeps its storage for the next pushes. */
export function removeFront(list: number[], count: number): void {
  if (count <= 0) return;
  const keep = list.length - count;
  if (keep > 0) list.copyWithin(0, count);
  truncate(list, keep > 0 ? keep : 0);
}

/** Shortens `list` to `length` by popping (bounded by the numbers removed). */
export function truncate(list: number[], length: number): void {
  while (list.length > length) list.pop();
}
