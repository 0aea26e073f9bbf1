import { u16, u32 } from './bytes.js';
import { fold, wordSum } from './checksum.js';
import { badField, tooShort } from './issues.js';
import type { TcpOptions, TcpSegment } from './packet.js';
import { fillTcpOptions, newTcpOptions, parseTcpOptions } from './tcp-options.js';
import type { Walk } from './walk.js';

/** TCP header fields (RFC 9293 §3.1). */
export const TCP = {
  SRC_PORT: 0, DST_PORT: 2, SEQ: 4, ACK: 8, DATA_OFFSET: 12, FLAGS: 13, WINDOW: 14, CHECKSUM: 16, URGENT: 18,
  MIN_LENGTH: 20, PROTOCOL: 6,
} as const;

const EMPTY = new Uint8Array(0);

/**
 * A TCP segment as decoded: header fields, and the payload as a place in the packet's bytes. The
 * payload view is made only when read (most trackers never look into TCP payload); a PacketDecoder
 * fills one of these again for every packet.
 */
export class TcpSegmentView implements TcpSegment {
  srcPort = 0;
  dstPort = 0;
  seq = 0;
  ack = 0;
  flags = 0;
  window = 0;
  headerLength = 0;
  payloadLength = 0;
  captured = 0;
  options: TcpOptions | undefined = undefined;
  urgentPointer = 0;
  /** The buffer the segment was decoded from, and where its captured payload starts in it. */
  bytes: Uint8Array = EMPTY;
  payloadStart = 0;
  /** The options struct a PacketDecoder's view fills again for every segment (private: not part of the segment's fields). */
  #options: TcpOptions = newTcpOptions();
  #timestamp = { value: 0, echo: 0 };

  /** The options in b[start, end), parsed into this view's own struct (valid until the next segment). */
  reusedOptions(b: Uint8Array, start: number, end: number): TcpOptions {
    return fillTcpOptions(b, start, end, this.#options, this.#timestamp);
  }

  get payload(): Uint8Array {
    return this.bytes.subarray(this.payloadStart, this.payloadStart + this.captured);
  }
}

/**
 * `claimed` is the segment length the IP header states; `end` bounds the captured bytes (never
 * past the claim). payloadLength follows the claim, payload the capture (STYLE practice 5).
 *
 * Once the 20 fixed bytes are there the segment is reported even if its data offset is bogus
 * (< 5) or its header runs past the bytes: ports, sequence numbers and flags are known, and
 * tshark counts such segments in their stream. `issue` then says what was wrong, `payload` is
 * empty, and options hold what could be read.
 */
export function decodeTcp(walk: Walk, offset: number, end: number, claimed: number): void {
  const b = walk.bytes;
  const packet = walk.packet;
  const have = end - offset;
  if (have < TCP.MIN_LENGTH) {
    packet.issue = tooShort('tcp', TCP.MIN_LENGTH, have, offset);
    return;
  }
  const headerLength = (b[offset + TCP.DATA_OFFSET] >> 4) * 4;
  if (headerLength < TCP.MIN_LENGTH) { // RFC 9293 §3.1: data offset counts 32-bit words, at least 5
    packet.issue = badField('tcp', 'data-offset', headerLength / 4, offset);
  } else if (have < headerLength) {
    packet.issue = tooShort('tcp', headerLength, have, offset);
  } else if (walk.verifyChecksums && have === claimed) {
    // RFC 9293 §3.1: the checksum covers a pseudo-header, the header and the payload.
    const sum = walk.sourceSum + walk.destinationSum + TCP.PROTOCOL + claimed + wordSum(b, offset, end);
    if (fold(sum) !== 0xffff) {
      packet.skipped = 'bad-checksum-tcp';
      return;
    }
  }
  const headerEnd = offset + Math.min(headerLength, have);
  const segment = walk.layers !== null ? walk.layers.tcp : new TcpSegmentView();
  segment.srcPort = u16(b, offset + TCP.SRC_PORT);
  segment.dstPort = u16(b, offset + TCP.DST_PORT);
  segment.seq = u32(b, offset + TCP.SEQ);
  segment.ack = u32(b, offset + TCP.ACK);
  segment.flags = b[offset + TCP.FLAGS];
  segment.window = u16(b, offset + TCP.WINDOW);
  segment.headerLength = headerLength;
  // A data offset below 5 words is bogus: tshark shows tcp.len = claim - offset but does no sequence
  // analysis on it; no payload boundary can be trusted, so none drives our sequence accounting.
  segment.payloadLength = headerLength >= TCP.MIN_LENGTH && claimed > headerLength ? claimed - headerLength : 0;
  segment.bytes = b;
  segment.payloadStart = packet.issue === undefined ? offset + headerLength : headerEnd;
  segment.captured = (packet.issue === undefined ? end : headerEnd) - segment.payloadStart;
  if (headerLength <= TCP.MIN_LENGTH) segment.options = undefined;
  else if (walk.layers !== null) segment.options = segment.reusedOptions(b, offset + TCP.MIN_LENGTH, headerEnd);
  else segment.options = parseTcpOptions(b, offset + TCP.MIN_LENGTH, headerEnd);
  segment.urgentPointer = u16(b, offset + TCP.URGENT);
  packet.tcp = segment;
}
