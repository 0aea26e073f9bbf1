import { describe, expect, it } from 'vitest';
import { LINUX_COST_MODEL } from '../../src/state/cost-model.js';
import { client, dns, endpointNamed, hold, play, release, rows, server, told, type ScriptPacket } from './script.js';

const PENDING = LINUX_COST_MODEL.entries.dnsPendingQueries.bytes; // 1088
const IN_FLIGHT = LINUX_COST_MODEL.entries.dnsInFlight.bytes; // 512

describe('a client with 5 outstanding DNS queries (timeout 5 s)', () => {
  const C = client('10.0.0.7');
  const R = server('10.0.0.53', 53);
  const query = (n: number, time: number): ScriptPacket =>
    [n, time, hold(C, dns(n - 1), 'dnsPendingQueries', { until: time + 5 }), hold(R, dns(n - 1), 'dnsInFlight')];
  const answer = (n: number, time: number, txn: number): ScriptPacket =>
    [n, time, release(C, dns(txn)), release(R, dns(txn)), told(C, R, dns(txn), txn + 1, { answer: n, exchanges: [txn + 1] })];
  // Five queries 0.25 s apart; transactions 0, 1, 2 are answered, 3 and 4 never are (the tracker
  // tells so at the end; here with the last answer).
  const packets: ScriptPacket[] = [
    query(1, 10), query(2, 10.25), query(3, 10.5), query(4, 10.75), query(5, 11),
    answer(6, 11.5, 0), answer(7, 12, 1),
    [...answer(8, 12.5, 2), told(C, R, dns(3), 4, { answer: { kind: 'none' } }), told(C, R, dns(4), 5, { answer: { kind: 'none' } })],
  ];

  it('the client holds 5 pending queries at packet 5; the unanswered two expire at their timeout', () => {
    const c = endpointNamed(play(packets, 20), '10.0.0.7');
    expect(c.peak).toEqual({ entries: 5, bytes: 5 * PENDING, time: 11, packet: 5 });
    expect(rows(c)).toEqual([
      [1, 10, 1, 1088], [2, 10.25, 2, 2176], [3, 10.5, 3, 3264], [4, 10.75, 4, 4352], [5, 11, 5, 5440],
      [6, 11.5, 4, 4352], [7, 12, 3, 3264], [8, 12.5, 2, 2176], [8, 15.75, 1, 1088], [8, 16, 0, 0],
    ]);
    // (1088+2176+3264+4352)*0.25 + (5440+4352+3264)*0.5 + 2176*3.25 + 1088*0.25 = 16592 over 10 s
    expect(c.meanBytes).toBe(1659);
  });

  it('calls the client stateless: per-query state only, listed with packets', () => {
    const c = endpointNamed(play(packets, 20), '10.0.0.7');
    expect(c.verdict).toBe('stateless');
    expect(c.stickyRouting).toBe('none');
    // Each answered query is one exchange; the two never answered are attempts, not exchanges.
    expect(c.reasons).toEqual([
      'stateless: every breakable state lived within one request/response exchange: 3 DNS transactions; ' +
        '2 attempts (2 with no answer), holding no conversation',
      'DNS transaction 0: one exchange (query at packet 1); held from packet 1 to packet 6 (waiting for the answer)',
      'DNS transaction 1: one exchange (query at packet 2); held from packet 2 to packet 7 (waiting for the answer)',
      'DNS transaction 2: one exchange (query at packet 3); held from packet 3 to packet 8 (waiting for the answer)',
      'attempts, not conversations: DNS transaction 3 at packet 4: no answer; DNS transaction 4 at packet 5: no answer',
    ]);
  });

  it('the server keeps the unanswered queries in flight to the end: never idle, a restart loses them', () => {
    const r = endpointNamed(play(packets, 20), '10.0.0.53:53');
    expect(r.verdict).toBe('stateless');
    expect(r.peak).toEqual({ entries: 5, bytes: 5 * IN_FLIGHT, time: 11, packet: 5 });
    expect(r.atEnd).toEqual({ entries: 2, bytes: 2 * IN_FLIGHT });
    expect(r.idleWindows).toEqual([]);
    expect(r.idleSeconds).toBe(0);
    expect(r.restart).toEqual({ at: { packet: 5, time: 11 }, basis: 'worst', breaks: { tcp: [], dns: [0, 1, 2, 3, 4], quic: [] } });
    const at7 = endpointNamed(play(packets, 20, { restartAt: { packet: 7 } }), '10.0.0.53:53');
    expect(at7.restart).toEqual({ at: { packet: 7, time: 12 }, basis: 'requested', breaks: { tcp: [], dns: [2, 3, 4], quic: [] } });
  });
});

