/**
 * Every metric of `check` and rubrics, evaluated on the hand-built scenario of
 * test/report/factory.ts (its header lists the packets). Expected values are counted from that
 * scenario by hand: 4 TCP flows (SF to :80, REJ to :22, RSTO with 2 retransmissions to :443,
 * SF DNS-over-TCP to :53), 6 DNS transactions, 2 QUIC connections, 5 endpoints.
 */
import { describe, expect, it } from 'vitest';
import { evaluateMetric, measureMetric, METRICS, metricKind, metricsMarkdownTable } from '../../src/check/metrics.js';
import type { Where } from '../../src/check/where.js';
import type { Report } from '../../src/report/schema.js';
import { endpoint, makeReport, sampleReport, T0 } from '../report/factory.js';

const report = sampleReport();

function value(metric: string, where?: Where, r: Report = report): number | string {
  const result = evaluateMetric(r, metric, where);
  if ('error' in result) throw new Error(result.error);
  return result.value;
}

describe('capture metrics', () => {
  it.each([
    ['capture.files', 1], ['capture.packets', 44], ['capture.bytes', 5280], ['capture.undecoded', 3],
    ['capture.warnings', 0], ['limits.evicted', 0], ['dns.malformed', 1], ['quic.unattributed', 0],
  ])('%s = %s', (metric, expected) => expect(value(metric)).toBe(expected));

  it('capture.duration is last minus first packet time', () => {
    expect(value('capture.duration')).toBeCloseTo(4.3, 6);
  });

  it('counts warnings and a read error', () => {
    const r = makeReport({ warnings: ['truncated last packet #9'] });
    r.capture.error = 'lab.pcap: corrupt record length at byte 4242 (packet 10)';
    expect(value('capture.warnings', undefined, r)).toBe(2);
  });

  it('are not narrowed by where', () => {
    expect(value('capture.packets', { serverPort: 9 })).toBe(44);
  });
});

describe('TCP metrics', () => {
  it.each([
    ['tcp.flows', 4], ['tcp.packets', 24], ['tcp.bytes', 6655],
    ['tcp.connState.SF', 2], ['tcp.connState.REJ', 1], ['tcp.connState.RSTO', 1], ['tcp.connState.S0', 0], ['tcp.connState.sf', 2],
    ['tcp.handshakes.complete', 3], ['tcp.handshakes.partial', 1], ['tcp.handshakes.missing', 0],
    ['tcp.closedBy.client', 3], ['tcp.closedBy.server', 0], ['tcp.resets', 2],
    ['tcp.retransmissions', 2], ['tcp.outOfOrder', 1], ['tcp.duplicateAcks', 1], ['tcp.zeroWindows', 0], ['tcp.keepAlives', 0],
    ['tcp.handshakeRtt.median', 0.0012],
  ])('%s = %s', (metric, expected) => expect(value(metric)).toBe(expected));

  it('handshakeRtt.median is "none" without a handshake', () => {
    expect(value('tcp.handshakeRtt.median', { serverPort: 22 })).toBe('none');
  });

  it('rejects an unknown conn_state code, naming it', () => {
    const result = evaluateMetric(report, 'tcp.connState.XX');
    expect(result).toEqual({ error: expect.stringContaining('unknown conn_state "XX"') });
  });
});

