/**
 * Zeek's conn.log rows for one tshark stream, on generated captures: where Zeek forgets a
 * connection and starts a new one on the same 4-tuple, the flow stays one (tshark's tcp.stream)
 * and lists each Zeek row under `zeek`. The patterns are those Zeek's own baselines show on the
 * shared corpus (pop3 `REJ Sr` twice, modbus `RSTO ShR` then `RSTRH Dr`).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../../../src/report/schema.js';
import type { WrittenPacket } from '../../helpers/capture-file.js';
import { analyzePackets, scratch } from '../../helpers/analyze.js';
import { tcpFrame } from '../../helpers/packets.js';

const T = 1_700_000_000;
const dir = scratch('statecap-zeek-rows-');
afterAll(() => dir.cleanup());

const C = '10.0.0.1';
const S = '10.0.0.2';
const c = (t: number, seq: number, ack: number, flags: string, payload = '') =>
  ({ time: T + t, data: tcpFrame({ src: C, dst: S, srcPort: 40000, dstPort: 110, seq, ack, flags, payload }) });
const s = (t: number, seq: number, ack: number, flags: string, payload = '') =>
  ({ time: T + t, data: tcpFrame({ src: S, dst: C, srcPort: 110, dstPort: 40000, seq, ack, flags, payload }) });

async function flows(name: string, packets: WrittenPacket[]): Promise<Report['tcp']['flows']> {
  return (await analyzePackets(dir, name, packets)).tcp.flows;
}

describe('Zeek rows inside one tshark stream', () => {
  it('a refused SYN retried with the same ISN: one stream, two Zeek REJ rows (the RST closed the first)', async () => {
    const f = await flows('rej.pcap', [c(0, 100, 0, 'S'), s(0.1, 0, 101, 'RA'), c(3, 100, 0, 'S'), s(3.1, 0, 101, 'RA')]);
    expect(f.map((x) => [x.firstPacket, x.packets, x.connState, x.history])).toEqual([[1, 4, 'REJ', 'Sr']]);
    expect(f[0].zeek).toEqual([
      { uid: 'C0.0', firstPacket: 1, orig: 'client', connState: 'REJ', history: 'Sr' },
      // Zeek's IsReuse: a SYN after the connection closed is a new connection (TCPSessionAdapter.cc).
      { uid: 'C0.1', firstPacket: 3, orig: 'client', connState: 'REJ', history: 'Sr' },
    ]);
  });

  it('data 10 s after the client reset: the first row ends RSTO, the late packets are a second row', async () => {
    const f = await flows('late-data.pcap', [
      c(0, 100, 0, 'S'), s(0.1, 500, 101, 'SA'), c(0.2, 101, 501, 'A'), c(0.3, 101, 501, 'R'),
      c(10, 101, 501, 'PA', 'late'), s(10.1, 501, 0, 'R'),
    ]);
    expect(f.map((x) => [x.firstPacket, x.packets, x.connState, x.history])).toEqual([[1, 6, 'RSTO', 'ShAR']]);
    // Zeek deletes a reset connection tcp_close_delay (5 s) later; packet 5 opens a new one
    // without a SYN: data from the originator (D), then a reset from the responder (r).
    expect(f[0].zeek.map((z) => [z.firstPacket, z.orig, z.connState, z.history])).toEqual([
      [1, 'client', 'RSTO', 'ShAR'],
      [5, 'client', 'RSTRH', 'Dr'],
    ]);
  });

  it('an unanswered SYN retransmitted after Zeek\'s 5 s attempt timer: one stream, two S0 rows', async () => {
    const f = await flows('syn-retry.pcap', [c(0, 100, 0, 'S'), c(6, 100, 0, 'S')]);
    expect(f.map((x) => [x.firstPacket, x.packets, x.analysis.retransmissions])).toEqual([[1, 2, 1]]);
    expect(f[0].zeek.map((z) => [z.firstPacket, z.connState, z.history])).toEqual([[1, 'S0', 'S'], [2, 'S0', 'S']]);
  });

  it('an ordinary connection has exactly one Zeek row, equal to the flow\'s own', async () => {
    const f = await flows('plain.pcap', [
      c(0, 100, 0, 'S'), s(0.1, 500, 101, 'SA'), c(0.2, 101, 501, 'A'),
      c(0.3, 101, 501, 'FA'), s(0.4, 501, 102, 'FA'), c(0.5, 102, 502, 'A'),
    ]);
    expect(f[0].zeek).toEqual([{ uid: 'C0.0', firstPacket: 1, orig: 'client', connState: f[0].connState, history: f[0].history }]);
    // Each FIN here also acknowledges, which its F/f letter covers: no separate a.
    expect([f[0].connState, f[0].history]).toEqual(['SF', 'ShAFf']);
  });
});
