/**
 * Captures for the ladder diagrams (explain goldens, HTML report, browser test), written with the
 * test capture writer: a TCP conversation scripted segment by segment, each side's sequence
 * numbers following what it sent unless a step overrides them. Every scenario's packet list is
 * commented with what it shows, so golden outputs can be checked by reading.
 */
import dnsPacket from 'dns-packet';
import { writePcap, type WrittenPacket } from './capture-file.js';
import { tcpFrame, udpFrame } from './packets.js';

export const LADDER_T0 = 1_700_000_000;

interface Step {
  from: 'c' | 's';
  flags: string;
  len?: number;
  /** Seconds after the previous packet (default 0.010). */
  dt?: number;
  /** Sequence number offset from the sender's next one (negative: a retransmission). */
  seqBack?: number;
  /** Not written to the capture (a segment lost before the capture point), but it uses sequence space. */
  lost?: boolean;
}

/** A TCP conversation client 10.0.0.1:40000 -> server 10.0.0.2:80, ISNs 1000 and 5000. */
export class TcpScript {
  readonly packets: WrittenPacket[] = [];
  private next = { c: 1000, s: 5000 };
  private time = LADDER_T0;

  constructor(readonly client = '10.0.0.1', readonly server = '10.0.0.2', readonly clientPort = 40000, readonly serverPort = 80) {}

  step(s: Step): this {
    const len = s.len ?? 0;
    const seq = (this.next[s.from] - (s.seqBack ?? 0)) >>> 0;
    const peer = s.from === 'c' ? this.next.s : this.next.c;
    const used = len + (s.flags.includes('S') ? 1 : 0) + (s.flags.includes('F') ? 1 : 0);
    if (!s.flags.includes('R') && s.seqBack === undefined) this.next[s.from] = (seq + used) >>> 0;
    this.time += s.dt ?? 0.010;
    if (s.lost) return this;
    const fromClient = s.from === 'c';
    this.packets.push({
      time: this.time,
      data: tcpFrame({
        src: fromClient ? this.client : this.server,
        dst: fromClient ? this.server : this.client,
        srcPort: fromClient ? this.clientPort : this.serverPort,
        dstPort: fromClient ? this.serverPort : this.clientPort,
        seq,
        ack: s.flags.includes('A') ? peer : 0,
        flags: s.flags,
        payload: new Uint8Array(len).fill(0x61),
      }),
    });
    return this;
  }

  handshake(): this {
    return this.step({ from: 'c', flags: 'S' }).step({ from: 's', flags: 'SA' }).step({ from: 'c', flags: 'A' });
  }

  pcap(): Buffer {
    return writePcap(this.packets);
  }
}

/**
 * 10 packets: handshake (1-3), 100 bytes up (4) and acked (5), 200 bytes down (6) and acked (7),
 * the client closes first: FIN (8), the server's FIN,ACK acknowledges it and closes too (9), last ACK (10).
 */
export function handshakeDataClose(): TcpScript {
  return new TcpScript().handshake()
    .step({ from: 'c', flags: 'PA', len: 100 }).step({ from: 's', flags: 'A' })
    .step({ from: 's', flags: 'PA', len: 200 }).step({ from: 'c', flags: 'A' })
    .step({ from: 'c', flags: 'FA' }).step({ from: 's', flags: 'FA' }).step({ from: 'c', flags: 'A' });
}

/** 5 packets: handshake (1-3), a request (4), and the server resets the connection (5). */
export function reset(): TcpScript {
  return new TcpScript().handshake().step({ from: 'c', flags: 'PA', len: 50 }).step({ from: 's', flags: 'RA' });
}

/**
 * 7 packets: handshake (1-3), then both ends send FIN,ACK before seeing the other's (4, 5: a
 * simultaneous close, RFC 9293 §3.6 Figure 13) and each acknowledges the other's FIN (6, 7).
 */
export function simultaneousClose(): TcpScript {
  const s = new TcpScript().handshake();
  // Both FINs carry the ack of the handshake only: neither has seen the other's FIN yet.
  s.step({ from: 'c', flags: 'FA' });
  // The server's FIN must not acknowledge the client's FIN: it is sent before the client's arrives.
  const serverFin = s.packets.length;
  s.step({ from: 's', flags: 'FA', dt: 0.001 });
  // Rewrite the server FIN's ack to the client's pre-FIN sequence number (1001).
  const frame = s.packets[serverFin].data;
  patchAck(frame, 1001);
  return s.step({ from: 'c', flags: 'A' }).step({ from: 's', flags: 'A', dt: 0.001 });
}

