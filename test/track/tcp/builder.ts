/**
 * Builds DecodedPacket values for TCP tracker tests: a conversation between a client and a server
 * whose sequence and acknowledgment numbers follow what each side sent, unless a test overrides them.
 */
import { TCP_FLAG, type DecodedPacket, type TcpOptions } from '../../../src/decode/packet.js';

export interface SegmentSpec {
  /** Payload bytes (a length builds zero bytes). */
  len?: number;
  data?: Uint8Array;
  seq?: number;
  ack?: number;
  win?: number;
  options?: TcpOptions;
  /** Seconds after the previous segment (default 0.001). */
  dt?: number;
  /** Captured payload bytes when fewer than `len` (snaplen). */
  captured?: number;
}

const FLAG_LETTERS: Record<string, number> = {
  S: TCP_FLAG.SYN, A: TCP_FLAG.ACK, F: TCP_FLAG.FIN, R: TCP_FLAG.RST, P: TCP_FLAG.PSH, U: TCP_FLAG.URG,
};

export function flagBits(letters: string): number {
  let bits = 0;
  for (const ch of letters) bits |= FLAG_LETTERS[ch] ?? 0;
  return bits;
}

export interface ConversationSetup {
  client?: string;
  server?: string;
  clientPort?: number;
  serverPort?: number;
  clientIsn?: number;
  serverIsn?: number;
  start?: number;
  firstNumber?: number;
}

/** A scripted conversation: `c(...)` and `s(...)` append segments from the client / server. */
export class Conversation {
  readonly packets: DecodedPacket[] = [];
  readonly client: string;
  readonly server: string;
  readonly clientPort: number;
  readonly serverPort: number;
  /** Next sequence number each side will use. */
  clientNext: number;
  serverNext: number;
  time: number;
  number: number;

  constructor(setup: ConversationSetup = {}) {
    this.client = setup.client ?? '10.0.0.1';
    this.server = setup.server ?? '10.0.0.2';
    this.clientPort = setup.clientPort ?? 40000;
    this.serverPort = setup.serverPort ?? 80;
    this.clientNext = setup.clientIsn ?? 1000;
    this.serverNext = setup.serverIsn ?? 5000;
    this.time = setup.start ?? 1_700_000_000;
    this.number = (setup.firstNumber ?? 1) - 1;
  }

  c(flags: string, spec: SegmentSpec = {}): DecodedPacket {
    return this.segment(true, flags, spec);
  }

  s(flags: string, spec: SegmentSpec = {}): DecodedPacket {
    return this.segment(false, flags, spec);
  }

  /** The three-way handshake (packets 1-3 of a fresh conversation). */
  handshake(options?: { client?: TcpOptions; server?: TcpOptions }): this {
    this.c('S', { options: options?.client });
    this.s('SA', { options: options?.server });
    this.c('A');
    return this;
  }

  private segment(fromClient: boolean, flags: string, spec: SegmentSpec): DecodedPacket {
    const bits = flagBits(flags);
    const len = spec.data?.length ?? spec.len ?? 0;
    const seq = (spec.seq ?? (fromClient ? this.clientNext : this.serverNext)) >>> 0;
    const peerNext = fromClient ? this.serverNext : this.clientNext;
    const ack = bits & TCP_FLAG.ACK ? (spec.ack ?? peerNext) >>> 0 : (spec.ack ?? 0);
    const used = len + (bits & TCP_FLAG.SYN ? 1 : 0) + (bits & TCP_FLAG.FIN ? 1 : 0);
    if (!(bits & TCP_FLAG.RST)) {
      const end = (seq + used) >>> 0;
      const next = fromClient ? this.clientNext : this.serverNext;
      if (((end - next) | 0) > 0) {
        if (fromClient) this.clientNext = end;
        else this.serverNext = end;
      }
    }
    this.time += spec.dt ?? 0.001;
    this.number++;
    const data = spec.data ?? new Uint8Array(len);
    const payload = spec.captured !== undefined ? data.subarray(0, spec.captured) : data;
    const [src, dst, srcPort, dstPort] = fromClient
      ? [this.client, this.server, this.clientPort, this.serverPort]
      : [this.server, this.client, this.serverPort, this.clientPort];
    const v6 = src.includes(':');
    const pkt: DecodedPacket = {
      number: this.number,
      time: this.time,
      linkType: 1,
      ip: {
        version: v6 ? 6 : 4, src, dst, protocol: 6, offset: 14, headerLength: v6 ? 40 : 20,
        payloadLength: 20 + len, ttl: 64, id: this.number,
      },
      tcp: {
        srcPort, dstPort, seq, ack, flags: bits, window: spec.win ?? 65535, headerLength: 20,
        payloadLength: len, captured: payload.length, payload, options: spec.options, urgentPointer: 0,
      },
    };
    this.packets.push(pkt);
    return pkt;
  }
}
