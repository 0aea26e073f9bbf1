import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { MAX_PER_KEY } from '../../../src/track/dns/matcher.js';
import { DnsTracker } from '../../../src/track/dns/tracker.js';
import { T0, framed, icmpUnreachable, query, response, tcpFlow, udpPacket } from './dns-helpers.js';

const CLIENT = '10.0.0.7';
const SERVER = '10.0.0.53';
const c = (port: number): [string, number] => [CLIENT, port];
const S: [string, number] = [SERVER, 53];

describe('UDP matching', () => {
  it('a query and its answer: one answered transaction with rtt, rcode, flags and answers', () => {
    const dns = new DnsTracker();
    expect(dns.observeUdp(udpPacket(1, 0, c(40000), S, query(0x1111, 'example.com')))).toBe(true);
    expect(dns.observeUdp(udpPacket(2, 0.25, S, c(40000), response(0x1111, 'example.com', { addresses: ['192.0.2.1', '192.0.2.2'] })))).toBe(true);
    const r = dns.finish();
    expect(r.transactions).toEqual([
      {
        index: 0, id: 0x1111, client: '10.0.0.7:40000', server: '10.0.0.53:53', transport: 'udp',
        qname: 'example.com', qtype: 'A', qclass: 'IN', queryPackets: [1], responsePackets: [2],
        queryTime: T0, responseTime: T0 + 0.25, rtt: 0.25, rcode: 'NOERROR',
        flags: { aa: false, tc: false, rd: true, ra: true }, answers: 2, outcome: 'answered',
        retransmissions: 0, duplicateResponses: 0, retriedOverTcp: null, responseFrom: [], idReused: false,
      },
    ]);
    expect(r.summary).toEqual({
      queries: 1, answered: 1, unanswered: 0, late: 0, rejected: 0, unsolicited: 0, malformed: 0,
      rttMedian: 0.25, rttP95: 0.25, rcodes: { NOERROR: 1 },
    });
  });

  it('takes only DNS ports: 53 always, others when configured', () => {
    expect(new DnsTracker().observeUdp(udpPacket(1, 0, c(40000), ['10.0.0.1', 5353], query(1, 'a.local')))).toBe(false);
    const mdns = new DnsTracker({ ports: [5353] });
    expect(mdns.observeUdp(udpPacket(1, 0, c(40000), ['10.0.0.1', 5353], query(1, 'a.local')))).toBe(true);
    expect(mdns.observeUdp(udpPacket(2, 0, c(40001), S, query(2, 'b.example')))).toBe(true);
  });

  it('the same ID from two client ports: two transactions, each response to its own port', () => {
    const dns = new DnsTracker();
    dns.observeUdp(udpPacket(1, 0, c(40000), S, query(0x2222, 'a.example')));
    dns.observeUdp(udpPacket(2, 0.01, c(40001), S, query(0x2222, 'b.example')));
    dns.observeUdp(udpPacket(3, 0.02, S, c(40001), response(0x2222, 'b.example')));
    dns.observeUdp(udpPacket(4, 0.03, S, c(40000), response(0x2222, 'a.example', { rcode: 3 })));
    const r = dns.finish();
    expect(r.transactions.map((t) => [t.client, t.queryPackets, t.responsePackets, t.rcode, t.idReused])).toEqual([
      ['10.0.0.7:40000', [1], [4], 'NXDOMAIN', false],
      ['10.0.0.7:40001', [2], [3], 'NOERROR', false],
    ]);
    expect(r.collisions).toEqual([]);
    expect(r.summary.rcodes).toEqual({ NOERROR: 1, NXDOMAIN: 1 });
  });

  it('a response with the same ID and port but another question is an ID collision, not an answer', () => {
    const dns = new DnsTracker();
    dns.observeUdp(udpPacket(1, 0, c(40000), S, query(0x3333, 'a.example')));
    dns.observeUdp(udpPacket(2, 0.1, S, c(40000), response(0x3333, 'evil.example')));
    const r = dns.finish();
    expect(r.collisions).toEqual([{ packet: 2, id: 0x3333, client: '10.0.0.7:40000', server: '10.0.0.53:53', qname: 'evil.example', transaction: 0 }]);
    expect(r.transactions[0].responsePackets).toEqual([]);
    expect(r.transactions[0].outcome).toBe('unanswered');
    expect(r.unsolicited).toEqual([]);
  });

  it('question names match case-insensitively (0x20 randomisation)', () => {
    const dns = new DnsTracker();
    dns.observeUdp(udpPacket(1, 0, c(40000), S, query(9, 'ExAmPle.CoM')));
    dns.observeUdp(udpPacket(2, 0.1, S, c(40000), response(9, 'example.com')));
    expect(dns.finish().transactions[0].responsePackets).toEqual([2]);
  });

  it('the same ID and port reused later, after the answer: a new transaction', () => {
    const dns = new DnsTracker();
    dns.observeUdp(udpPacket(1, 0, c(40000), S, query(0x4444, 'a.example')));
    dns.observeUdp(udpPacket(2, 0.1, S, c(40000), response(0x4444, 'a.example')));
    dns.observeUdp(udpPacket(3, 30, c(40000), S, query(0x4444, 'a.example')));
    dns.observeUdp(udpPacket(4, 30.2, S, c(40000), response(0x4444, 'a.example', { rcode: 2 })));
    const r = dns.finish();
    expect(r.transactions.map((t) => [t.index, t.queryPackets, t.responsePackets, t.rcode, t.idReused, t.duplicateResponses])).toEqual([
      [0, [1], [2], 'NOERROR', false, 0],
      [1, [3], [4], 'SERVFAIL', false, 0],
    ]);
  });

  it('the same ID and port reused for another question while the first is outstanding: flagged', () => {
    const dns = new DnsTracker();
    dns.observeUdp(udpPacket(1, 0, c(40000), S, query(0x5555, 'a.example')));
    dns.observeUdp(udpPacket(2, 0.5, c(40000), S, query(0x5555, 'b.example')));
    dns.observeUdp(udpPacket(3, 0.6, S, c(40000), response(0x5555, 'a.example')));
    dns.observeUdp(udpPacket(4, 0.7, S, c(40000), response(0x5555, 'b.example')));
    const r = dns.finish();
    expect(r.transactions.map((t) => [t.qname, t.queryPackets, t.responsePackets, t.idReused])).toEqual([
      ['a.example', [1], [3], false],
      ['b.example', [2], [4], true],
    ]);
  });

  it('a response before its query in the file is unsolicited; the query stays unanswered', () => {
    const dns = new DnsTracker();
    dns.observeUdp(udpPacket(1, 0, S, c(40000), response(0x6666, 'a.example')));
    dns.observeUdp(udpPacket(2, 0.001, c(40000), S, query(0x6666, 'a.example')));
    const r = dns.finish();
    expect(r.unsolicited).toEqual([{ packet: 1, id: 0x6666, client: '10.0.0.7:40000', server: '10.0.0.53:53', qname: 'a.example', transport: 'udp' }]);
    expect(r.transactions.map((t) => [t.queryPackets, t.outcome])).toEqual([[[2], 'unanswered']]);
    expect(r.summary.unsolicited).toBe(1);
    expect(r.summary.unanswered).toBe(1);
  });

  it('an unsolicited response aimed at port 53 from an ephemeral port names the port-53 side as server', () => {
    const dns = new DnsTracker();
    dns.observeUdp(udpPacket(1, 0, ['192.0.2.4', 12345], ['10.0.0.53', 53], response(0x1234, 'a.example')));
    dns.observeUdp(udpPacket(2, 0, ['10.0.0.53', 53], ['10.0.0.8', 53], response(0x1235, 'b.example')));
    expect(dns.finish().unsolicited.map((u) => [u.packet, u.client, u.server])).toEqual([
      [1, '192.0.2.4:12345', '10.0.0.53:53'],
      [2, '10.0.0.8:53', '10.0.0.53:53'],
    ]);
  });

  it('a response cut by the snaplen is listed as such and still answers its query', () => {
    const dns = new DnsTracker();
    dns.observeUdp(udpPacket(1, 0, c(40000), S, query(0x4321, 'a.example')));
    const whole = response(0x4321, 'a.example', { addresses: ['192.0.2.1', '192.0.2.2'] });
    const cut = udpPacket(2, 0.1, S, c(40000), whole.subarray(0, 40));
    cut.udp = { srcPort: 53, dstPort: 40000, length: 8 + whole.length, payload: whole.subarray(0, 40) };
    dns.observeUdp(cut);
    const r = dns.finish();
    expect(r.malformed).toEqual([{ packet: 2, reason: `captured 40 of ${whole.length} bytes (snaplen)` }]);
    expect([r.transactions[0].responsePackets, r.transactions[0].answers]).toEqual([[2], 2]);
  });

  it('a retransmitted query joins its transaction; RTT counts from the first query', () => {
    const dns = new DnsTracker();
    dns.observeUdp(udpPacket(1, 0, c(40000), S, query(0x7777, 'a.example')));
    dns.observeUdp(udpPacket(2, 1, c(40000), S, query(0x7777, 'a.example')));
    dns.observeUdp(udpPacket(3, 2, c(40000), S, query(0x7777, 'a.example')));
    dns.observeUdp(udpPacket(4, 2.5, S, c(40000), response(0x7777, 'a.example')));
    const t = dns.finish().transactions;
    expect(t.length).toBe(1);
    expect([t[0].queryPackets, t[0].retransmissions, t[0].responsePackets, t[0].rtt]).toEqual([[1, 2, 3], 2, [4], 2.5]);
  });

  it('the same query again after the timeout starts a new transaction (the first stays unanswered)', () => {
    const dns = new DnsTracker({ timeout: 5 });
    dns.observeUdp(udpPacket(1, 0, c(40000), S, query(0x7778, 'a.example')));
    dns.observeUdp(udpPacket(2, 6, c(40000), S, query(0x7778, 'a.example')));
    dns.observeUdp(udpPacket(3, 6.1, S, c(40000), response(0x7778, 'a.example')));
    const r = dns.finish();
    expect(r.transactions.map((t) => [t.queryPackets, t.responsePackets, t.outcome])).toEqual([
      [[1], [], 'unanswered'],
      [[2], [3], 'answered'],
    ]);
  });

  it('a duplicate response joins the transaction instead of being unsolicited', () => {
    const dns = new DnsTracker();
    dns.observeUdp(udpPacket(1, 0, c(40000), S, query(0x8888, 'a.example')));
    dns.observeUdp(udpPacket(2, 0.1, S, c(40000), response(0x8888, 'a.example')));
    dns.observeUdp(udpPacket(3, 0.2, S, c(40000), response(0x8888, 'a.example')));
    const r = dns.finish();
    expect([r.transactions[0].responsePackets, r.transactions[0].duplicateResponses, r.transactions[0].responseTime]).toEqual([[2, 3], 1, T0 + 0.1]);
    expect(r.unsolicited).toEqual([]);
  });

  it('a response after the timeout is late', () => {
    const dns = new DnsTracker({ timeout: 5 });
    dns.observeUdp(udpPacket(1, 0, c(40000), S, query(0x9999, 'a.example')));
    dns.observeUdp(udpPacket(2, 5.5, S, c(40000), response(0x9999, 'a.example')));
    const r = dns.finish();
    expect([r.transactions[0].outcome, r.transactions[0].rtt]).toEqual(['late', 5.5]);
    expect([r.summary.answered, r.summary.late, r.summary.rttMedian]).toEqual([0, 1, 5.5]);
  });

  it('an ICMP port unreachable quoting the query rejects it; one for another path does not', () => {
    const dns = new DnsTracker();
    dns.observeUdp(udpPacket(1, 0, c(40000), S, query(0xaaaa, 'a.example')));
    dns.observeUdp(udpPacket(2, 0, c(40001), S, query(0xaaab, 'b.example')));
    dns.observeIcmp(icmpUnreachable(3, 0.001, SERVER, c(40000), S));
    dns.observeIcmp(icmpUnreachable(4, 0.002, SERVER, c(40002), S));
    const r = dns.finish();
    expect(r.transactions.map((t) => t.outcome)).toEqual(['rejected', 'unanswered']);
    expect([r.summary.rejected, r.summary.unanswered]).toEqual([1, 1]);
  });

  it('each ICMP error rejects the oldest query on the path not yet rejected', () => {
    const dns = new DnsTracker();
    dns.observeUdp(udpPacket(1, 0, c(40000), S, query(1, 'a.example')));
    dns.observeUdp(udpPacket(2, 0, c(40000), S, query(2, 'b.example')));
    dns.observeIcmp(icmpUnreachable(3, 0.001, SERVER, c(40000), S));
    expect(dns.finish().transactions.map((t) => t.outcome)).toEqual(['rejected', 'unanswered']);
  });

  it('a response sent from another address is matched by client port and ID, and listed', () => {
    const dns = new DnsTracker();
    dns.observeUdp(udpPacket(1, 0, c(40000), S, query(0xbbbb, 'a.example')));
    dns.observeUdp(udpPacket(2, 0.1, ['192.0.2.99', 53], c(40000), response(0xbbbb, 'a.example')));
    const r = dns.finish();
    expect([r.transactions[0].responsePackets, r.transactions[0].responseFrom, r.transactions[0].outcome]).toEqual([[2], ['192.0.2.99:53'], 'answered']);
    expect(r.unsolicited).toEqual([]);
  });

  it('a response from another address with another question is unsolicited', () => {
    const dns = new DnsTracker();
    dns.observeUdp(udpPacket(1, 0, c(40000), S, query(0xbbbc, 'a.example')));
    dns.observeUdp(udpPacket(2, 0.1, ['192.0.2.99', 53], c(40000), response(0xbbbc, 'bank.example')));
    const r = dns.finish();
    expect(r.unsolicited.map((u) => [u.packet, u.server, u.qname])).toEqual([[2, '192.0.2.99:53', 'bank.example']]);
    expect(r.transactions[0].responsePackets).toEqual([]);
  });

  describe('mDNS (RFC 6762): responses carry ID 0 and no question, so they match by their answer records', () => {
    const group: [string, number] = ['224.0.0.251', 5353];
    /** An mDNS response (§18.1: ID 0, AA set, §6: no question) with A records for `names`. */
    const announce = (...names: string[]) => dnsPacket.encode({
      type: 'response', id: 0, flags: dnsPacket.AUTHORITATIVE_ANSWER,
      answers: names.map((name) => ({ type: 'A' as const, name, ttl: 120, data: '192.168.1.99' })),
    });
    const ask = (name: string, type: dnsPacket.RecordType = 'A') => query(0, name, { flags: 0, type });

    it('a query to the group answered by two hosts: one transaction, both responders; another name is an announcement', () => {
      const dns = new DnsTracker({ ports: [5353] });
      dns.observeUdp(udpPacket(1, 0, ['192.168.1.10', 5353], group, ask('printer.local')));
      dns.observeUdp(udpPacket(2, 0.05, ['192.168.1.20', 5353], group, announce('Printer.local')));
      dns.observeUdp(udpPacket(3, 0.07, ['192.168.1.30', 5353], group, announce('printer.local')));
      dns.observeUdp(udpPacket(4, 0.09, ['192.168.1.40', 5353], group, announce('other.local')));
      const r = dns.finish();
      expect(r.transactions.map((t) => [t.client, t.server, t.responsePackets, t.responseFrom, t.duplicateResponses])).toEqual([
        ['192.168.1.10:5353', '224.0.0.251:5353', [2, 3], ['192.168.1.20:5353', '192.168.1.30:5353'], 1],
      ]);
      // No question in an mDNS answer: the row is named after its first answer record.
      expect(r.unsolicited.map((u) => [u.packet, u.id, u.qname])).toEqual([[4, 0, 'other.local']]);
      expect(r.collisions).toEqual([]);
    });

    it('an unrelated announcement with ID 0 answers nothing; the answer naming the query does, even after other records', () => {
      const dns = new DnsTracker({ ports: [5353] });
      dns.observeUdp(udpPacket(1, 0, ['192.168.1.10', 5353], group, ask('nas.local')));
      dns.observeUdp(udpPacket(2, 0.1, ['192.168.1.50', 5353], group, announce('tv.local')));
      dns.observeUdp(udpPacket(3, 0.2, ['192.168.1.60', 5353], group, announce('cam.local', 'NAS.local')));
      const r = dns.finish();
      expect(r.transactions.map((t) => [t.qname, t.responsePackets, t.responseFrom])).toEqual([['nas.local', [3], ['192.168.1.60:5353']]]);
      expect(r.unsolicited.map((u) => u.packet)).toEqual([2]);
    });

    it('the type must match unless the question is ANY; an answer after the timeout is an announcement', () => {
      const dns = new DnsTracker({ ports: [5353] });
      dns.observeUdp(udpPacket(1, 0, ['192.168.1.10', 5353], group, ask('a.local', 'AAAA')));
      dns.observeUdp(udpPacket(2, 0.1, ['192.168.1.20', 5353], group, announce('a.local'))); // A, not AAAA
      dns.observeUdp(udpPacket(3, 1, ['192.168.1.10', 5353], group, ask('b.local', 'ANY')));
      dns.observeUdp(udpPacket(4, 1.1, ['192.168.1.20', 5353], group, announce('b.local')));
      dns.observeUdp(udpPacket(5, 2, ['192.168.1.10', 5353], group, ask('c.local')));
      dns.observeUdp(udpPacket(6, 2 + 5.5, ['192.168.1.20', 5353], group, announce('c.local'))); // 5.5 s > the 5 s timeout
      const r = dns.finish();
      expect(r.transactions.map((t) => [t.qname, t.responsePackets])).toEqual([['a.local', []], ['b.local', [4]], ['c.local', []]]);
      expect(r.unsolicited.map((u) => u.packet)).toEqual([2, 6]);
    });

    it('a response sent straight to the querier (QU, §5.4) answers it; one sent to a third host does not', () => {
      const dns = new DnsTracker({ ports: [5353] });
      dns.observeUdp(udpPacket(1, 0, ['192.168.1.10', 5353], group, ask('x.local')));
      dns.observeUdp(udpPacket(2, 0.1, ['192.168.1.20', 5353], ['192.168.1.77', 5353], announce('x.local')));
      dns.observeUdp(udpPacket(3, 0.2, ['192.168.1.20', 5353], ['192.168.1.10', 5353], announce('x.local')));
      const r = dns.finish();
      expect(r.transactions.map((t) => [t.responsePackets])).toEqual([[[3]]]);
      expect(r.unsolicited.map((u) => u.packet)).toEqual([2]);
    });

    it('a legacy unicast query (not from port 5353) is answered with its ID and question, matched by ID (§6.7)', () => {
      const dns = new DnsTracker({ ports: [5353] });
      dns.observeUdp(udpPacket(1, 0, ['192.168.1.10', 40000], group, query(0x4242, 'y.local')));
      dns.observeUdp(udpPacket(2, 0.1, ['192.168.1.20', 5353], ['192.168.1.10', 40000], response(0x4242, 'y.local', { addresses: ['192.168.1.20'] })));
      const r = dns.finish();
      expect(r.transactions.map((t) => [t.id, t.responsePackets, t.responseFrom])).toEqual([[0x4242, [2], ['192.168.1.20:5353']]]);
    });
  });

  it('malformed messages are listed with packet and reason; a damaged response still matches by header', () => {
    const dns = new DnsTracker();
    dns.observeUdp(udpPacket(1, 0, c(40000), S, query(0xcccc, 'a.example')));
    const whole = response(0xcccc, 'a.example', { addresses: ['192.0.2.1'] });
    dns.observeUdp(udpPacket(2, 0.1, S, c(40000), whole.subarray(0, whole.length - 2)));
    dns.observeUdp(udpPacket(3, 0.2, S, c(40000), new Uint8Array([1, 2, 3])));
    const r = dns.finish();
    expect(r.malformed).toEqual([
      { packet: 2, reason: `truncated: records need ${whole.length} bytes, have ${whole.length - 2}` },
      { packet: 3, reason: 'header needs 12 bytes, have 3' },
    ]);
    expect(r.transactions[0].responsePackets).toEqual([2]);
    expect(r.summary.malformed).toBe(2);
  });

  it('evicts the oldest outstanding query beyond maxPending and counts it', () => {
    const dns = new DnsTracker({ maxPending: 2 });
    dns.observeUdp(udpPacket(1, 0, c(40000), S, query(1, 'a.example')));
    dns.observeUdp(udpPacket(2, 0, c(40000), S, query(2, 'b.example')));
    dns.observeUdp(udpPacket(3, 0, c(40000), S, query(3, 'c.example')));
    dns.observeUdp(udpPacket(4, 0.1, S, c(40000), response(1, 'a.example')));
    dns.observeUdp(udpPacket(5, 0.1, S, c(40000), response(3, 'c.example')));
    const r = dns.finish();
    expect(dns.evictedQueries).toBe(1);
    expect(r.unsolicited.map((u) => u.packet)).toEqual([4]);
    expect(r.transactions.map((t) => t.responsePackets)).toEqual([[], [], [5]]);
  });

  it(`at most ${MAX_PER_KEY} transactions share one ID and port; the oldest beyond is evicted and counted`, () => {
    const dns = new DnsTracker();
    for (let i = 0; i <= MAX_PER_KEY; i++) dns.observeUdp(udpPacket(i + 1, i * 0.001, c(40000), S, query(1, `q${i}.example`)));
    dns.observeUdp(udpPacket(MAX_PER_KEY + 2, 1, S, c(40000), response(1, 'q0.example')));
    dns.observeUdp(udpPacket(MAX_PER_KEY + 3, 1, S, c(40000), response(1, 'q1.example')));
    const r = dns.finish();
    expect(dns.evictedQueries).toBe(1);
    // q0 was evicted: its answer finds only transactions with other questions under its key
    expect(r.collisions.map((x) => [x.packet, x.qname, x.transaction])).toEqual([[MAX_PER_KEY + 2, 'q0.example', MAX_PER_KEY]]);
    expect(r.transactions[1].responsePackets).toEqual([MAX_PER_KEY + 3]);
    expect(r.transactions.filter((t) => t.idReused).length).toBe(MAX_PER_KEY);
  });

  it('ports and IDs at the ends of their 16 bits key distinct transactions (matcher pairKey)', () => {
    // (port << 16) | id is negative from port 32768 on: each pair must still find only its own query.
    const dns = new DnsTracker();
    const pairs: [number, number][] = [[65535, 0xffff], [32768, 0], [32767, 0xffff], [65535, 0], [1, 0xffff]];
    pairs.forEach(([port, id], i) => dns.observeUdp(udpPacket(i + 1, 0, c(port), S, query(id, `p${i}.example`))));
    // Answered newest first; each response names its own question, so a wrong key would be a collision or unsolicited.
    pairs.map((p, i) => [p, i] as const).reverse().forEach(([[port, id], i]) =>
      dns.observeUdp(udpPacket(10 + i, 0.1, S, c(port), response(id, `p${i}.example`))));
    const r = dns.finish();
    expect(r.collisions).toEqual([]);
    expect(r.unsolicited).toEqual([]);
    expect(r.transactions.map((t) => t.responsePackets)).toEqual([[10], [11], [12], [13], [14]]);
  });

  it('an ID reused on a port while outstanding: both stay matchable, in either answer order', () => {
    // Three queries share port 40000 and ID 9 (one index bucket); answering the middle one first
    // must leave the other two findable by their questions.
    const dns = new DnsTracker();
    ['a', 'b', 'c'].forEach((q, i) => dns.observeUdp(udpPacket(i + 1, i * 0.01, c(40000), S, query(9, `${q}.example`))));
    dns.observeUdp(udpPacket(4, 0.1, S, c(40000), response(9, 'b.example')));
    dns.observeUdp(udpPacket(5, 0.1, S, c(40000), response(9, 'c.example')));
    dns.observeUdp(udpPacket(6, 0.1, S, c(40000), response(9, 'a.example')));
    dns.observeUdp(udpPacket(7, 0.1, S, c(40000), response(9, 'b.example')));
    const r = dns.finish();
    expect(r.transactions.map((t) => [t.idReused, t.responsePackets, t.duplicateResponses])).toEqual([
      [false, [6], 0], [true, [4, 7], 1], [true, [5], 0],
    ]);
  });

  it('summary: median and nearest-rank p95 RTT over answered and late, rcodes by name', () => {
    const dns = new DnsTracker();
    const rtts = [0.01, 0.02, 0.03, 0.04, 7];
    rtts.forEach((rtt, i) => {
      dns.observeUdp(udpPacket(2 * i + 1, i * 10, c(41000 + i), S, query(i, 'a.example')));
      dns.observeUdp(udpPacket(2 * i + 2, i * 10 + rtt, S, c(41000 + i), response(i, 'a.example', { rcode: i === 1 ? 3 : 0 })));
    });
    dns.observeUdp(udpPacket(11, 60, c(42000), S, query(99, 'lost.example')));
    const s = dns.finish().summary;
    expect(s.queries).toBe(6);
    expect([s.answered, s.late, s.unanswered]).toEqual([4, 1, 1]);
    // RTTs are whole microseconds: 0.03 exactly, though T0 + 20.03 - (T0 + 20) is not.
    expect(s.rttMedian).toBe(0.03);
    expect(s.rttP95).toBe(7);
    expect(s.rcodes).toEqual({ NOERROR: 4, NXDOMAIN: 1 });
  });
});

