import type { CaptureError, CaptureRecord, CaptureSummary, RecordHandler } from './record.js';

/**
 * Counts what a reader delivers and hands each record on: the one place the CaptureSummary is
 * written. `label` (the path, or '-') starts every warning so each line names its file.
 */
export class CaptureTally {
  readonly #summary: CaptureSummary = {
    format: null, compressed: false, linkTypes: [], packets: 0, bytes: 0,
    firstTime: null, lastTime: null, warnings: [], error: null,
  };
  /**
   * Earliest and latest time so far, as plain numbers: the summary's fields hold null or a number,
   * and storing a fractional number in such a field allocates it, once per packet.
   */
  #first = Infinity;
  #last = -Infinity;

  constructor(readonly label: string, private readonly onRecord: RecordHandler) {}

  /** What was read so far. */
  get summary(): CaptureSummary {
    const s = this.#summary;
    if (s.packets > 0) {
      s.firstTime = this.#first;
      s.lastTime = this.#last;
    }
    return s;
  }

  /** Counts the record (bytes are original lengths; first/last are the earliest/latest times) and delivers it. */
  deliver(record: CaptureRecord): void {
    const s = this.#summary;
    s.packets++;
    s.bytes += record.originalLength;
    const t = record.time;
    if (t < this.#first) this.#first = t;
    if (t > this.#last) this.#last = t;
    this.onRecord(record);
  }

  /** Notes a link type the first time it appears (a pcap header, a pcapng interface). */
  linkType(type: number): void {
    const linkTypes = this.#summary.linkTypes;
    if (!linkTypes.includes(type)) linkTypes.push(type);
  }

  warn(message: string): void {
    this.#summary.warnings.push(`${this.label}: ${message}`);
  }

  /** The file ends inside a packet: everything before it was delivered; this is not an error. */
  truncatedPacket(packet: number, offset: number, have: number, need: number): void {
    this.warn(`packet ${packet} truncated at byte offset ${offset} (has ${have} of ${need} bytes)`);
  }

  /** Reading stops here. The first error wins: later ones are consequences of it. */
  fail(error: CaptureError): void {
    if (this.#summary.error === null) this.#summary.error = error;
  }
}
