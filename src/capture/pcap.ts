import { CORRUPT, FramedParser } from './framed.js';
import {
  PCAP_FILE, PCAP_RECORD, capturedLengthLimit, capturedLengthProblem, fillPcapRecord, readPcapFileHeader, recordPlace,
} from './pcap-format.js';
import { emptyRecord } from './record.js';
import type { CaptureTally } from './tally.js';

/**
 * The builtin classic pcap reader: both byte orders, microsecond and nanosecond files. Records are
 * read in place with one DataView per chunk into one reused record, which points into the chunk:
 * nothing is allocated per packet.
 */
export class PcapReader extends FramedParser {
  private headerRead = false;
  private littleEndian = true;
  /** Nanoseconds per unit of the fraction field: 1000 (microsecond file) or 1 (nanosecond file). */
  private nanosPerFraction = 1000;
  private linkType = 0;
  private maxCaptured = 0;
  private packets = 0;
  /** Filled again for every packet (see CaptureRecord). */
  private readonly record = emptyRecord();

  constructor(private readonly tally: CaptureTally) {
    super();
  }

  protected frameLength(_bytes: Uint8Array, view: DataView, at: number, available: number): number {
    if (!this.headerRead) return PCAP_FILE.LENGTH;
    if (available < PCAP_RECORD.LENGTH) return PCAP_RECORD.LENGTH;
    const captured = view.getUint32(at + PCAP_RECORD.CAPTURED_LENGTH, this.littleEndian);
    if (captured > this.maxCaptured) {
      const packet = this.packets + 1;
      this.tally.fail({
        message: `${recordPlace(packet, this.offset)}: ${capturedLengthProblem(captured, this.maxCaptured)}`,
        offset: this.offset, packet,
      });
      return CORRUPT;
    }
    return PCAP_RECORD.LENGTH + captured;
  }

  protected parseFrame(bytes: Uint8Array, view: DataView, at: number, length: number): boolean {
    if (!this.headerRead) return this.parseFileHeader(view, at);
    const le = this.littleEndian;
    const start = at + PCAP_RECORD.LENGTH;
    this.tally.deliver(fillPcapRecord(
      this.record,
      ++this.packets,
      view.getUint32(at + PCAP_RECORD.TS_SEC, le),
      view.getUint32(at + PCAP_RECORD.TS_FRACTION, le) * this.nanosPerFraction,
      this.linkType,
      length - PCAP_RECORD.LENGTH,
      view.getUint32(at + PCAP_RECORD.ORIGINAL_LENGTH, le),
      bytes,
      start,
    ));
    return true;
  }

  protected endedInFrame(_bytes: Uint8Array, _view: DataView, have: number, need: number): void {
    if (!this.headerRead) {
      this.tally.fail({ message: `file ends inside the pcap file header (has ${have} of ${need} bytes)`, offset: 0 });
      return;
    }
    this.tally.truncatedPacket(this.packets + 1, this.offset, have, need);
  }

  private parseFileHeader(view: DataView, at: number): boolean {
    const header = readPcapFileHeader(view, at);
    if (typeof header === 'string') {
      this.tally.fail({ message: header, offset: 0 });
      return false;
    }
    this.headerRead = true;
    this.littleEndian = header.littleEndian;
    this.nanosPerFraction = header.nanosecond ? 1 : 1000;
    this.linkType = header.linkType;
    this.maxCaptured = capturedLengthLimit(header.snaplen);
    this.tally.linkType(header.linkType);
    return true;
  }
}
