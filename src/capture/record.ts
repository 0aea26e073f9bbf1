/**
 * One packet as the capture file stores it. The reader hands these to the decoder one at a time.
 * Each reader fills ONE record again for every packet (no object per packet), and `data` is a view
 * into the reader's buffer: both are valid only until the callback returns (copy what you keep,
 * as the fragment reassembler does).
 */
export interface CaptureRecord {
  /** 1-based position in the file, as Wireshark numbers frames. */
  number: number;
  /** Exact timestamp: whole seconds since the epoch and nanoseconds within that second. */
  sec: number;
  nsec: number;
  /** sec + nsec / 1e9: what timers and reports use (microsecond precision is kept). */
  time: number;
  /** LINKTYPE_* value; per interface in pcapng. */
  linkType: number;
  /** Bytes stored in the file for this packet (`data.length`). */
  capturedLength: number;
  /** Bytes the packet had on the wire. */
  originalLength: number;
  data: Uint8Array;
  /** pcapng interface id; 0 for classic pcap. */
  interfaceId: number;
}

const EMPTY = new Uint8Array(0);

/**
 * The record a reader fills again for every packet. Its bytes are a place in the reader's chunk
 * (`buffer`, from `start`, `capturedLength` long); the `data` view is made only when read: the
 * decoder reads in place (PacketDecoder), so most packets never pay for a view. The place is kept
 * in private fields so that a copy (`{ ...record }`) holds only the CaptureRecord fields.
 */
export class ReadRecord implements CaptureRecord {
  number = 0;
  sec = 0;
  nsec = 0;
  time = 0;
  linkType = 0;
  capturedLength = 0;
  originalLength = 0;
  interfaceId = 0;
  #buffer: Uint8Array = EMPTY;
  #start = 0;
  #view: Uint8Array | null = EMPTY;

  /** The buffer the packet's bytes are in, and where they start in it. */
  get buffer(): Uint8Array {
    return this.#buffer;
  }

  get start(): number {
    return this.#start;
  }

  get data(): Uint8Array {
    if (this.#view === null) this.#view = this.#buffer.subarray(this.#start, this.#start + this.capturedLength);
    return this.#view;
  }

  set data(bytes: Uint8Array) {
    this.#buffer = bytes;
    this.#start = 0;
    this.#view = bytes;
  }

  /** The packet's `capturedLength` bytes are at `start` in `buffer`. */
  place(buffer: Uint8Array, start: number, capturedLength: number): void {
    this.#buffer = buffer;
    this.#start = start;
    this.#view = null;
    this.capturedLength = capturedLength;
  }
}

/** A record to fill: what a reader reuses for every packet it delivers. */
export function emptyRecord(): ReadRecord {
  return new ReadRecord();
}

export type CaptureFormat = 'pcap' | 'pcapng';

/** What the reader learned about the file besides its packets. */
export interface CaptureSummary {
  format: CaptureFormat | null;
  /** gzip was recognized by its magic bytes and undone while reading. */
  compressed: boolean;
  /** Link types in order of first appearance (per interface for pcapng). */
  linkTypes: number[];
  packets: number;
  /** Sum of original (on the wire) lengths. */
  bytes: number;
  firstTime: number | null;
  lastTime: number | null;
  /** Non-fatal problems (e.g. a truncated last packet): one line each, already naming the place. */
  warnings: string[];
  /**
   * A problem that stopped reading (not a capture, corrupt length, I/O error). Every packet
   * before it was delivered. Null when the file was read to its end.
   */
  error: CaptureError | null;
}

export interface CaptureError {
  message: string;
  /** Byte offset in the (decompressed) file where the problem is, when known. */
  offset?: number;
  /** Number of the packet that could not be read, when known. */
  packet?: number;
}

export type RecordHandler = (record: CaptureRecord) => void;
