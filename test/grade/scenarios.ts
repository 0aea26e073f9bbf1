/**
 * Lab scenarios as real capture files, built from the project's test helpers (frame builders,
 * pcap writer, QUIC packet sealing): what a student's capture of a TCP, DNS or QUIC lab holds,
 * done right or with a typical mistake. Used by the grading tests and by
 * examples/rubrics/make-samples.test.ts to write the sample submissions.
 */
import dnsPacket from 'dns-packet';
import { writePcap, type WrittenPacket } from '../helpers/capture-file.js';
import { tcpFrame, udpFrame } from '../helpers/packets.js';
import { clientHello, cryptoFrame, hex, initialPacket, longPacket, serverHello, shortPacket, ackFrame } from '../helpers/quic.js';

export interface Endpoint {
  ip: string;
  port: number;
}

/** Packets of a scenario, in capture order, with times in seconds. */
export class Timeline {
  readonly packets: WrittenPacket[] = [];
  constructor(public time = 1_714_564_800) {}

  add(data: Uint8Array, gap = 0.001): this {
    this.time += gap;
    this.packets.push({ time: Math.round(this.time * 1e6) / 1e6, data });
    return this;
  }

  pcap(): Buffer {
    return writePcap(this.packets);
  }
}

export interface TcpOptions {
  /** How the connection ends: both FINs (client first), a RST from the client, or not at all. */
  close?: 'fin' | 'reset' | 'open';
  /** The server answers the SYN with RST-ACK (nothing listens). */
  refused?: boolean;
  request?: string | Uint8Array;
  response?: string | Uint8Array;
}

function bytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? new TextEncoder().encode(data) : data;
}

/** A TCP connection: handshake, one request and response, then the close asked for. */
export function tcpConnection(t: Timeline, client: Endpoint, server: Endpoint, o: TcpOptions = {}): Timeline {
  const c = { src: client.ip, dst: server.ip, srcPort: client.port, dstPort: server.port };
  const s = { src: server.ip, dst: client.ip, srcPort: server.port, dstPort: client.port };
  let cseq = 1000;
  let sseq = 5000;
  t.add(tcpFrame({ ...c, seq: cseq, flags: 'S', options: { mss: 1460 } }));
  if (o.refused) return t.add(tcpFrame({ ...s, seq: 0, ack: cseq + 1, flags: 'RA' }));
  t.add(tcpFrame({ ...s, seq: sseq, ack: cseq + 1, flags: 'SA', options: { mss: 1460 } }));
  cseq += 1;
  sseq += 1;
  t.add(tcpFrame({ ...c, seq: cseq, ack: sseq, flags: 'A' }));
  const request = bytes(o.request ?? 'GET / HTTP/1.1\r\nHost: lab\r\n\r\n');
  const response = bytes(o.response ?? 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
  t.add(tcpFrame({ ...c, seq: cseq, ack: sseq, flags: 'PA', payload: request }));
  cseq += request.length;
  t.add(tcpFrame({ ...s, seq: sseq, ack: cseq, flags: 'PA', payload: response }));
  sseq += response.length;
  t.add(tcpFrame({ ...c, seq: cseq, ack: sseq, flags: 'A' }));
  if (o.close === 'reset') return t.add(tcpFrame({ ...c, seq: cseq, ack: sseq, flags: 'RA' }));
  if (o.close === 'open') return t;
  t.add(tcpFrame({ ...c, seq: cseq, ack: sseq, flags: 'FA' }));
  cseq += 1;
  t.add(tcpFrame({ ...s, seq: sseq, ack: cseq, flags: 'A' }));
  t.add(tcpFrame({ ...s, seq: sseq, ack: cseq, flags: 'FA' }));
  sseq += 1;
  return t.add(tcpFrame({ ...c, seq: cseq, ack: sseq, flags: 'A' }));
}

function dnsQuery(id: number, qname: string, qtype: 'A' | 'AAAA'): Buffer {
  return dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: qtype, name: qname, class: 'IN' }] });
}