describe('DNS metrics', () => {
  it.each([
    ['dns.queries', 6], ['dns.answered', 3], ['dns.unanswered', 1], ['dns.late', 1], ['dns.rejected', 1],
    ['dns.unsolicited', 1], ['dns.collisions', 1], ['dns.retransmissions', 1], ['dns.retriedOverTcp', 0],
    ['dns.truncated', 0], ['dns.idReused', 0], ['dns.otherSource', 0],
    ['dns.rcode.NOERROR', 3], ['dns.rcode.NXDOMAIN', 1], ['dns.rcode.nxdomain', 1], ['dns.rcode.SERVFAIL', 0],
    ['dns.rttMedian', 0.1], ['dns.rttP95', 6],
  ])('%s = %s', (metric, expected) => expect(value(metric)).toBe(expected));

  it('counts TC answers, retries over TCP, reused IDs and foreign sources', () => {
    const r = sampleReport();
    const t = r.dns.transactions[0];
    t.flags = { aa: false, tc: true, rd: true, ra: true };
    t.retriedOverTcp = 5;
    r.dns.transactions[1].idReused = true;
    r.dns.transactions[4].responseFrom = ['10.0.0.99:53'];
    expect([value('dns.truncated', undefined, r), value('dns.retriedOverTcp', undefined, r), value('dns.idReused', undefined, r),
      value('dns.otherSource', undefined, r)]).toEqual([1, 1, 1, 1]);
  });

  it('computes the RTT median and p95 of the filtered transactions', () => {
    // UDP answers: txn 0 (0.1 s), txn 2 (6 s), txn 4 (0.1 s): median 0.1, nearest-rank p95 6.
    expect(value('dns.rttMedian', { transport: 'udp' })).toBe(0.1);
    expect(value('dns.rttP95', { transport: 'udp' })).toBe(6);
    expect(value('dns.rttMedian', { qname: 'slow.example' })).toBe(6);
    expect(value('dns.rttMedian', { qname: 'example.net' })).toBe('none');
  });
});

describe('QUIC metrics', () => {
  it.each([
    ['quic.connections', 2], ['quic.handshakes.complete', 1], ['quic.handshakes.partial', 0], ['quic.handshakes.initialOnly', 1],
    ['quic.datagrams', 6], ['quic.withServerName', 2], ['quic.retries', 0], ['quic.migrations', 0],
  ])('%s = %s', (metric, expected) => expect(value(metric)).toBe(expected));

  it('counts retries and migrations', () => {
    const r = sampleReport();
    r.quic.connections[0].retryScid = 'aa55';
    r.quic.connections[1].paths.push({ client: '10.0.0.1:52999', server: '10.0.0.3:443', firstPacket: 42 });
    expect(value('quic.retries', undefined, r)).toBe(1);
    expect(value('quic.migrations', undefined, r)).toBe(1);
  });
});

describe('endpoint metrics', () => {
  it.each([
    ['endpoints.total', 5], ['endpoints.servers', 4], ['endpoints.clients', 1], ['endpoints.stateful', 4], ['endpoints.stateless', 1],
    // peak.bytes is the JSON's peak.bytes (bytes at the moment of most entries); peakBytes.bytes
    // is the JSON's peakBytes.bytes, the factory's peak + 256 in flight (issue 15: one name, one value).
    ['endpoints.peak.entries', 5], ['endpoints.peak.bytes', 74000], ['endpoints.peakBytes.bytes', 74256],
    ['endpoint[10.0.0.2:80].verdict', 'stateful'], ['endpoint[10.0.0.53:53].verdict', 'stateless'], ['endpoint[10.0.0.1].role', 'client'],
    ['endpoint[10.0.0.3:443].stickyRouting', 'connection-id'],
    ['endpoint[10.0.0.2:80].peak.entries', 1], ['endpoint[10.0.0.2:443].peak.bytes', 6304], ['endpoint[10.0.0.2:443].peak.packet', 16],
    ['endpoint[10.0.0.2:443].peakBytes.bytes', 6560], ['endpoint[10.0.0.2:443].peakBytes.packet', 18], ['endpoint[10.0.0.2:443].peakBytes.entries', 1],
    ['endpoint[10.0.0.2:80].meanBytes', 1152], ['endpoint[10.0.0.2:80].atEnd.entries', 0], ['endpoint[10.0.0.2:80].atEnd.bytes', 0],
    ['endpoint[10.0.0.2:80].idleSeconds', 3.4], ['endpoint[10.0.0.2:80].longestIdle', 0], ['endpoint[10.0.0.2:443].reasons', 3],
    ['endpoint[10.0.0.2:80].restart.breaks.tcp', 1], ['endpoint[10.0.0.2:80].restart.breaks.dns', 0], ['endpoint[10.0.0.53:53].restart.breaks.quic', 0],
    ['endpoint[10.0.0.2:80].peakByKind.tcpConnections.entries', 0],
    ['endpoint[10.0.0.99:1].verdict', 'absent'], ['endpoint[10.0.0.99].peak.bytes', 'absent'],
  ])('%s = %s', (metric, expected) => expect(value(metric)).toBe(expected));

  it('reads peakByKind, longestIdle and IPv6 endpoint names', () => {
    const r = makeReport({
      endpoints: [endpoint({
        endpoint: '[2001:db8::1]:443', role: 'server',
        peakByKind: { tcpTimeWait: { entries: 3, bytes: 840, time: T0, packet: 7 } },
        longestIdle: { start: T0, end: T0 + 2.5, seconds: 2.5, fromPacket: 3, toPacket: 4 },
      })],
    });
    expect(value('endpoint[[2001:db8::1]:443].peakByKind.tcpTimeWait.entries', undefined, r)).toBe(3);
    expect(value('endpoint[[2001:DB8::1]:443].peakByKind.tcpTimeWait.bytes', undefined, r)).toBe(840);
    expect(value('endpoint[[2001:db8::1]:443].longestIdle', undefined, r)).toBe(2.5);
  });

  it('rejects an unknown state kind, naming it', () => {
    expect(evaluateMetric(report, 'endpoint[10.0.0.2:80].peakByKind.sockets.entries'))
      .toEqual({ error: expect.stringContaining('unknown state kind "sockets"') });
  });
});

