/**
 * IPv4 source routing (RFC 791 §3.1, options 131 loose and 137 strict): while the route is not
 * exhausted, the datagram's final destination is the last address of the route, not the header's
 * destination (the next hop). Wireshark reports that final address as ip.dst and RFC 9293 §3.1
 * puts it in the TCP pseudo-header, so statecap does both.
 */
export const IPV4_OPTION = { END: 0, NOP: 1, LOOSE_SOURCE_ROUTE: 131, STRICT_SOURCE_ROUTE: 137, TYPE: 0, LENGTH: 1, POINTER: 2, MIN_POINTER: 4 } as const;

/** Offset of the final destination in b, or -1 when the options in [start, end) hold no unfinished source route. */
export function finalDestinationOffset(b: Uint8Array, start: number, end: number): number {
  let at = start;
  while (at < end) { // each pass advances >= 1 byte: bounded by the 40-byte option area
    const type = b[at + IPV4_OPTION.TYPE];
    if (type === IPV4_OPTION.END) return -1;
    if (type === IPV4_OPTION.NOP) { at += 1; continue; }
    if (at + 1 >= end) return -1;
    const length = b[at + IPV4_OPTION.LENGTH];
    if (length < 2 || at + length > end) return -1;
    if ((type === IPV4_OPTION.LOOSE_SOURCE_ROUTE || type === IPV4_OPTION.STRICT_SOURCE_ROUTE) && length >= 7) {
      // The pointer (1-based, 4 = first address) past the option means the route is exhausted
      // and the header's destination is final (the same test as Wireshark's get_dst_offset).
      const pointer = b[at + IPV4_OPTION.POINTER];
      if (pointer < IPV4_OPTION.MIN_POINTER || (pointer & 3) !== 0 || pointer > length) return -1;
      return at + length - 4;
    }
    at += length;
  }
  return -1;
}