describe('DNS over TCP', () => {
  const flow = tcpFlow(4, c(50000), S);

  it('wants flows on a DNS port, either side', () => {
    const dns = new DnsTracker();
    expect(dns.wants(flow)).toBe(true);
    expect(dns.wants(tcpFlow(5, c(50000), [SERVER, 80]))).toBe(false);
    expect(dns.wants(tcpFlow(6, [SERVER, 53], c(50000)))).toBe(true);
  });

  it('several messages in one segment and one message over three segments', () => {
    const dns = new DnsTracker();
    dns.data(flow, true, framed(query(1, 'a.example'), query(2, 'b.example')), 4, T0 + 0.001);
    const answers = framed(response(2, 'b.example', { addresses: ['192.0.2.2'] }), response(1, 'a.example', { addresses: ['192.0.2.1'] }));
    dns.data(flow, false, answers.subarray(0, 1), 6, T0 + 0.01);
    dns.data(flow, false, answers.subarray(1, 20), 7, T0 + 0.011);
    dns.data(flow, false, answers.subarray(20), 8, T0 + 0.012);
    const r = dns.finish();
    expect(r.transactions.map((t) => [t.transport, t.id, t.client, t.queryPackets, t.responsePackets, t.answers])).toEqual([
      ['tcp', 1, '10.0.0.7:50000', [4], [8], 1],
      ['tcp', 2, '10.0.0.7:50000', [4], [8], 1],
    ]);
    expect(r.tcpFramingGaps).toBe(0);
  });

  it('a gap drops the cut message only: the next whole message pairs again; counted once per direction', () => {
    const dns = new DnsTracker();
    dns.data(flow, true, framed(query(1, 'a.example')), 4, T0);
    const answer = framed(response(1, 'a.example'));
    dns.data(flow, false, answer.subarray(0, 7), 5, T0 + 0.05); // the rest of this response was lost
    dns.gap(flow, false, 6, answer.length - 7);
    dns.gap(flow, false, 6, 0);
    dns.data(flow, true, framed(query(2, 'b.example')), 8, T0 + 0.2);
    dns.data(flow, false, framed(response(2, 'b.example')), 9, T0 + 0.3);
    const r = dns.finish();
    expect(r.tcpFramingGaps).toBe(1);
    expect(r.tcpResyncs).toBe(1);
    expect(r.tcpLostBytes).toBe(answer.length); // 7 buffered and dropped, the rest never captured
    expect(r.transactions.map((t) => [t.queryPackets, t.responsePackets])).toEqual([[[4], []], [[8], [9]]]);
    expect(r.unsolicited).toEqual([]);
  });

  it('after a gap, a response longer than its segment resumes framing when its header and question are readable', () => {
    const dns = new DnsTracker();
    dns.data(flow, true, framed(query(1, 'a.example')), 4, T0);
    dns.gap(flow, true, 5, 30); // a lost query
    dns.data(flow, true, framed(query(3, 'c.example')), 6, T0 + 0.1);
    const big = framed(response(3, 'c.example', { addresses: Array.from({ length: 40 }, (_, i) => `192.0.2.${i + 1}`) }));
    dns.gap(flow, false, 7, 50); // the server's stream lost bytes too
    dns.data(flow, false, big.subarray(0, 100), 8, T0 + 0.2); // starts the response; the rest follows
    dns.data(flow, false, big.subarray(100), 9, T0 + 0.21);
    const r = dns.finish();
    expect(r.transactions.map((t) => [t.id, t.queryPackets, t.responsePackets, t.answers])).toEqual([[1, [4], [], 0], [3, [6], [9], 40]]);
    expect([r.tcpFramingGaps, r.tcpResyncs, r.tcpLostBytes]).toEqual([2, 2, 80]);
    // A segment that starts inside a message is skipped, its bytes counted lost.
    const other = new DnsTracker();
    other.gap(flow, false, 1, 0);
    other.data(flow, false, big.subarray(5, 60), 2, T0);
    expect(other.finish().tcpLostBytes).toBe(55);
  });

  it('a TC=1 answer then the same question over TCP from the same client: linked by index', () => {
    const dns = new DnsTracker();
    dns.observeUdp(udpPacket(1, 0, c(40000), S, query(0xd00d, 'big.example', { type: 'TXT' })));
    dns.observeUdp(udpPacket(2, 0.01, S, c(40000), response(0xd00d, 'big.example', { type: 'TXT', truncated: true })));
    dns.observeUdp(udpPacket(3, 0.02, c(40001), S, query(0x0bad, 'other.example')));
    dns.data(flow, true, framed(query(0xd00e, 'BIG.example', { type: 'TXT' })), 6, T0 + 0.03);
    dns.data(flow, false, framed(response(0xd00e, 'big.example', { type: 'TXT' })), 8, T0 + 0.05);
    const r = dns.finish();
    expect(r.transactions.map((t) => [t.index, t.transport, t.flags?.tc ?? null, t.retriedOverTcp])).toEqual([
      [0, 'udp', true, 2],
      [1, 'udp', null, null],
      [2, 'tcp', false, null],
    ]);
  });

  it('a TCP query for the same question from another client is not a retry', () => {
    const dns = new DnsTracker();
    dns.observeUdp(udpPacket(1, 0, c(40000), S, query(1, 'big.example')));
    dns.observeUdp(udpPacket(2, 0.01, S, c(40000), response(1, 'big.example', { truncated: true })));
    dns.data(tcpFlow(9, ['10.0.0.8', 50000], S), true, framed(query(2, 'big.example')), 3, T0 + 0.02);
    expect(dns.finish().transactions[0].retriedOverTcp).toBeNull();
  });
});
