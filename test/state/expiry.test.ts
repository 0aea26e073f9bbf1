/**
 * Flows end when the protocol says so, on capture time (issue 11), end to end: closed flows give
 * up their table slot without counting as evictions, and silent ones end after the timeouts the
 * report's options name (--tracker-option tcpInactivityTimeout=..., quicIdleTimeout=...).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeCapture, type AnalyzeOptions } from '../../src/pipeline.js';
import type { Report } from '../../src/report/schema.js';
import { writePcap } from '../helpers/capture-file.js';
import { TcpScript } from '../helpers/tcp-script.js';

const T = 1_700_000_000;
const dir = mkdtempSync(join(tmpdir(), 'statecap-expiry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function analyze(path: string, options: AnalyzeOptions = {}): Promise<Report> {
  const report = await analyzeCapture(path, options);
  if (!('tcp' in report)) throw new Error(`analyzeCapture failed: ${report.error}`);
  return report;
}

describe('--max-flows 1 on the quick start (the issue\'s example)', () => {
  it('evicts nothing: each connection had closed cleanly before the next one opened', async () => {
    // Flows 0 (packets 3-12) and 1 (13-22) close with FIN both ways, the client in TIME-WAIT, before
    // the next SYN (packets 13 and 23): a closed flow gives up the only slot, finalized, not evicted.
    const report = await analyze('fixtures/quickstart.pcap', { maxFlows: 1 });
    expect(report.tcp.flows.map((f) => [f.id, f.firstPacket, f.lastPacket, f.packets])).toEqual([[0, 3, 12, 10], [1, 13, 22, 10], [2, 23, 32, 10]]);
    const l = report.limits;
    expect([l.evictedFlows, l.evictedOpenFlows, l.evictedFlowsForMemory, l.evictedOpenFlowsForMemory]).toEqual([0, 0, 0, 0]);
    expect(report.warnings.filter((w) => w.includes('evicted'))).toEqual([]);
  });
});

describe('a keep-alive connection silent past tcpInactivityTimeout, end to end', () => {
  // Flow 0, 10.0.0.1 -> 10.0.0.2:80: handshake (1-3, t=0.01-0.03), request (4) and answer (5) at
  // t=0.04-0.05, then silence. Flow 1, from port 40001, opens at t=350.01 (packets 6-8) and closes
  // (9-11). Flow 0's second request comes at t=400.01 (12), its answer (13), and the close (14-16).
  const a = new TcpScript('10.0.0.1', '10.0.0.2', 40000, 80, T).handshake().c('PA', { len: 10 }).s('PA', { len: 20 });
  const b = new TcpScript('10.0.0.1', '10.0.0.2', 40001, 80, T + 350).handshake().c('FA').s('FA').c('A');
  const lateA = new TcpScript('10.0.0.1', '10.0.0.2', 40000, 80, T + 400).c('PA', { len: 10, seq: 11, ack: 21 }).s('PA', { len: 20, seq: 21, ack: 21 })
    .c('FA', { seq: 21, ack: 41 }).s('FA', { seq: 41, ack: 22 }).c('A', { seq: 22, ack: 42 });
  const path = join(dir, 'keep-alive-idle.pcap');
  writeFileSync(path, writePcap([...a.packets, ...b.packets, ...lateA.packets]));

  it('is one flow (tshark\'s tcp.stream) that takes no slot in its silence; its server is never restart-safe between its requests', async () => {
    const report = await analyze(path, { maxFlows: 1 });
    expect(report.options).toMatchObject({ tcpInactivityTimeout: 300, tcpAttemptTimeout: 5, quicIdleTimeout: 30, quicDrainTimeout: 3 });
    expect(report.tcp.flows.map((f) => [f.id, f.firstPacket, f.lastPacket, f.packets])).toEqual([[0, 1, 16, 10], [1, 6, 11, 6]]);
    expect(report.tcp.flows[0].exchanges.count).toBe(2);
    // Flow 0 was silent 350 s at packet 6: finalized, so flow 1 took the one slot with no eviction.
    expect([report.limits.evictedFlows, report.limits.evictedOpenFlows]).toEqual([0, 0]);
    // The second request reused the connection: the server is stateful, and it held flow 0 from
    // its SYN-ACK (2) through the silence to its close (16, the last packet): its only restart-safe
    // window is before packet 2.
    const server = report.endpoints.find((e) => e.endpoint === '10.0.0.2:80');
    expect(server?.verdict).toBe('stateful');
    expect(server?.idleWindows.map((w) => [w.fromPacket, w.toPacket])).toEqual([[null, 2]]);
  });

  it('with --tracker-option tcpInactivityTimeout=600 the silent connection is live at packet 6: an eviction, and a second flow for the late request', async () => {
    const report = await analyze(path, { maxFlows: 1, trackerOptions: { tcpInactivityTimeout: 600 } });
    expect(report.options).toMatchObject({ tcpInactivityTimeout: 600 });
    expect(report.tcp.flows.map((f) => [f.id, f.firstPacket, f.packets])).toEqual([[0, 1, 5], [1, 6, 6], [2, 12, 5]]);
    expect([report.limits.evictedFlows, report.limits.evictedOpenFlows]).toEqual([1, 1]);
  });
});