describe('where filters', () => {
  it.each<[string, Where, number]>([
    ['tcp.flows', { serverPort: 80 }, 1],
    ['tcp.flows', { server: '10.0.0.2' }, 3],
    ['tcp.flows', { server: '10.0.0.2:443' }, 1],
    ['tcp.flows', { client: '10.0.0.1:51001' }, 1],
    ['tcp.flows', { clientPort: 51003, serverPort: 53 }, 1],
    ['tcp.flows', { transport: 'udp' }, 0],
    ['tcp.flows', { qname: 'big.example' }, 1], // flow 4 carried it over TCP
    ['tcp.flows', { serverName: 'www.example.org' }, 0],
    ['dns.queries', { transport: 'tcp' }, 1],
    ['dns.queries', { transport: 'udp' }, 5],
    ['dns.queries', { server: '10.0.0.54' }, 1],
    ['dns.queries', { qname: '*.example' }, 4],
    ['dns.queries', { qname: 'EXAMPLE.COM.' }, 1],
    ['dns.queries', { qtype: 'aaaa' }, 1],
    ['dns.queries', { qname: 'example.com', qtype: 'AAAA' }, 0],
    ['dns.queries', { clientPort: 40001 }, 1],
    ['dns.unsolicited', { qname: 'evil.example' }, 1],
    ['dns.unsolicited', { qname: 'example.com' }, 0],
    ['dns.collisions', { transport: 'udp' }, 1],
    ['quic.connections', { serverName: 'API.example.org' }, 1],
    ['quic.connections', { transport: 'udp' }, 2],
    ['quic.connections', { transport: 'quic' }, 2],
    ['quic.connections', { transport: 'tcp' }, 0],
    ['endpoints.total', { serverPort: 53 }, 2], // 10.0.0.53:53 and its client 10.0.0.1
    ['endpoints.stateless', { serverPort: 53 }, 1],
    ['endpoints.servers', { serverPort: 53 }, 1],
    ['endpoints.total', { serverName: 'www.example.org' }, 2], // 10.0.0.3:443 and 10.0.0.1
  ])('%s where %j = %i', (metric, where, expected) => expect(value(metric, where)).toBe(expected));

  it('does not narrow endpoint[...] metrics', () => {
    expect(value('endpoint[10.0.0.2:80].peak.entries', { serverPort: 53 })).toBe(1);
  });
});

describe('several captures analysed together', () => {
  const second = sampleReport('second.pcap');
  second.endpoints[2].verdict = 'stateful'; // 10.0.0.53:53
  const both = [report, second];

  function over(metric: string, where?: Where): number | string {
    const m = measureMetric(both, metric, where);
    if ('error' in m) throw new Error(m.error);
    return m.value;
  }

  it('adds counts and sums', () => {
    expect([over('capture.files'), over('tcp.flows'), over('tcp.retransmissions'), over('dns.rcode.NOERROR')]).toEqual([2, 8, 4, 6]);
  });

  it('merges endpoints: one per name, stateful if stateful anywhere, idle time summed', () => {
    expect([over('endpoints.total'), over('endpoints.stateless'), over('endpoint[10.0.0.53:53].verdict')]).toEqual([5, 0, 'stateful']);
    expect(over('endpoint[10.0.0.2:80].idleSeconds')).toBeCloseTo(6.8, 9);
  });

  it('computes the RTT median over all answers', () => {
    // six answers of 0.1 s and two of 6 s
    expect(over('dns.rttMedian')).toBe(0.1);
    expect(over('dns.rttP95')).toBe(6);
  });
});

