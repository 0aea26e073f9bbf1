/**
 * Hostile input, one attack at a time, through the whole pipeline (analyzeCapture): each must end
 * in a report that says what was wrong and keeps everything before it. Expected values follow from
 * the bytes built here: packet numbers, counts, offsets and the readers' and decoders' messages.
 */
import { afterAll, describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import { writePcap, writePcapng, type WrittenPacket } from '../helpers/capture-file.js';
import { concat, hex, tcpFrame, udpFrame } from '../helpers/packets.js';
import { clientHello, cryptoFrame, initialPacket } from '../helpers/quic.js';
import { analyzeBytes, expectReport, scratch } from '../helpers/analyze.js';
import { OPEN_FINDINGS } from './open-findings.js';

const dir = scratch();
afterAll(() => dir.cleanup());

const T = 1_700_000_000;
/** Ethernet (14) + IPv4 (20): where a transport header starts in the frames built here. */
const TRANSPORT = 34;

// ------------------------------------------------------------------------------------------ DNS

const CLIENT = { src: '10.0.0.1', dst: '10.0.0.53', srcPort: 40000, dstPort: 53 };
const SERVER = { src: '10.0.0.53', dst: '10.0.0.1', srcPort: 53, dstPort: 40000 };
const QUERY = dnsPacket.encode({ type: 'query', id: 0x1234, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name: 'example.com' }] });
/** The question as a response repeats it: "example.com" at offset 12 (RFC 1035 §4.1.2), type A, class IN. */
const QUESTION = concat(hex('07'), 'example', hex('03'), 'com', hex('00 0001 0001'));

/** A query (packet 1) and the response `answer` to it (packet 2), 10 ms apart. */
async function exchange(name: string, answer: Uint8Array) {
  return expectReport(await analyzeBytes(dir, name, writePcap([
    { time: T, data: udpFrame({ ...CLIENT, payload: QUERY }) },
    { time: T + 0.01, data: udpFrame({ ...SERVER, payload: answer }) },
  ])));
}

/**
 * A response whose second answer's name is reached through a chain of compression pointers, each
 * naming the one before it, the first naming the question's "example.com" (offset 12). The chain
 * lives in the RDATA of a NULL record (type 10) and fills every offset a 14-bit pointer can reach
 * (RFC 1035 §4.1.4). With `label`, each link is a 1-byte label "a" then the pointer, so the name
 * grows by 2 bytes a hop and passes the 255-byte limit (RFC 1035 §2.3.4).
 */
function pointerChain(label: boolean): { message: Uint8Array; pointers: number } {
  const rdataStart = 12 + QUESTION.length + 12; // NULL record: name (pointer, 2) + type, class, TTL, RDLENGTH (10)
  const step = label ? 4 : 2;
  const links = Math.floor((0x3fff - rdataStart) / step) + 1;
  const rdata = new Uint8Array(links * step);
  for (let i = 0; i < links; i++) {
    const target = i === 0 ? 12 : rdataStart + step * (i - 1);
    if (label) rdata.set([1, 0x61], step * i);
    rdata.set([0xc0 | (target >> 8), target & 0xff], step * i + step - 2);
  }
  const last = rdataStart + step * (links - 1);
  const message = concat(
    hex('1234 8180 0001 0002 0000 0000'), QUESTION,
    hex('c00c 000a 0001 0000012c'), Uint8Array.of(rdata.length >> 8, rdata.length & 0xff), rdata,
    Uint8Array.of(0xc0 | (last >> 8), last & 0xff), hex('0001 0001 0000012c 0004 c0000201'),
  );
  return { message, pointers: links + 1 };
}