describe('a resolver forwarding queries (a server that is also a client)', () => {
  const C = client('10.0.0.7');
  const resolver = server('10.0.0.53', 53);
  const resolverAsClient = client('10.0.0.53');
  const upstream = server('192.0.2.1', 53);
  // Transaction 0: C asks the resolver; transaction 1: the resolver forwards upstream and answers C.
  // Transaction 2, ten seconds later, is answered from the resolver's cache.
  const packets: ScriptPacket[] = [
    [1, 50, hold(C, dns(0), 'dnsPendingQueries', { until: 55 }), hold(resolver, dns(0), 'dnsInFlight')],
    [2, 50.25, hold(resolverAsClient, dns(1), 'dnsPendingQueries', { until: 55.25 }), hold(upstream, dns(1), 'dnsInFlight')],
    [3, 50.5, release(resolverAsClient, dns(1)), release(upstream, dns(1)), told(resolverAsClient, upstream, dns(1), 2, { answer: 3, exchanges: [2] })],
    [4, 50.75, release(resolver, dns(0)), release(C, dns(0)), told(C, resolver, dns(0), 1, { answer: 4, exchanges: [1] })],
    [5, 60, hold(C, dns(2), 'dnsPendingQueries', { until: 65 }), hold(resolver, dns(2), 'dnsInFlight')],
    [6, 60.25, release(resolver, dns(2)), release(C, dns(2)), told(C, resolver, dns(2), 5, { answer: 6, exchanges: [5] })],
  ];

  it('lists four endpoints by peak bytes, the resolver in both roles', () => {
    const result = play(packets, 70);
    expect(result.endpoints.map((e) => [e.endpoint, e.role, e.verdict, e.peakBytes?.bytes])).toEqual([
      ['10.0.0.7', 'client', 'stateless', PENDING],
      ['10.0.0.53', 'client', 'stateless', PENDING],
      ['10.0.0.53:53', 'server', 'stateless', IN_FLIGHT],
      ['192.0.2.1:53', 'server', 'stateless', IN_FLIGHT],
    ]);
  });

  it('says the resolver forwards, in both of its endpoints', () => {
    const result = play(packets, 70);
    const asServer = endpointNamed(result, '10.0.0.53:53');
    expect(asServer.reasons).toEqual([
      'stateless: every breakable state lived within one request/response exchange: 2 DNS transactions',
      'DNS transaction 0: one exchange (query at packet 1); held from packet 1 to packet 4 (in flight)',
      'DNS transaction 2: one exchange (query at packet 5); held from packet 5 to packet 6 (in flight)',
      'the same address also acts as a client (10.0.0.53)',
    ]);
    const asClient = endpointNamed(result, '10.0.0.53');
    expect(asClient.reasons.at(-1)).toBe('the same address also serves (10.0.0.53:53)');
    expect(asClient.reasons[1]).toBe('DNS transaction 1: one exchange (query at packet 2); held from packet 2 to packet 3 (waiting for the answer)');
  });

  it('the resolver is idle between exchanges', () => {
    const r = endpointNamed(play(packets, 70), '10.0.0.53:53');
    expect(r.idleWindows).toEqual([
      { start: 50.75, end: 60, seconds: 9.25, fromPacket: 4, toPacket: 5 },
      { start: 60.25, end: 70, seconds: 9.75, fromPacket: 6, toPacket: null },
    ]);
    expect(r.idleSeconds).toBe(19);
    expect(r.longestIdle?.start).toBe(60.25);
    expect(rows(r)).toEqual([[1, 50, 1, 512], [4, 50.75, 0, 0], [5, 60, 1, 512], [6, 60.25, 0, 0]]);
  });

  it('--restart-at +0.5 s: after packet 3 the resolver still owes transaction 0; upstream owes nothing', () => {
    const result = play(packets, 70, { restartAt: { secondsAfterStart: 0.5 } });
    const at = { packet: 3, time: 50.5 };
    expect(endpointNamed(result, '10.0.0.53:53').restart).toEqual({ at, basis: 'requested', breaks: { tcp: [], dns: [0], quic: [] } });
    expect(endpointNamed(result, '192.0.2.1:53').restart).toEqual({ at, basis: 'requested', breaks: { tcp: [], dns: [], quic: [] } });
    // Clients answer --restart-at too: the resolver, as a client, had its answer at packet 3 (owes
    // nothing to wait for); the client 10.0.0.7 still waits for transaction 0 (answered at 4).
    expect(endpointNamed(result, '10.0.0.53').restart).toEqual({ at, basis: 'requested', breaks: { tcp: [], dns: [], quic: [] } });
    expect(endpointNamed(result, '10.0.0.7').restart).toEqual({ at, basis: 'requested', breaks: { tcp: [], dns: [0], quic: [] } });
    // Without --restart-at a client has no restart answer (the worst moment is a server's).
    expect(endpointNamed(play(packets, 70), '10.0.0.7').restart).toBeNull();
  });

  it('an endpoint first seen after --restart-at lost nothing then', () => {
    const result = play(packets, 70, { restartAt: { packet: 1 } });
    expect(endpointNamed(result, '192.0.2.1:53').restart).toEqual({
      at: { packet: 1, time: 50 }, basis: 'requested', breaks: { tcp: [], dns: [], quic: [] },
    });
    expect(endpointNamed(result, '10.0.0.53:53').restart?.breaks.dns).toEqual([0]);
  });
});
