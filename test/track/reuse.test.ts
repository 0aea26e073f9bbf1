/**
 * The pipeline fills one capture record and one decoded packet (with its IP, TCP and UDP layers)
 * again for every packet, so a tracker that keeps a reference to one of them past its packet
 * would report what a later packet said. REUSE_CHECK.scramble overwrites those structs, and the
 * record's bytes, with garbage right after each packet: a kept reference then shows garbage
 * (port -1, address 'scrambled', 0xee bytes) in the report. Every report must come out exactly
 * as without scrambling.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';
import { afterAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/open.js';
import { decodePacket, PacketDecoder, REUSE_CHECK } from '../../src/decode/decode.js';
import { analyzeCapture } from '../../src/pipeline.js';
import { writePcap, type WrittenPacket } from '../helpers/capture-file.js';
import { ethernet, icmpUnreachable, ipv4, ipv4Fragments, IP_PROTO, tcpFrame, udp, udpFrame, vxlan } from '../helpers/packets.js';
import { expectReport, scratch } from '../helpers/analyze.js';

const T0 = 1_700_000_000;
const CLIENT = '10.1.0.1';
const SERVER = '10.1.0.2';
const RESOLVER = '10.1.0.53';

function dnsQuery(id: number, name: string): Buffer {
  return dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name }] });
}

function dnsAnswer(id: number, name: string): Buffer {
  return dnsPacket.encode({
    type: 'response', id, flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
    questions: [{ type: 'A', name }], answers: [{ type: 'A', name, ttl: 60, data: '192.0.2.7' }],
  });
}

/** RFC 7766 §8: a DNS message over TCP is preceded by its two-byte length. */
function framed(message: Buffer): Buffer {
  const out = Buffer.alloc(2 + message.length);
  out.writeUInt16BE(message.length, 0);
  message.copy(out, 2);
  return out;
}

/**
 * One capture in which every tracker keeps something from packets: TCP with options and an HTTP
 * exchange whose response arrives out of order (the reassembler holds a copy), DNS over UDP and
 * over TCP, an ICMP error quoting a query, a fragmented DNS query, and a TCP SYN inside VXLAN.
 */
function mixedCapture(): WrittenPacket[] {
  const packets: WrittenPacket[] = [];
  let t = T0;
  const add = (data: Uint8Array): void => { packets.push({ time: (t += 0.01), data }); };
  const c = { src: CLIENT, dst: SERVER, srcPort: 40000, dstPort: 80 };
  const s = { src: SERVER, dst: CLIENT, srcPort: 80, dstPort: 40000 };
  const request = 'GET /index.html HTTP/1.1\r\nHost: example.test\r\nCookie: session=abc\r\n\r\n';
  const response = 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\nSet-Cookie: session=def\r\n\r\n0123456789';
  const half = 30;
  add(tcpFrame({ ...c, seq: 1000, flags: 'S', options: { mss: 1460, windowScale: 7, sackPermitted: true, timestamp: [1, 0] } }));
  add(tcpFrame({ ...s, seq: 5000, ack: 1001, flags: 'SA', options: { mss: 1400, windowScale: 8, sackPermitted: true, timestamp: [9, 1] } }));
  add(tcpFrame({ ...c, seq: 1001, ack: 5001, flags: 'A', options: { timestamp: [2, 9] } }));
  add(tcpFrame({ ...c, seq: 1001, ack: 5001, flags: 'PA', payload: request, options: { timestamp: [3, 9] } }));
  // The second half of the response first: held out of order until the first half fills the hole.
  add(tcpFrame({ ...s, seq: 5001 + half, ack: 1001 + request.length, flags: 'PA', payload: response.slice(half), options: { timestamp: [10, 3] } }));
  add(tcpFrame({ ...c, seq: 1001 + request.length, ack: 5001, flags: 'A', options: { timestamp: [4, 10], sack: [5001 + half, 5001 + response.length] } }));
  add(tcpFrame({ ...s, seq: 5001, ack: 1001 + request.length, flags: 'PA', payload: response.slice(0, half), options: { timestamp: [11, 4] } }));
  add(tcpFrame({ ...c, seq: 1001 + request.length, ack: 5001 + response.length, flags: 'FA', options: { timestamp: [5, 11] } }));
  add(tcpFrame({ ...s, seq: 5001 + response.length, ack: 1002 + request.length, flags: 'FA', options: { timestamp: [12, 5] } }));
  add(tcpFrame({ ...c, seq: 1002 + request.length, ack: 5002 + response.length, flags: 'A', options: { timestamp: [6, 12] } }));

  // DNS over UDP, answered.
  add(udpFrame({ src: CLIENT, dst: RESOLVER, srcPort: 50001, dstPort: 53, payload: dnsQuery(1, 'a.example') }));
  add(udpFrame({ src: RESOLVER, dst: CLIENT, srcPort: 53, dstPort: 50001, payload: dnsAnswer(1, 'a.example') }));
  // DNS over TCP: handshake, query, answer, close.
  const dc = { src: CLIENT, dst: RESOLVER, srcPort: 50002, dstPort: 53 };
  const ds = { src: RESOLVER, dst: CLIENT, srcPort: 53, dstPort: 50002 };
  const q = framed(dnsQuery(2, 'b.example'));
  const a = framed(dnsAnswer(2, 'b.example'));
  add(tcpFrame({ ...dc, seq: 100, flags: 'S' }));
  add(tcpFrame({ ...ds, seq: 700, ack: 101, flags: 'SA' }));
  add(tcpFrame({ ...dc, seq: 101, ack: 701, flags: 'PA', payload: q }));
  add(tcpFrame({ ...ds, seq: 701, ack: 101 + q.length, flags: 'PA', payload: a }));
  add(tcpFrame({ ...dc, seq: 101 + q.length, ack: 701 + a.length, flags: 'FA' }));
  add(tcpFrame({ ...ds, seq: 701 + a.length, ack: 102 + q.length, flags: 'FA' }));
  // A query refused with an ICMP port unreachable quoting it.
  const refused = ipv4({ src: CLIENT, dst: RESOLVER, protocol: IP_PROTO.UDP, payload: udp({ srcPort: 50003, dstPort: 53, payload: dnsQuery(3, 'c.example') }) });
  add(ethernet(refused));
  add(ethernet(ipv4({ src: RESOLVER, dst: CLIENT, protocol: IP_PROTO.ICMP, payload: icmpUnreachable(refused) })));
  // A DNS query in two IPv4 fragments, then its answer.
  const big = dnsQuery(4, `${'x'.repeat(60)}.example`);
  for (const f of ipv4Fragments({ src: CLIENT, dst: RESOLVER, protocol: IP_PROTO.UDP, id: 77, payload: udp({ srcPort: 50004, dstPort: 53, payload: big }) }, 48)) add(ethernet(f));
  add(udpFrame({ src: RESOLVER, dst: CLIENT, srcPort: 53, dstPort: 50004, payload: dnsAnswer(4, `${'x'.repeat(60)}.example`) }));
  // A SYN and its SYN-ACK inside VXLAN.
  const inner = tcpFrame({ src: '192.168.9.1', dst: '192.168.9.2', srcPort: 41000, dstPort: 443, seq: 9, flags: 'S' });
  const innerReply = tcpFrame({ src: '192.168.9.2', dst: '192.168.9.1', srcPort: 443, dstPort: 41000, seq: 90, ack: 10, flags: 'SA' });
  add(udpFrame({ src: '172.16.0.1', dst: '172.16.0.2', srcPort: 51000, dstPort: 4789, payload: vxlan(inner) }));
  add(udpFrame({ src: '172.16.0.2', dst: '172.16.0.1', srcPort: 51001, dstPort: 4789, payload: vxlan(innerReply) }));
  return packets;
}

