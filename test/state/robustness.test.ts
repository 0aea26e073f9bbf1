import { describe, expect, it } from 'vitest';
import { StateLedger } from '../../src/state/ledger.js';
import { client, dns, endpointNamed, feed, hold, play, release, rows, server, tcp, buffer } from './script.js';

describe('the ledger with odd input', () => {
  const S = server('10.0.0.5', 80);
  const C = client('10.0.0.1');

  it('ignores releases and buffers of entries nobody holds', () => {
    const result = play([
      [1, 0, release(S, tcp(9)), buffer(S, tcp(9), 100)],
      [2, 1, hold(S, tcp(1), 'tcpConnections'), release(S, tcp(2)), buffer(S, tcp(2), 5)],
    ], 2);
    expect(result.endpoints.map((e) => e.endpoint)).toEqual(['10.0.0.5:80']);
    expect(rows(endpointNamed(result, '10.0.0.5:80'))).toEqual([[2, 1, 1, 2304]]);
  });

  it('clamps negative or non-finite counts and bytes to zero', () => {
    const result = play([
      [1, 0, hold(S, tcp(1), 'tcpConnections', { entries: Number.NaN }), hold(S, tcp(2), 'tcpConnections', { entries: -3 })],
      [2, 1, hold(S, tcp(3), 'tcpConnections'), buffer(S, tcp(3), -50)],
      [3, 2, buffer(S, tcp(3), Number.POSITIVE_INFINITY)],
    ], 3);
    expect(rows(endpointNamed(result, '10.0.0.5:80'))).toEqual([[2, 1, 1, 2304]]);
  });

  it('settles per packet: a release and re-hold in one packet is no change', () => {
    const result = play([
      [1, 0, hold(S, tcp(1), 'tcpConnections')],
      [2, 1, release(S, tcp(1)), hold(S, tcp(2), 'tcpConnections')],
      [3, 2, hold(S, tcp(3), 'tcpConnections'), release(S, tcp(3))],
    ], 3);
    const s = endpointNamed(result, '10.0.0.5:80');
    expect(rows(s)).toEqual([[1, 0, 1, 2304]]);
    expect(s.peak.entries).toBe(1);
    expect(s.idleWindows).toEqual([]);
  });

  it('works without ticks: events move the clock', () => {
    const ledger = new StateLedger();
    feed(ledger, [
      [1, 10, hold(S, tcp(1), 'tcpHalfOpen'), hold(C, tcp(1), 'tcpHalfOpen')],
      [3, 11, release(S, tcp(1)), release(C, tcp(1))],
      [5, 20, hold(S, tcp(2), 'tcpHalfOpen')],
    ], false);
    const s = endpointNamed(ledger.finish(30, 6), '10.0.0.5:80');
    expect(s.idleWindows).toEqual([
      { start: 11, end: 20, seconds: 9, fromPacket: 3, toPacket: 5 },
    ]);
    expect(s.atEnd.entries).toBe(1);
  });

  it('treats a packet stamped earlier than its predecessor as simultaneous', () => {
    const s = endpointNamed(play([
      [1, 10, hold(S, tcp(1), 'tcpConnections')],
      [2, 9, release(S, tcp(1))],
    ], 12), '10.0.0.5:80');
    expect(rows(s)).toEqual([[1, 10, 1, 2304], [2, 10, 0, 0]]);
    expect(s.meanBytes).toBe(0);
  });

  it('a later hold replaces an until; a hold without one cancels it', () => {
    const s = endpointNamed(play([
      [1, 0, hold(C, dns(0), 'dnsPendingQueries', { until: 5 })],
      [2, 1, hold(C, dns(0), 'dnsPendingQueries', { until: 6 })],
      [3, 2, hold(C, dns(1), 'dnsPendingQueries', { until: 3 })],
      [4, 2.5, hold(C, dns(1), 'dnsPendingQueries')],
    ], 10), '10.0.0.1');
    expect(rows(s)).toEqual([[1, 0, 1, 1088], [3, 2, 2, 2176], [4, 6, 1, 1088]]);
  });

  it('finish twice returns the same result; a capture without events has no endpoints', () => {
    const ledger = new StateLedger();
    ledger.tick(1, 0);
    const first = ledger.finish(1, 1);
    expect(first.endpoints).toEqual([]);
    expect(ledger.finish(5, 9)).toBe(first);
  });

  it('--restart-at past the end of the capture is evaluated at its end', () => {
    const result = play([
      [1, 0, hold(S, tcp(1), 'tcpConnections')],
      [2, 1],
    ], 2, { restartAt: { packet: 50 } });
    expect(endpointNamed(result, '10.0.0.5:80').restart).toEqual({
      at: { packet: 2, time: 2 }, basis: 'requested', breaks: { tcp: [1], dns: [], quic: [] },
    });
  });

  it('keeps memory bounded by live entries: 20000 short connections, stale expiries swept', () => {
    const ledger = new StateLedger({ maxTimelinePoints: 100 });
    for (let i = 1; i <= 20000; i++) {
      const t = i * 0.001;
      ledger.tick(i, t);
      // Each connection is opened and, one packet later, put in TIME-WAIT for 1 s then re-held with a new until.
      ledger.hold({ endpoint: S, ref: tcp(i), kind: 'tcpTimeWait', time: t, packet: i, until: t + 1 });
      if (i > 1) ledger.hold({ endpoint: S, ref: tcp(i - 1), kind: 'tcpTimeWait', time: t, packet: i, until: t + 0.5 });
      if (i % 1000 === 0) {
        // Entries live: held within the last 0.5 s (500 packets) plus the newest; stale items swept.
        const { liveEntries, scheduledExpiries } = ledger.sizes;
        expect(liveEntries).toBe(501);
        expect(scheduledExpiries).toBeLessThan(2 * 501 + 1024);
      }
    }
    const s = endpointNamed(ledger.finish(200, 20000), '10.0.0.5:80');
    expect(s.timeline.length).toBeLessThanOrEqual(100);
    expect(s.timelineCompressed).toBe(true);
    expect(s.atEnd).toEqual({ entries: 0, bytes: 0 });
    expect(s.reasons.slice(-2)).toEqual([
      'and 19995 more flows',
      'TIME-WAIT (held after closing first) counts in entries and bytes, but losing it breaks nothing (RFC 9293 §3.6)',
    ]);
  });
});
