import { u16, u32 } from './bytes.js';
import type { TcpOptions } from './packet.js';

/** TCP option kinds and their fixed lengths (RFC 9293 §3.1; RFC 7323 §2.2, §3.2; RFC 2018 §2, §3). */
export const TCP_OPTION = {
  END: 0, NOP: 1,
  MSS: 2, MSS_LENGTH: 4,
  WINDOW_SCALE: 3, WINDOW_SCALE_LENGTH: 3,
  SACK_PERMITTED: 4, SACK_PERMITTED_LENGTH: 2,
  SACK: 5, SACK_BLOCK: 8,
  TIMESTAMP: 8, TIMESTAMP_LENGTH: 10,
} as const;

/**
 * Parses the options in b[start, end) (the header's option area). Malformed options never fail
 * the segment: a length below 2 or past the header end stops parsing with what was found so far
 * (as gopacket and Wireshark do); a known kind with the wrong length is skipped.
 */
export function parseTcpOptions(b: Uint8Array, start: number, end: number): TcpOptions {
  return fillTcpOptions(b, start, end, newTcpOptions(), null);
}

/** TcpOptions with every field present (one object shape), none set. */
export function newTcpOptions(): TcpOptions {
  return { mss: undefined, windowScale: undefined, sackPermitted: false, timestamp: undefined, sack: undefined };
}

/**
 * parseTcpOptions into `options` (cleared here) and, when given, `timestamp` as the holder of the
 * timestamp option: what a PacketDecoder reuses for every segment. SACK blocks get a new array.
 */
export function fillTcpOptions(
  b: Uint8Array, start: number, end: number, options: TcpOptions, timestamp: { value: number; echo: number } | null,
): TcpOptions {
  options.mss = undefined;
  options.windowScale = undefined;
  options.sackPermitted = false;
  options.timestamp = undefined;
  options.sack = undefined;
  let at = start;
  while (at < end) { // every pass advances by >= 1 byte (NOP) or >= 2 (dpkt parse_opts): bounded by the 40-byte area
    const kind = b[at];
    if (kind === TCP_OPTION.END) break; // RFC 9293 §3.1: end of option list
    if (kind === TCP_OPTION.NOP) { at += 1; continue; }
    if (at + 1 >= end) break;
    const length = b[at + 1];
    if (length < 2 || at + length > end) break;
    switch (kind) {
      case TCP_OPTION.MSS:
        if (length === TCP_OPTION.MSS_LENGTH) options.mss = u16(b, at + 2);
        break;
      case TCP_OPTION.WINDOW_SCALE:
        if (length === TCP_OPTION.WINDOW_SCALE_LENGTH) options.windowScale = b[at + 2];
        break;
      case TCP_OPTION.SACK_PERMITTED:
        if (length === TCP_OPTION.SACK_PERMITTED_LENGTH) options.sackPermitted = true;
        break;
      case TCP_OPTION.TIMESTAMP:
        if (length === TCP_OPTION.TIMESTAMP_LENGTH) {
          const ts = timestamp ?? { value: 0, echo: 0 };
          ts.value = u32(b, at + 2);
          ts.echo = u32(b, at + 6);
          options.timestamp = ts;
        }
        break;
      case TCP_OPTION.SACK:
        if ((length - 2) % TCP_OPTION.SACK_BLOCK === 0 && length > 2) {
          const edges: number[] = [];
          for (let edge = at + 2; edge < at + length; edge += 4) edges.push(u32(b, edge));
          options.sack = edges;
        }
        break;
    }
    at += length;
  }
  return options;
}
