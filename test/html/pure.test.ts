/**
 * The pure parts of the pictures, in Node: decimation for drawing, the ladder model and its SVG
 * layout, the escaping of capture text, and the chart data of one endpoint.
 */
import { describe, expect, it } from 'vitest';
import { decimateRows } from '../../src/report/html/decimate.js';
import { jsonForScript, escapeHtml } from '../../src/report/html/embed.js';
import { endpointChart } from '../../src/report/html/chart-data.js';
import { stepPath } from '../../src/report/html/state-svg.js';
import { arrowCount, tcpLadder } from '../../src/report/ladder/ladder.js';
import { layoutLadder, ladderSvg } from '../../src/report/ladder/ladder-svg.js';
import { rfcSection } from '../../src/report/ladder/sections.js';
import type { Report, TcpFlowReport, TcpPacketRecord } from '../../src/report/schema.js';

describe('decimateRows (min/max per pixel bucket)', () => {
  it('keeps every row when there are no more than (2 + 2 × series) per bucket', () => {
    const x = [0, 1, 2, 3, 4, 5];
    expect(decimateRows(x, [[1, 2, 3, 4, 5, 6]], 2)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('keeps first, last, min and max of each bucket, so every extreme survives', () => {
    // 1000 rows over x 0..999 into 10 buckets of 100 rows; a spike of 50 at row 437 and a dip to -7 at row 438.
    const n = 1000;
    const x = Array.from({ length: n }, (_, i) => i);
    const v = x.map((i) => (i === 437 ? 50 : i === 438 ? -7 : i % 3));
    const keep = decimateRows(x, [v], 10);
    expect(keep).toContain(437);
    expect(keep).toContain(438);
    expect(keep[0]).toBe(0);
    expect(keep[keep.length - 1]).toBe(n - 1);
    // At most 4 rows per bucket (first, last, min, max) for one series.
    expect(keep.length).toBeLessThanOrEqual(40);
    // The kept values span the same range as all values.
    const kept = keep.map((i) => v[i]);
    expect(Math.max(...kept)).toBe(50);
    expect(Math.min(...kept)).toBe(-7);
  });

  it('bounds the rows by the bucket count whatever the input size (200 000 rows, 2 series, 500 buckets)', () => {
    const n = 200_000;
    const x = new Array<number>(n);
    const a = new Array<number>(n);
    const b = new Array<number>(n);
    for (let i = 0; i < n; i++) { x[i] = i / 1000; a[i] = (i * 7919) % 101; b[i] = (i * 104729) % 97; }
    const keep = decimateRows(x, [a, b], 500);
    expect(keep.length).toBeLessThanOrEqual(500 * 6);
    expect(keep.length).toBeGreaterThan(500 * 2);
    for (let i = 1; i < keep.length; i++) expect(keep[i]).toBeGreaterThan(keep[i - 1]);
  });
});

/** A flow report as the tracker writes it, with a packet log (handshake then reset). */
function resetFlow(log: { first: TcpPacketRecord[]; last: TcpPacketRecord[]; folded: number }): TcpFlowReport {
  return {
    id: 4, client: '10.0.0.1:40000', server: '10.0.0.2:80', firstPacket: 1, lastPacket: 5, packets: 5,
    payloadBytes: { client: 50, server: 0 }, start: 100, end: 100.04, handshake: 'complete',
    finalState: { client: 'CLOSED', server: 'CLOSED' },
    transitions: [
      { packet: 1, time: 100, endpoint: 'client', from: 'CLOSED', to: 'SYN-SENT' },
      { packet: 1, time: 100, endpoint: 'server', from: 'CLOSED', to: 'LISTEN' },
      { packet: 2, time: 100.01, endpoint: 'server', from: 'LISTEN', to: 'SYN-RECEIVED' },
      { packet: 2, time: 100.01, endpoint: 'client', from: 'SYN-SENT', to: 'ESTABLISHED' },
      { packet: 3, time: 100.02, endpoint: 'server', from: 'SYN-RECEIVED', to: 'ESTABLISHED' },
      { packet: 5, time: 100.04, endpoint: 'server', from: 'ESTABLISHED', to: 'CLOSED' },
      { packet: 5, time: 100.04, endpoint: 'client', from: 'ESTABLISHED', to: 'CLOSED' },
    ],
    closedBy: null, connState: 'RSTR', history: 'ShADr',
    analysis: { retransmissions: 0, outOfOrder: 0, duplicateAcks: 0, zeroWindows: 0, keepAlives: 0, windowFull: 0, lostSegments: 0 },
    maxBytesInFlight: { client: 50, server: 0 }, handshakeRtt: 0.01,
    directions: {
      client: { isn: 1000, mss: null, windowScale: null, sackPermitted: false, timestamps: false, nextSeq: 51, lastAck: 1, packets: 3, payloadBytes: 50 },
      server: { isn: 5000, mss: null, windowScale: null, sackPermitted: false, timestamps: false, nextSeq: 1, lastAck: 51, packets: 2, payloadBytes: 0 },
    },
    tunnel: [], vlan: [], packetLog: log,
  };
}

const pkt = (packet: number, from: 'client' | 'server', flags: string, seq: number, ack: number | null, length = 0): TcpPacketRecord =>
  ({ packet, time: 100 + (packet - 1) * 0.01, from, flags, seq, ack, length, window: 65535, analysis: [] });

const PACKETS = [
  pkt(1, 'client', 'SYN', 0, null), pkt(2, 'server', 'SYN,ACK', 0, 1), pkt(3, 'client', 'ACK', 1, 1),
  pkt(4, 'client', 'PSH,ACK', 1, 1, 50), pkt(5, 'server', 'RST,ACK', 1, 51),
];

describe('tcpLadder and its SVG layout', () => {
  it('one arrow per logged packet, in order, each change beside the packet that made it', () => {
    const ladder = tcpLadder(resetFlow({ first: PACKETS, last: [], folded: 0 }));
    expect(arrowCount(ladder)).toBe(5);
    expect(ladder.start).toEqual({ client: 'CLOSED', server: 'CLOSED' });
    const kinds = ladder.rows.map((r) => (r.kind === 'arrow' ? `#${r.packet}` : r.kind === 'states' ? `${r.client?.state ?? '-'}/${r.server?.state ?? '-'}` : 'fold'));
    // Packet 1 changes both ends (one row); packet 2 both; packet 3 the server only; 4 nothing; 5 both.
    expect(kinds).toEqual(['#1', 'SYN-SENT/LISTEN', '#2', 'ESTABLISHED/SYN-RECEIVED', '#3', '-/ESTABLISHED', '#4', '#5', 'CLOSED/CLOSED']);
    const last = ladder.rows[ladder.rows.length - 1];
    // The server sent the RST: it closed by ABORT (§3.10.4); the client received it (§3.10.7.4).
    expect(last).toMatchObject({ client: { note: '§3.10.7.4' }, server: { note: '§3.10.4' } });
  });

  it('a folded log draws first and last packets, counts the rest, and keeps the folded changes', () => {
    const ladder = tcpLadder(resetFlow({ first: PACKETS.slice(0, 2), last: PACKETS.slice(4), folded: 2 }));
    expect(arrowCount(ladder)).toBe(3);
    const fold = ladder.rows.findIndex((r) => r.kind === 'fold');
    expect(ladder.rows[fold]).toEqual({ kind: 'fold', count: 2 });
    // Packet 3's change (server ESTABLISHED) was folded away: shown right after the fold, with its packet.
    expect(ladder.rows[fold + 1]).toMatchObject({ kind: 'states', packet: 3, server: { state: 'ESTABLISHED' } });
  });

  it('layout: arrows go down the page, from the sender\'s line to the receiver\'s, states beside their own line', () => {
    const layout = layoutLadder(tcpLadder(resetFlow({ first: PACKETS, last: [], folded: 0 })), 760);
    expect(layout.arrows.map((a) => a.packet)).toEqual([1, 2, 3, 4, 5]);
    for (let i = 1; i < layout.arrows.length; i++) expect(layout.arrows[i].y).toBeGreaterThan(layout.arrows[i - 1].y);
    for (const a of layout.arrows) {
      expect(a.from === 'client' ? [a.x1, a.x2] : [a.x2, a.x1]).toEqual([layout.clientX, layout.serverX]);
    }
    for (const s of layout.states) expect(s.side === 'client' ? s.x < layout.clientX : s.x > layout.serverX).toBe(true);
    expect(layout.bottom).toBeGreaterThan(layout.arrows[4].y);
    expect(layout.height).toBeGreaterThan(layout.bottom);
    // The SVG has exactly one arrow group per packet.
    expect(ladderSvg(tcpLadder(resetFlow({ first: PACKETS, last: [], folded: 0 }))).match(/<g class="arrow/g)).toHaveLength(5);
  });

  it('names each transition with its RFC 9293 section', () => {
    expect(rfcSection({ from: 'CLOSED', to: 'SYN-SENT' }, true)).toBe('§3.10.1');
    expect(rfcSection({ from: 'LISTEN', to: 'SYN-RECEIVED' }, true)).toBe('§3.10.7.2');
    expect(rfcSection({ from: 'SYN-SENT', to: 'ESTABLISHED' }, false)).toBe('§3.10.7.3');
    expect(rfcSection({ from: 'ESTABLISHED', to: 'FIN-WAIT-1' }, true)).toBe('§3.10.4');
    expect(rfcSection({ from: 'FIN-WAIT-2', to: 'TIME-WAIT' }, true)).toBe('§3.10.7.4');
    expect(rfcSection({ from: 'CLOSED', to: 'ESTABLISHED' }, true, false)).toBe('midstream');
    expect(rfcSection({ from: 'LISTEN', to: 'CLOSED' }, true)).toBe('§3.10.7.1');
  });
});

describe('capture text in the page', () => {
  const hostile = '</script><img src=x onerror=alert(1)>\u2028&';
  it('the embedded JSON holds no character that can end the script element, and parses back', () => {
    const text = jsonForScript({ name: hostile });
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual({ name: hostile });
  });

  it('markup escapes the five characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;');
  });

  it('an SVG of a hostile label stays text', () => {
    const flow = resetFlow({ first: PACKETS, last: [], folded: 0 });
    const svg = ladderSvg({ ...tcpLadder(flow), client: hostile, title: hostile });
    expect(svg).not.toContain('<img');
    expect(svg).not.toContain('</script');
  });
});

describe('endpointChart', () => {
  it('aligns the kinds on one x, steps hold until the next change, and peaks and windows come from the report', () => {
    const report = { capture: { firstTime: 100, lastTime: 110 } } as unknown as Report;
    const e = {
      endpoint: '10.0.0.2:80', role: 'server', verdict: 'stateful', reasons: [], stickyRouting: '4-tuple',
      peak: { entries: 2, bytes: 4000, time: 102, packet: 7 }, peakBytes: { entries: 2, bytes: 4000, time: 102, packet: 7 },
      peakByKind: {}, meanBytes: 0, atEnd: { entries: 0, bytes: 0 },
      idleWindows: [{ start: 105, end: 110, seconds: 5, fromPacket: 9, toPacket: null }], idleSeconds: 5, longestIdle: null, restart: null,
      // Packet 7's span (102-105 s) also buffered up to 500 bytes in flight: maxBytes 4500.
      timeline: [{ time: 101, packet: 3, entries: 1, bytes: 2000, maxBytes: 2000, meanBytes: 2000 },
        { time: 102, packet: 7, entries: 2, bytes: 4000, maxBytes: 4500, meanBytes: 4100 }, { time: 105, packet: 9, entries: 0, bytes: 0, maxBytes: 0, meanBytes: 0 }],
      timelineCompressed: false,
      timelineByKind: {
        tcpHalfOpen: [{ time: 101, packet: 3, entries: 1, bytes: 2000 }, { time: 102, packet: 7, entries: 0, bytes: 0 }],
        tcpConnections: [{ time: 102, packet: 7, entries: 2, bytes: 4000 }, { time: 105, packet: 9, entries: 0, bytes: 0 }],
      },
    } as unknown as Report['endpoints'][number];
    const chart = endpointChart(report, e, 'ep');
    // Rows: the opening 0, packets 3, 7, 9, and the end of the capture (x 10).
    expect(chart.x).toEqual([0, 1, 2, 5, 10]);
    expect(chart.packets).toEqual([0, 3, 7, 9, 9]);
    expect(chart.series.map((s) => s.label)).toEqual(['half-open', 'TCP connections', 'all state']);
    expect(chart.series[0].entries).toEqual([0, 1, 0, 0, 0]);
    expect(chart.series[1].entries).toEqual([0, 0, 2, 0, 0]);
    // Each step shows the most bytes of its span: 4500 from packet 7 (its entry-change value 4000
    // plus the bytes in flight after it); the per-kind series, without maxBytes, step at bytes.
    expect(chart.series[2].bytes).toEqual([0, 2000, 4500, 0, 0]);
    expect(chart.series[1].bytes).toEqual([0, 0, 4000, 0, 0]);
    expect(chart.peak).toEqual({ x: 2, packet: 7, entries: 2, bytes: 4000 });
    expect(chart.windows).toEqual([[5, 10]]);
  });

  it('stepPath draws horizontal then vertical moves', () => {
    expect(stepPath([0, 1, 2], [0, 5, 5], (x) => x * 10, (v) => 100 - v)).toBe('M0.0 100.0H10.0V95.0H20.0');
  });
});