function dnsAnswer(id: number, qname: string, qtype: 'A' | 'AAAA', rcode: 'NOERROR' | 'NXDOMAIN' = 'NOERROR'): Buffer {
  const answers = rcode === 'NOERROR'
    ? [qtype === 'A' ? { type: 'A' as const, name: qname, ttl: 300, data: '192.0.2.10' } : { type: 'AAAA' as const, name: qname, ttl: 300, data: '2001:db8::10' }]
    : [];
  return dnsPacket.encode({
    type: 'response', id, flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (rcode === 'NXDOMAIN' ? 3 : 0),
    questions: [{ type: qtype, name: qname, class: 'IN' }], answers,
  });
}

export interface DnsOptions {
  id?: number;
  qtype?: 'A' | 'AAAA';
  /** No response at all (the server is down or the packet was lost). */
  unanswered?: boolean;
  rcode?: 'NOERROR' | 'NXDOMAIN';
}

/** A DNS query over UDP and, unless unanswered, its response 12 ms later. */
export function dnsOverUdp(t: Timeline, client: Endpoint, server: Endpoint, qname: string, o: DnsOptions = {}): Timeline {
  const id = o.id ?? 0x1234;
  const qtype = o.qtype ?? 'A';
  t.add(udpFrame({ src: client.ip, dst: server.ip, srcPort: client.port, dstPort: server.port, payload: dnsQuery(id, qname, qtype) }));
  if (o.unanswered) return t;
  return t.add(udpFrame({ src: server.ip, dst: client.ip, srcPort: server.port, dstPort: client.port, payload: dnsAnswer(id, qname, qtype, o.rcode) }), 0.012);
}

/** A DNS query over TCP: handshake, the length-framed query and response (RFC 1035 §4.2.2), both FINs. */
export function dnsOverTcp(t: Timeline, client: Endpoint, server: Endpoint, qname: string, o: DnsOptions = {}): Timeline {
  const id = o.id ?? 0x4321;
  const qtype = o.qtype ?? 'A';
  const frame = (msg: Buffer): Buffer => Buffer.concat([Buffer.from([msg.length >> 8, msg.length & 0xff]), msg]);
  const query = frame(dnsQuery(id, qname, qtype));
  const answer = frame(dnsAnswer(id, qname, qtype, o.rcode));
  return tcpConnection(t, client, server, { request: query, response: answer });
}

export interface QuicOptions {
  serverName?: string | null;
  alpn?: string[];
  /** Stop after the client's Initial (no server answer): the handshake never completes. */
  initialOnly?: boolean;
  /** 8-byte CIDs as hex; defaults differ per connection so several can share a capture. */
  clientDcid?: string;
  clientScid?: string;
  serverScid?: string;
}

/** A QUIC v1 handshake: client Initial with the ClientHello, server Initial + Handshake, client Handshake, then 1-RTT both ways. */
export function quicConnection(t: Timeline, client: Endpoint, server: Endpoint, o: QuicOptions = {}): Timeline {
  const dcid = hex(o.clientDcid ?? '8394c8f03e515708');
  const cscid = hex(o.clientScid ?? 'c1a0c1a0c1a0c1a0');
  const sscid = hex(o.serverScid ?? '5e775e775e775e77');
  const hello = clientHello({ serverName: o.serverName === undefined ? 'lab.example' : o.serverName, alpn: o.alpn ?? ['h3'] });
  const c2s = (payload: Uint8Array) => udpFrame({ src: client.ip, dst: server.ip, srcPort: client.port, dstPort: server.port, payload });
  const s2c = (payload: Uint8Array) => udpFrame({ src: server.ip, dst: client.ip, srcPort: server.port, dstPort: client.port, payload });
  t.add(c2s(initialPacket({ side: 'client', dcid, scid: cscid, frames: cryptoFrame(0, hello), padTo: 1200 })));
  if (o.initialOnly) return t;
  const serverInitial = initialPacket({ side: 'server', dcid: cscid, scid: sscid, keyCid: dcid, frames: new Uint8Array([...ackFrame(0), ...cryptoFrame(0, serverHello())]) });
  t.add(s2c(new Uint8Array([...serverInitial, ...longPacket({ type: 'handshake', dcid: cscid, scid: sscid, payloadLength: 200 })])), 0.02);
  t.add(c2s(longPacket({ type: 'handshake', dcid: sscid, scid: cscid, payloadLength: 60 })), 0.001);
  t.add(c2s(shortPacket(sscid, 40)), 0.001);
  return t.add(s2c(shortPacket(cscid, 300)), 0.02);
}