describe('DNS compression pointers (RFC 1035 §4.1.4)', () => {
  it('a pointer to itself is a malformed response, still matched to its query by ID', async () => {
    // Question name at 12 is "c0 0c": a pointer to its own offset, which never reaches a label.
    const loop = hex('1234 8180 0001 0001 0000 0000  c00c 0001 0001  c00c 0001 0001 0000012c 0004 c0000201');
    const r = await exchange('pointer-loop.pcap', loop);
    expect(r.dns.malformed).toEqual([{ packet: 2, reason: 'Cannot decode name (bad pointer)' }]);
    expect(r.dns.transactions.map((t) => [t.qname, t.outcome, t.queryPackets, t.responsePackets])).toEqual([['example.com', 'answered', [1], [2]]]);
    expect(r.capture.undecoded).toEqual({});
  });

  it('two pointers naming each other (a forward one) are malformed, not a hang', async () => {
    // Question name "c0 0e" points forward to offset 14, whose "c0 0c" points back at 12.
    const cycle = hex('1234 8180 0001 0000 0000 0000  c00e c00c 0001 0001');
    const r = await exchange('pointer-cycle.pcap', cycle);
    expect(r.dns.malformed).toEqual([{ packet: 2, reason: 'Cannot decode name (bad pointer)' }]);
    expect(r.dns.summary.answered).toBe(1);
  });

  it('the longest chain 14-bit pointers allow (8,173 hops) decodes: every hop is backward, so it ends', async () => {
    const { message, pointers } = pointerChain(false);
    expect(pointers).toBe(8173);
    expect(message.length).toBe(0x3fff + 2 + 16); // the last link sits at 0x3fff, then the 16-byte A record
    const r = await exchange('pointer-chain.pcap', message);
    expect(r.dns.malformed).toEqual([]);
    expect(r.dns.transactions.map((t) => [t.qname, t.outcome, t.answers, t.rcode])).toEqual([['example.com', 'answered', 2, 'NOERROR']]);
  });

  it('a chain that adds a label each hop passes 255 bytes: malformed (name too long), still answered', async () => {
    const { pointers } = pointerChain(true);
    expect(pointers).toBe(4087);
    const r = await exchange('label-chain.pcap', pointerChain(true).message);
    expect(r.dns.malformed).toEqual([{ packet: 2, reason: 'Cannot decode name (name too long)' }]);
    expect(r.dns.transactions.map((t) => [t.outcome, t.responsePackets])).toEqual([['answered', [2]]]);
  });

  it('a header claiming 4 x 65535 records is malformed without reading them', async () => {
    const claims = concat(hex('1234 8180 0001 ffff ffff ffff'), QUESTION);
    const r = await exchange('dns-counts.pcap', claims);
    expect(r.dns.malformed).toEqual([{ packet: 2, reason: 'header claims 196606 records, more than 1000' }]);
    expect(r.dns.transactions.map((t) => [t.qname, t.outcome])).toEqual([['example.com', 'answered']]);
  });
});

// ------------------------------------------------------------------------------------------ capture files

/** Three 60-byte frames; in pcapng each EPB is 28 + 60 + 4 = 92 bytes after SHB (28) and IDB (20). */
const THREE: WrittenPacket[] = [1, 2, 3].map((i) => ({
  time: T + i, data: tcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', srcPort: 40000, dstPort: 80, seq: i, flags: 'A', payload: new Uint8Array(6) }),
}));
const EPB = [48, 140, 232];

describe('pcapng block total length (draft-ietf-opsawg-pcapng §3.1)', () => {
  const cases: [string, number, string][] = [
    ['0', 0, 'block total length 0 is not a multiple of 4 between 12 and 16777216'],
    ['huge', 0xfffffff0, 'block total length 4294967280 is not a multiple of 4 between 12 and 16777216'],
    ['not a multiple of 4', 93, 'block total length 93 is not a multiple of 4 between 12 and 16777216'],
  ];
  for (const [name, length, message] of cases) {
    it(`${name} in packet 2's block: packet 1 analyzed, then an error naming packet and offset`, async () => {
      const file = writePcapng({ interfaces: [{ linkType: 1 }], packets: THREE });
      expect([file.readUInt32LE(EPB[1]), file.readUInt32LE(EPB[1] + 4)]).toEqual([6, 92]);
      file.writeUInt32LE(length, EPB[1] + 4);
      const r = expectReport(await analyzeBytes(dir, `block-${length}.pcapng`, file));
      expect(r.capture.packets).toBe(1);
      expect(r.tcp.flows.map((f) => [f.firstPacket, f.lastPacket, f.packets])).toEqual([[1, 1, 1]]);
      expect(r.capture.error).toMatch(new RegExp(`block-${length}\\.pcapng: packet 2 at byte offset 140: ${message}$`));
      expect(r.warnings).toEqual([]);
    });
  }

  it('a length within the limit that runs past the end of the file reads as a truncated last packet', async () => {
    const file = writePcapng({ interfaces: [{ linkType: 1 }], packets: THREE });
    file.writeUInt32LE(0x100000, EPB[1] + 4);
    const path = dir.write('block-past-end.pcapng', file);
    const r = expectReport(await analyzeBytes(dir, 'block-past-end.pcapng', file));
    expect(r.capture.packets).toBe(1);
    expect(r.capture.error).toBeUndefined();
    expect(r.warnings).toEqual([`${path}: packet 2 truncated at byte offset 140 (has ${file.length - 140} of 1048576 bytes)`]);
  });
});

