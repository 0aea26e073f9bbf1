import type { CaptureError, CaptureRecord, CaptureSummary, RecordHandler } from './record.js';

/**
 * Counts what a reader delivers and hands each record on: the one place the CaptureSummary is
 * written. `label` (the path, or '-') starts every warning so each line names its file.
 */
export class CaptureTally {
  readonly summary: CaptureSummary = {
    format: null, compressed: false, linkTypes: [], packets: 0, bytes: 0,
    firstTime: null, lastTime: null, warnings: [], error: null,
  };

  constructor(readonly label: string, private readonly onRecord: RecordHandler) {}

  /** Counts the record (bytes are original lengths; first/last are the earliest/latest times) and delivers it. */
  deliver(record: CaptureRecord): void {
    const s = this.summary;
    s.packets++;
    s.bytes += record.originalLength;
    const t = record.time;
    if (s.firstTime === null || t < s.firstTime) s.firstTime = t;
    if (s.lastTime === null || t > s.lastTime) s.lastTime = t;
    this.onRecord(record);
  }

  /** Notes a link type the first time it appears (a pcap header, a pcapng interface). */
  linkType(type: number): void {
    if (!this.summary.linkTypes.includes(type)) this.summary.linkTypes.push(type);
  }

  warn(message: string): void {
    this.summary.warnings.push(`${this.label}: ${message}`);
  }

  /** The file ends inside a packet: everything before it was delivered; this is not an error. */
  truncatedPacket(packet: number, offset: number, have: number, need: number): void {
    this.warn(`packet ${packet} truncated at byte offset ${offset} (has ${have} of ${need} bytes)`);
  }

  /** Reading stops here. The first error wins: later ones are consequences of it. */
  fail(error: CaptureError): void {
    if (this.summary.error === null) this.summary.error = error;
  }
}