function capturesUnder(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return capturesUnder(p);
    return /\.(pcap|pcapng)$/.test(name) ? [p] : [];
  });
}

async function scrambledAndPlain(path: string): Promise<[string, string]> {
  const plain = JSON.stringify(await analyzeCapture(path));
  REUSE_CHECK.scramble = true;
  try {
    return [JSON.stringify(await analyzeCapture(path)), plain];
  } finally {
    REUSE_CHECK.scramble = false;
  }
}

describe('no tracker keeps a reference to the reused record or packet structs', () => {
  const dir = scratch('statecap-reuse-');
  afterAll(() => dir.cleanup());

  it('a capture that exercises every tracker reports the same with the structs scrambled after each packet', async () => {
    const path = dir.write('mixed.pcap', writePcap(mixedCapture()));
    const [scrambled, plain] = await scrambledAndPlain(path);
    // The capture reached what it is meant to exercise (else the comparison would prove little):
    const r = expectReport(JSON.parse(plain));
    // 10 packets of the HTTP flow, 6 of DNS over TCP, and the tunnelled SYN / SYN-ACK as a third flow.
    expect(r.tcp.flows.map((f) => [f.client, f.server, f.packets])).toEqual([
      ['10.1.0.1:40000', '10.1.0.2:80', 10], ['10.1.0.1:50002', '10.1.0.53:53', 6], ['192.168.9.1:41000', '192.168.9.2:443', 2],
    ]);
    // One HTTP exchange read from the reassembled stream (its response was held out of order).
    expect((r as unknown as { http: { exchanges: unknown[] } }).http.exchanges).toHaveLength(1);
    // Four DNS transactions: over UDP (1), over TCP (2), refused by ICMP (3), fragmented (4).
    expect((r as unknown as { dns: { transactions: { id: number }[] } }).dns.transactions.map((t) => t.id).sort()).toEqual([1, 2, 3, 4]);
    expect(scrambled).toBe(plain);
  });

  it('a PacketDecoder decodes each packet as decodePacket does, whatever the packet before it set', async () => {
    // Run over packets of every kind in a row, a field left over from the previous packet (one
    // the decoder forgot to clear, such as the tunnel datagrams of a VXLAN packet) shows up here.
    const paths = [dir.write('sequence.pcap', writePcap(mixedCapture())), ...capturesUnder(join(import.meta.dirname, '..', '..', 'fixtures'))];
    const decoder = new PacketDecoder();
    let compared = 0;
    let tunnelled = 0;
    for (const path of paths) {
      await readCapture(path, (record) => {
        const reused = decoder.decode(record);
        expect(reused, `${path} packet ${record.number}`).toEqual(decodePacket(record));
        if (reused.tunnelDatagrams !== undefined) tunnelled++;
        compared++;
      });
    }
    expect(tunnelled).toBe(2); // the VXLAN SYN and SYN-ACK; the next capture's packets have no tunnel
    expect(compared).toBeGreaterThan(300);
  });

  it('the committed fixtures report the same with the structs scrambled after each packet', async () => {
    const fixtures = capturesUnder(join(import.meta.dirname, '..', '..', 'fixtures'));
    expect(fixtures.length).toBeGreaterThan(5);
    for (const path of fixtures) {
      const [scrambled, plain] = await scrambledAndPlain(path);
      expect(scrambled, path).toBe(plain);
    }
  });
});