describe('classic pcap captured length (pcap(5) record header)', () => {
  for (const reader of ['pcap-parser', 'builtin'] as const) {
    it(`${reader}: a huge caplen in record 3 stops there with an error; packets 1-2 analyzed`, async () => {
      const file = writePcap(THREE);
      const record3 = 24 + 2 * (16 + 60);
      file.writeUInt32LE(0xfffffff0, record3 + 8);
      const r = expectReport(await analyzeBytes(dir, `caplen-${reader}.pcap`, file, { reader }));
      expect(r.capture.packets).toBe(2);
      expect(r.tcp.flows[0]?.packets).toBe(2);
      expect(r.capture.error).toMatch(/caplen-.*\.pcap: packet 3 at byte offset 176: captured length 4294967280 exceeds the limit of 262144 bytes \(corrupt record header\)$/);
    });
  }
});

// ------------------------------------------------------------------------------------------ IP and transport headers

/** One frame, analyzed alone. */
async function single(name: string, frame: Uint8Array) {
  return expectReport(await analyzeBytes(dir, name, writePcap([{ time: T, data: frame }])));
}

const SYN = tcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', srcPort: 40000, dstPort: 80, seq: 1, flags: 'S' });
const patched = (frame: Uint8Array, at: number, ...bytes: number[]): Uint8Array => {
  const out = new Uint8Array(frame);
  out.set(bytes, at);
  return out;
};

describe('length fields in IP, TCP and UDP headers', () => {
  it('IPv4 IHL < 5 (RFC 791 §3.1): counted as "ipv4: bad ihl", nothing else', async () => {
    for (const ihl of [0, 1, 4]) {
      const r = await single(`ihl-${ihl}.pcap`, patched(SYN, 14, 0x40 | ihl));
      expect([r.capture.packets, r.capture.undecoded, r.tcp.flows.length]).toEqual([1, { 'ipv4: bad ihl': 1 }, 0]);
    }
  });

  it('IPv4 total length shorter than the header: "ipv4: bad total-length"', async () => {
    const r = await single('total-length.pcap', patched(SYN, 16, 0, 19));
    expect(r.capture.undecoded).toEqual({ 'ipv4: bad total-length': 1 });
  });

  it('TCP data offset < 5 (RFC 9293 §3.1): the segment still counts in its stream, as in tshark', async () => {
    const r = await single('tcp-offset-4.pcap', patched(SYN, TRANSPORT + 12, 0x40));
    expect(r.capture.packets).toBe(1);
    expect(r.tcp.flows.map((f) => [f.client, f.server, f.firstPacket, f.packets, f.connState])).toEqual([['10.0.0.1:40000', '10.0.0.2:80', 1, 1, 'S0']]);
  });

  it.skipIf('tcp-bogus-offset-payload' in OPEN_FINDINGS)('TCP data offset < 5: no payload is counted from a bogus header', async () => {
    // The IP header claims a 20-byte segment: with no valid header length there is no payload to count.
    const r = await single('tcp-offset-4b.pcap', patched(SYN, TRANSPORT + 12, 0x40));
    expect(r.tcp.flows.map((f) => [f.payloadBytes, f.history, f.analysis.retransmissions])).toEqual([[{ client: 0, server: 0 }, 'S', 0]]);
  });

  it('TCP data offset past the segment (15 words, 20 bytes captured): counted, no payload', async () => {
    const r = await single('tcp-offset-15.pcap', patched(SYN, TRANSPORT + 12, 0xf0));
    expect(r.tcp.flows.map((f) => [f.packets, f.payloadBytes, f.history])).toEqual([[1, { client: 0, server: 0 }, 'S']]);
  });

  const query = udpFrame({ ...CLIENT, payload: QUERY });
  it('UDP length < 8 (RFC 768): "udp: bad length", the DNS query inside is not read', async () => {
    for (const length of [0, 4, 7]) {
      const r = await single(`udp-${length}.pcap`, patched(query, TRANSPORT + 4, 0, length));
      expect([r.capture.undecoded, r.dns.summary.queries]).toEqual([{ 'udp: bad length': 1 }, 0]);
    }
  });

  it.skipIf('dns-from-tunnel-port' in OPEN_FINDINGS)('a DNS query from source port 4789 (VXLAN\'s) to 53 is DNS, as Wireshark reads it (lower port first)', async () => {
    // ID 0x0800: the first byte reads as VXLAN's flags with the I bit (RFC 7348 §5), the rest as reserved bits and VNI.
    const query = dnsPacket.encode({ type: 'query', id: 0x0800, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name: 'example.com' }] });
    const r = await single('dns-from-4789.pcap', udpFrame({ ...CLIENT, srcPort: 4789, payload: query }));
    expect([r.capture.undecoded, r.dns.transactions.map((t) => [t.qname, t.client])]).toEqual([{}, [['example.com', '10.0.0.1:4789']]]);
  });

  it('UDP length past the datagram: the payload is what was captured; the query still reads', async () => {
    const r = await single('udp-long.pcap', patched(query, TRANSPORT + 4, 0x01, 0x00));
    expect(r.capture.undecoded).toEqual({});
    expect(r.dns.transactions.map((t) => [t.qname, t.outcome, t.queryPackets])).toEqual([['example.com', 'unanswered', [1]]]);
  });
});