/**
 * 11 packets: handshake (1-3); the client sends three 100-byte segments, the second one is lost
 * before the capture point (4, 5); the server acks the first and then dup-ACKs it (6, 7); the client
 * retransmits the lost one (8), the server acks everything (9); the client closes (10 FIN, 11 FIN,ACK
 * from the server, which is not acknowledged in the capture).
 */
export function lossy(): TcpScript {
  const s = new TcpScript().handshake();
  s.step({ from: 'c', flags: 'PA', len: 100 }); // 4: bytes 1-100
  s.step({ from: 'c', flags: 'PA', len: 100, lost: true }); // bytes 101-200, never captured
  s.step({ from: 'c', flags: 'PA', len: 100, dt: 0.001 }); // 5: bytes 201-300, after a hole
  // 6, 7: the server acknowledges 101 twice (the second is a duplicate ACK).
  const ackAt = (): void => { patchAck(s.packets[s.packets.length - 1].data, 1101); };
  s.step({ from: 's', flags: 'A' }); ackAt();
  s.step({ from: 's', flags: 'A', dt: 0.001 }); ackAt();
  s.step({ from: 'c', flags: 'PA', len: 100, seqBack: 200 }); // 8: the retransmission of 101-200
  s.step({ from: 's', flags: 'A' }); // 9: acks 301
  s.step({ from: 'c', flags: 'FA' }); // 10
  return s.step({ from: 's', flags: 'FA' }); // 11
}

/** Rewrites the TCP acknowledgment number of an Ethernet+IPv4+TCP frame and fixes its checksum. */
function patchAck(frame: Uint8Array, ack: number): void {
  const tcpAt = 14 + 20;
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  dv.setUint32(tcpAt + 8, ack >>> 0);
  // Recompute the checksum over the pseudo-header and segment (RFC 9293 §3.1).
  dv.setUint16(tcpAt + 16, 0);
  let sum = 0;
  const add16 = (v: number): void => { sum += v; };
  for (let i = 26; i < 34; i += 2) add16(dv.getUint16(i)); // IPv4 source and destination
  const tcpLength = frame.length - tcpAt;
  add16(6);
  add16(tcpLength);
  for (let i = tcpAt; i < frame.length; i += 2) add16(i + 1 < frame.length ? dv.getUint16(i) : frame[i] << 8);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  dv.setUint16(tcpAt + 16, ~sum & 0xffff);
}

/** The name a hostile capture carries to test that reports never let wire text become markup. */
export const HOSTILE_NAME = '</script><img src=x onerror=alert(1)>';

/**
 * A mixed capture for the HTML report: the handshake-data-close flow (flow 0, packets 1-10), a
 * second connection to the same server that is reset, and a DNS query and answer whose name holds
 * HOSTILE_NAME. Times follow one another; all packets are from LADDER_T0 on.
 */
export function htmlDemo(): Buffer {
  const first = handshakeDataClose().packets;
  const second = new TcpScript('10.0.0.3', '10.0.0.2', 40001, 80).handshake()
    .step({ from: 'c', flags: 'PA', len: 80 }).step({ from: 's', flags: 'RA' }).packets
    .map((p) => ({ ...p, time: (p.time as number) + 1.5 }));
  const name = `${HOSTILE_NAME}.example`;
  const query = dnsPacket.encode({ type: 'query', id: 0x1234, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name }] });
  const answer = dnsPacket.encode({
    type: 'response', id: 0x1234, flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
    questions: [{ type: 'A', name }], answers: [{ type: 'A', name, ttl: 60, data: '10.0.0.2' }],
  });
  const dns: WrittenPacket[] = [
    { time: LADDER_T0 + 3, data: udpFrame({ src: '10.0.0.1', dst: '10.0.0.53', srcPort: 50000, dstPort: 53, payload: query }) },
    { time: LADDER_T0 + 3.02, data: udpFrame({ src: '10.0.0.53', dst: '10.0.0.1', srcPort: 53, dstPort: 50000, payload: answer }) },
  ];
  return writePcap([...first, ...second, ...dns]);
}
