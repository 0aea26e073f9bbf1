/**
 * --max-state-mb: the live tables are also capped by their estimated memory (the per-entry
 * estimates TCP_FLOW_BYTES, TCP_REPLICA_BYTES, PENDING_DNS_BYTES, QUIC_CONNECTION_BYTES), and what
 * the budget evicts is counted in report.limits apart from the entry caps and said in a warning.
 * The expected counts are derived from those estimates and a budget of 1 MB (1,048,576 bytes).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { writePcap } from '../helpers/capture-file.js';
import { analyzeBytes, expectReport, scratch } from '../helpers/analyze.js';
import { quicInitialFlood, synFlood, unansweredDnsQueries } from './frames.js';
import { TCP_FLOW_BYTES, TCP_REPLICA_BYTES } from '../../src/track/tcp/tracker.js';
import { PENDING_DNS_BYTES } from '../../src/track/dns/matcher.js';
import { QUIC_CONNECTION_BYTES } from '../../src/track/quic/tracker.js';

const dir = scratch();
afterAll(() => dir.cleanup());
const MB = 1 << 20;

describe('--max-state-mb 1 on a SYN flood of 5,000 SYN / SYN-ACK pairs', () => {
  const packets = synFlood(5000);

  it('keeps as many flows as fit in the budget and counts every other one as evicted for memory', async () => {
    // Each flow costs TCP_FLOW_BYTES at its SYN and TCP_REPLICA_BYTES more at its SYN-ACK (4,500
    // in all). A new flow first evicts while live * 4,500 + 3,000 > 1 MB: 232 flows fit beside it,
    // so flows 0-232 enter freely and each of the 4,767 later ones evicts exactly one.
    const perFlow = TCP_FLOW_BYTES + TCP_REPLICA_BYTES;
    const live = Math.floor((MB - TCP_FLOW_BYTES) / perFlow) + 1;
    expect([perFlow, live]).toEqual([4500, 233]);
    const r = expectReport(await analyzeBytes(dir, 'syn-budget.pcap', writePcap(packets), { maxStateMb: 1 }));
    expect(r.limits.maxStateMb).toBe(1);
    expect([r.limits.evictedFlows, r.limits.evictedOpenFlows]).toEqual([0, 0]);
    expect([r.limits.evictedFlowsForMemory, r.limits.evictedOpenFlowsForMemory]).toEqual([5000 - live, 5000 - live]);
    expect(r.tcp.summary.flows).toBe(5000);
    // An evicted flow's half-open entry is released at once: the server never holds more than the live flows.
    expect(r.endpoints.find((e) => e.endpoint === '192.0.2.1:80')?.peak.entries).toBe(live);
    expect(r.warnings).toContain(`${r.capture.path}: 4767 TCP flows evicted at the cap of 1 MB of estimated state (--max-state-mb), `
      + 'the least recently seen first, 4767 of them still open: results for those are partial');
  });

  it('the entry cap and the budget count apart: --max-flows 100 evicts before the budget is reached', async () => {
    const r = expectReport(await analyzeBytes(dir, 'syn-budget.pcap', writePcap(packets), { maxStateMb: 1, maxFlows: 100 }));
    expect([r.limits.evictedFlows, r.limits.evictedFlowsForMemory]).toEqual([4900, 0]);
    // No flow is evicted for memory; the only budget reached is the ledger's: 5,000 spoofed clients
    // pass the 256 client rows that 1 MB holds at 4,096 bytes a row.
    expect(r.warnings.filter((w) => w.includes('--max-state-mb')))
      .toEqual([`${r.capture.path}: 256 client rows reached --max-state-mb (1 MB): later clients share the row (other clients)`]);
  });
});

describe('--max-state-mb 1 on 5,000 unanswered DNS queries', () => {
  const packets = unansweredDnsQueries(5000);

  it('keeps 1 MB / PENDING_DNS_BYTES pending queries, evicts the rest oldest first', async () => {
    const kept = Math.floor(MB / PENDING_DNS_BYTES);
    expect(kept).toBe(699);
    const r = expectReport(await analyzeBytes(dir, 'dns-budget.pcap', writePcap(packets), { maxStateMb: 1 }));
    expect([r.limits.evictedDnsQueries, r.limits.evictedDnsQueriesForMemory]).toEqual([0, 5000 - kept]);
    expect(r.dns.summary.queries).toBe(5000);
    // The client never holds more than the budget keeps (the unanswering server is no endpoint, issue 11).
    expect(r.endpoints.find((e) => e.endpoint === '10.0.0.1')?.peak.entries).toBe(kept);
    expect(r.warnings).toContain(`${r.capture.path}: 4301 pending DNS queries evicted at the cap of 1 MB of estimated state (--max-state-mb), `
      + 'the least recently seen first: results for them are partial');
  });
});

describe('--max-state-mb 1 on 600 QUIC Initials with random connection IDs', () => {
  it('keeps 1 MB / QUIC_CONNECTION_BYTES connections, evicts the rest', async () => {
    const { packets } = quicInitialFlood(600, 54321);
    const kept = Math.floor(MB / QUIC_CONNECTION_BYTES);
    expect(kept).toBe(419);
    const r = expectReport(await analyzeBytes(dir, 'quic-budget.pcap', writePcap(packets), { maxStateMb: 1 }));
    expect([r.limits.evictedQuicConnections, r.limits.evictedQuicConnectionsForMemory]).toEqual([0, 600 - kept]);
    expect(r.quic.summary.connections).toBe(600);
    // An evicted connection's state is released: its client (each Initial has its own) ends holding nothing.
    expect(r.endpoints.filter((e) => e.role === 'client' && e.atEnd.entries === 0).length).toBe(600 - kept);
    expect(r.warnings).toContain(`${r.capture.path}: 181 QUIC connections evicted at the cap of 1 MB of estimated state (--max-state-mb), `
      + 'the least recently seen first: results for them are partial');
  });
});