describe('the catalog', () => {
  const SAMPLE: Record<string, string> = {
    '<CODE>': 'SF', '<NAME>': 'NOERROR', '<ip:port|ip>': '10.0.0.2:80', '<KIND>': 'tcpConnections',
  };

  /** All concrete names a documented pattern stands for ("a.<x|y>" -> "a.x", "a.y"). */
  function expand(name: string): string[] {
    const m = /<([^>]+)>/.exec(name);
    if (m === null) return [name];
    const options = SAMPLE[m[0]] !== undefined ? [SAMPLE[m[0]]] : m[1].split('|');
    return options.flatMap((o) => expand(name.replace(m[0], o)));
  }

  it('evaluates every documented metric', () => {
    const names = METRICS.flatMap((m) => expand(m.name));
    expect(names.length).toBeGreaterThan(60);
    for (const name of names) {
      const result = evaluateMetric(report, name);
      expect(result, name).not.toHaveProperty('error');
      const kind = metricKind(name);
      if ('error' in kind) throw new Error(kind.error);
      const v = (result as { value: number | string }).value;
      if (kind.kind === 'text') expect(typeof v, name).toBe('string');
      else expect(typeof v, name).toBe('number');
    }
  });

  it('names an unknown metric and lists its family', () => {
    const result = evaluateMetric(report, 'tcp.flow');
    expect(result).toEqual({ error: expect.stringMatching(/^unknown metric "tcp\.flow" \(tcp metrics: tcp\.flows, /) });
    expect(evaluateMetric(report, 'bogus')).toEqual({ error: expect.stringContaining('unknown metric "bogus"') });
  });

  it('documents every metric as a markdown table row', () => {
    const table = metricsMarkdownTable().trimEnd().split('\n');
    expect(table[0]).toBe('| Metric | Value | Meaning | Narrowed by `where` |');
    expect(table).toHaveLength(METRICS.length + 2);
    expect(table).toContain('| `tcp.flows` | count | TCP connections | yes |');
  });

  it('covers the metrics issue 6 requires', () => {
    for (const required of ['tcp.flows', 'tcp.connState.<CODE>', 'tcp.retransmissions', 'tcp.handshakes.<complete|partial|missing>',
      'dns.queries', 'dns.answered', 'dns.unanswered', 'dns.late', 'dns.unsolicited', 'dns.rcode.<NAME>', 'quic.connections',
      'quic.handshakes.<complete|partial|initialOnly>', 'endpoints.<stateful|stateless>', 'endpoint[<ip:port|ip>].peak.<entries|bytes|packet>',
      'endpoint[<ip:port|ip>].verdict']) {
      expect(METRICS.map((m) => m.name)).toContain(required);
    }
  });
});

describe('large captures', () => {
  it('names at most five records in an explanation, however many count', async () => {
    const { judge } = await import('../../src/check/judge.js');
    const { parseExpectation } = await import('../../src/check/expectation.js');
    const { tcpFlow } = await import('../report/factory.js');
    const flows = Array.from({ length: 20_000 }, (_, i) => tcpFlow({ id: i, client: `10.0.${i >> 8 & 255}.${i & 255}:40000`, server: '10.9.9.9:80', firstPacket: i + 1, lastPacket: i + 1 }));
    const big = makeReport({ flows });
    const e = parseExpectation('tcp.connState.SF == 0');
    if ('error' in e) throw new Error(e.error);
    const j = judge([big], e);
    if ('error' in j) throw new Error(j.error);
    expect(j.actual).toBe(20_000);
    const lines = j.explanation.split('\n');
    expect(lines).toHaveLength(2 + 5 + 1);
    expect(lines[lines.length - 1]).toBe('  - … and 19995 more');
  });
});