describe('QUIC Length varint (RFC 9000 §17.2, §16)', () => {
  const dcid = hex('8394c8f03e515708');
  const initial = initialPacket({ side: 'client', dcid, scid: hex('c1c2c3c4'), frames: cryptoFrame(0, clientHello({ serverName: 'quic.example' })), padTo: 1200 });
  /** First byte, version, DCID length + 8, SCID length + 4, token length (0): the Length varint follows. */
  const LENGTH_AT = 1 + 4 + 1 + 8 + 1 + 4 + 1;
  const datagram = (payload: Uint8Array) => udpFrame({ src: '10.0.0.1', dst: '10.0.0.2', srcPort: 50000, dstPort: 443, payload });

  it('the builder wrote a 2-byte Length covering the rest of the 1200-byte datagram', () => {
    expect(initial.length).toBe(1200);
    expect(((initial[LENGTH_AT] & 0x3f) << 8) | initial[LENGTH_AT + 1]).toBe(1200 - LENGTH_AT - 2);
  });

  it('a Length past the datagram end (16383): the connection is still opened from the bytes there are', async () => {
    const r = await single('quic-length-past.pcap', datagram(patched(initial, LENGTH_AT, 0x7f, 0xff)));
    expect(r.quic.connections.map((c) => [c.clientInitialDcid, c.datagrams, c.handshake, c.firstPacket])).toEqual([['8394c8f03e515708', 1, 'initial-only', 1]]);
    expect(r.quic.unattributed.datagrams).toBe(0);
  });

  it('an 8-byte Length prefix reading into the packet number: still one connection, its hello unreadable', async () => {
    const r = await single('quic-length-8.pcap', datagram(patched(initial, LENGTH_AT, 0xc0 | (initial[LENGTH_AT] & 0x3f))));
    expect(r.quic.connections.map((c) => [c.clientInitialDcid, c.datagrams, c.serverName])).toEqual([['8394c8f03e515708', 1, null]]);
  });

  it('a DCID length over 20 in a v1 long header: not QUIC, an ordinary UDP datagram', async () => {
    const r = await single('quic-dcid-21.pcap', datagram(patched(initial, 5, 21)));
    expect([r.quic.connections.length, r.quic.unattributed.datagrams, r.capture.undecoded]).toEqual([0, 0, {}]);
  });
});
