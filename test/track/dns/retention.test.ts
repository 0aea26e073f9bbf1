import { describe, expect, it } from 'vitest';
import { DnsTracker } from '../../../src/track/dns/tracker.js';
import { query, response, udpPacket } from './dns-helpers.js';

// Issue 13's crash: more than 1,024 answered transactions, then a jump in capture time past the
// retention, made `sweep` read past the end of the list it had just compacted.
describe('answered transactions forgotten after a jump in capture time', () => {
  it('3,000 answered queries, then one an hour later: every transaction is still reported', () => {
    const dns = new DnsTracker();
    const client = (i: number): [string, number] => ['10.0.0.7', 20000 + (i % 40000)];
    const server: [string, number] = ['10.0.0.53', 53];
    let n = 0;
    for (let i = 0; i < 3000; i++) {
      dns.observeUdp(udpPacket(++n, i * 0.001, client(i), server, query(i & 0xffff, `h${i}.example`)));
      dns.observeUdp(udpPacket(++n, i * 0.001 + 0.0005, server, client(i), response(i & 0xffff, `h${i}.example`)));
    }
    dns.observeUdp(udpPacket(++n, 3600, client(3000), server, query(3000, 'late.example')));
    const r = dns.finish();
    expect(r.summary.queries).toBe(3001);
    expect(r.summary.answered).toBe(3000);
    expect(r.summary.unanswered).toBe(1);
    expect(r.transactions).toHaveLength(3001);
    expect(r.transactions[3000].queryPackets).toEqual([6001]);
  });
});
