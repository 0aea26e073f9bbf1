/**
 * Zeek's connection `history` string (scripts/base/protocols/conn/main.zeek documents the letters;
 * src/analyzer/protocol/tcp/TCP_Endpoint.cc and src/session/Session.cc implement them). Upper case
 * for Zeek's originator, lower case for its responder:
 *   S SYN without ACK, H SYN+ACK, A pure ACK, D data, F FIN, R RST, I FIN+RST, Q other multi-flag
 *   (SYN+FIN, SYN+RST), C bad checksum, G content gap, T retransmitted payload, W zero window,
 *   ^ direction flipped by Zeek's heuristic.
 * A, D, I, Q are recorded once per direction; S, H, F, R again only when their sequence number
 * differs from the last one of that kind; C, G, T, W logarithmically (1st, 10th, 100th ... time).
 */

/** One bit per letter kind and direction (TCP_Endpoint.h HistoryMasks; the responder's are << 16). */
export const HISTORY_MASK = {
  SYN: 0x1,
  FIN: 0x2,
  RST: 0x4,
  FIN_RST: 0x8,
  DATA: 0x10,
  ACK: 0x20,
  MULTI_FLAG: 0x40,
} as const;

/** Zeek's Connection history state: the letters so far and which kinds were seen (hist_seen). */
export interface HistoryState {
  text: string;
  seen: number;
}

export function newHistory(): HistoryState {
  return { text: '', seen: 0 };
}

function letter(code: string, isOrig: boolean): string {
  return isOrig ? code : code.toLowerCase();
}

/**
 * Session::CheckHistory: adds the letter the first time a kind is seen in a direction and returns
 * false; returns true (adding nothing) when that kind was already recorded.
 */
export function checkHistory(h: HistoryState, mask: number, code: string, isOrig: boolean): boolean {
  const bit = isOrig ? mask : mask << 16;
  if ((h.seen & bit) === 0) {
    h.seen |= bit;
    h.text += letter(code, isOrig);
    return false;
  }
  return true;
}

/** Session::AddHistory for the letters that may repeat. */
export function addHistory(h: HistoryState, code: string, isOrig: boolean): void {
  h.text += letter(code, isOrig);
}

/**
 * Session::ScaledHistoryEntry with Zeek's default base of 10: the letter is added when the new count
 * reaches 1, 10, 100, ... Returns the new count.
 */
export function scaledHistoryEntry(h: HistoryState, count: number, code: string, isOrig: boolean): number {
  const next = count + 1;
  if (isPowerOfTen(next)) addHistory(h, code, isOrig);
  return next;
}

function isPowerOfTen(n: number): boolean {
  let p = 1;
  while (p < n) p *= 10; // at most 16 steps for a safe integer
  return p === n;
}
