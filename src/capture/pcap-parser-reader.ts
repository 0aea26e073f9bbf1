import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type { CaptureParser } from './parser.js';
import {
  PCAP_FILE, PCAP_RECORD, capturedLengthLimit, capturedLengthProblem, fillPcapRecord, readPcapFileHeader, recordPlace,
} from './pcap-format.js';
import { emptyRecord } from './record.js';
import type { CaptureTally } from './tally.js';

/** The parts of pcap-parser 0.2.1 (CommonJS, untyped) this adapter uses. */
interface PcapPacketHeader { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number }
interface PcapParserEvents {
  on(event: 'packetHeader', listener: (header: PcapPacketHeader) => void): this;
  on(event: 'packet', listener: (packet: { header: PcapPacketHeader; data: Buffer }) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
}
interface PcapParserModule { parse(input: EventEmitter): PcapParserEvents }

const require = createRequire(import.meta.url);
/** Loaded by the first --reader pcap-parser, not at every start-up (~2 ms of Node's CommonJS loader). */
let pcapParser: PcapParserModule | undefined;


/**
 * Classic microsecond pcap through pcap-parser, fed synchronously: pcap-parser reads from a
 * "stream" that is an EventEmitter this adapter emits chunks on, so its events (and our records)
 * happen inside `push`.
 *
 * Guards around pcap-parser's quirks:
 * - its version check (`major != 2 && minor != 4`) accepts 1.4 or 2.3 alike, so the file header is
 *   checked here first, with the builtin reader's rules, before pcap-parser sees a byte;
 * - it buffers until a record's captured length has arrived, trusting the length: a corrupt length
 *   would make it buffer the rest of the file. Its 'packetHeader' event is checked against the
 *   same limit as the builtin reader, and on a bad length no more bytes are fed to it;
 * - it reports nothing at end of input, so the bytes it consumed are counted here to tell a
 *   truncated last record.
 */
export class PcapParserReader implements CaptureParser {
  private readonly feed = Object.assign(new EventEmitter(), { pause(): void {}, resume(): void {} });
  /** The first bytes, held until the 24-byte file header is complete and checked. */
  private head: Buffer | null = Buffer.alloc(0);
  private linkType = 0;
  private maxCaptured = 0;
  /** Bytes fed so far, and bytes pcap-parser has turned into a header or packets. */
  private fed = 0;
  private consumed = PCAP_FILE.LENGTH;
  /** Captured length of the record whose header was seen and whose data has not arrived; -1 when none. */
  private pendingCaptured = -1;
  private packets = 0;
  private stopped = false;
  /** Filled again for every packet (see CaptureRecord). */
  private readonly record = emptyRecord();

  constructor(private readonly tally: CaptureTally) {
    pcapParser ??= require('pcap-parser') as PcapParserModule;
    const parser = pcapParser.parse(this.feed);
    parser.on('packetHeader', (h) => this.onPacketHeader(h));
    parser.on('packet', (p) => this.onPacket(p.header, p.data));
    parser.on('error', (e) => this.stop(`pcap-parser: ${e.message}`, this.consumed));
  }

  push(chunk: Uint8Array): boolean {
    if (this.stopped) return false;
    // No copy needed for a source that reuses its buffer (fileBytes): pcap-parser copies every chunk
    // after the first into a buffer of its own (updateBuffer), and the first is `head`, a copy.
    let bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.head !== null) {
      const head = Buffer.concat([this.head, bytes]);
      if (head.length < PCAP_FILE.LENGTH) { this.head = head; return true; }
      this.head = null;
      if (!this.checkFileHeader(head)) return false;
      bytes = head;
    }
    this.fed += bytes.length;
    this.feed.emit('data', bytes);
    return !this.stopped;
  }

  finish(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.head !== null) {
      this.tally.fail({ message: `file ends inside the pcap file header (has ${this.head.length} of ${PCAP_FILE.LENGTH} bytes)`, offset: 0 });
      return;
    }
    // Bytes of the last record that arrived (its header included, when pcap-parser has read that).
    const have = this.fed - this.consumed;
    if (this.pendingCaptured >= 0) {
      this.tally.truncatedPacket(this.packets + 1, this.consumed, have, PCAP_RECORD.LENGTH + this.pendingCaptured);
    } else if (have > 0) {
      this.tally.truncatedPacket(this.packets + 1, this.consumed, have, PCAP_RECORD.LENGTH);
    }
  }

  private checkFileHeader(head: Buffer): boolean {
    const header = readPcapFileHeader(new DataView(head.buffer, head.byteOffset, head.byteLength), 0);
    if (typeof header === 'string') return this.stop(header, 0);
    if (header.nanosecond) throw new Error('PcapParserReader: nanosecond pcap goes to the builtin reader'); // programmer bug
    this.linkType = header.linkType;
    this.maxCaptured = capturedLengthLimit(header.snaplen);
    this.tally.linkType(header.linkType);
    return true;
  }

  private onPacketHeader(h: PcapPacketHeader): void {
    if (this.stopped) return;
    if (h.capturedLength > this.maxCaptured) {
      const packet = this.packets + 1;
      this.stop(`${recordPlace(packet, this.consumed)}: ${capturedLengthProblem(h.capturedLength, this.maxCaptured)}`, this.consumed, packet);
      return;
    }
    this.pendingCaptured = h.capturedLength;
  }

  private onPacket(h: PcapPacketHeader, data: Buffer): void {
    if (this.stopped) return;
    this.pendingCaptured = -1;
    this.consumed += PCAP_RECORD.LENGTH + h.capturedLength;
    this.tally.deliver(fillPcapRecord(
      this.record, ++this.packets, h.timestampSeconds, h.timestampMicroseconds * 1000, this.linkType, h.capturedLength, h.originalLength, data, 0,
    ));
  }

  private stop(message: string, offset: number, packet?: number): false {
    this.stopped = true;
    this.tally.fail(packet === undefined ? { message, offset } : { message, offset, packet });
    return false;
  }
}
