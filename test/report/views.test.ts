/** Behaviour of the table, markdown and NDJSON views beyond their golden files. */
import { evictionWarnings } from '../../src/report/limits.js';
import { describe, expect, it } from 'vitest';
import { renderStateTable, renderTable } from '../../src/report/table.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { ndjsonRecords, type NdjsonRecord } from '../../src/report/ndjson.js';
import { findProblems } from '../../src/report/problems.js';
import { formatBytes, formatSeconds, formatTime } from '../../src/report/format.js';
import { failedReport, makeReport, sampleReport, tcpFlow } from './factory.js';

const ANSI = /\u001b\[/;

function manyFlows(n: number) {
  return makeReport({
    flows: Array.from({ length: n }, (_, i) => tcpFlow({ id: i + 1, client: `10.0.0.1:${40000 + i}`, server: '10.0.0.2:80', firstPacket: i * 3 + 1, lastPacket: i * 3 + 3 })),
  });
}

describe('renderTable', () => {
  it('has no ANSI escape when color is off, and some when it is on', () => {
    expect(renderTable([sampleReport(), failedReport()], { color: false })).not.toMatch(ANSI);
    expect(renderStateTable([sampleReport()], { color: false })).not.toMatch(ANSI);
    expect(renderTable([sampleReport()], { color: true })).toMatch(ANSI);
  });

  it('shows 50 connections by default, then an "N more" line', () => {
    const text = renderTable([manyFlows(53)], { color: false });
    expect(text).toMatch(/│ 50 │ +[0-9.]+ │ 10\.0\.0\.1:40049/);
    expect(text).not.toContain('10.0.0.1:40050');
    expect(text).toContain('… 3 more (53 TCP connections in all; --format json lists every one)');
  });

  it('says how many flows --max-records left out of the report, not just out of the table', () => {
    const cut = manyFlows(53);
    cut.tcp.summary.flows = 500;
    const text = renderTable([cut], { color: false });
    expect(text).toContain('TCP connections (500, 53 listed)');
    expect(text).toContain('… 3 more (500 TCP connections in all; --format json lists 53, see --max-records)');
    const none = manyFlows(0);
    none.tcp.summary.flows = 7;
    expect(renderTable([none], { color: false })).toContain('TCP connections (7, 0 listed)\n… 7 more not listed (7 TCP connections in all; see --max-records)');
  });

  it('honours maxRows and prints no "more" line when everything fits', () => {
    expect(renderTable([manyFlows(5)], { color: false, maxRows: 2 })).toContain('… 3 more (5 TCP connections in all');
    expect(renderTable([manyFlows(5)], { color: false })).not.toContain('more (');
  });

  it('prints a failed capture as its error, and the others in input order', () => {
    const text = renderTable([failedReport('x.pcap', 'x.pcap: truncated file header'), sampleReport('y.pcap')], { color: false });
    expect(text.startsWith('x.pcap\nerror: x.pcap: truncated file header\n\n')).toBe(true);
    expect(text).toContain('│ Capture     │ y.pcap');
  });

  it('lists DNS transactions needing attention with their packet numbers', () => {
    const text = renderTable([sampleReport()], { color: false });
    const rows: [string, string, string][] = [
      ['unanswered', 'example.net AAAA', '#25'], ['late', 'slow.example TXT', '#26, #27, #40'], ['rejected', 'blocked.example A', '#28'],
      ['unsolicited', 'evil.example', '#29'], ['collision', 'other.example', '#43'], ['malformed', '-', '#44'],
    ];
    for (const [kind, query, packets] of rows) {
      expect(text).toMatch(new RegExp(`│ ${kind} +│ ${query} +│[^\\n]*│ ${packets} +│`));
    }
  });

  it('sorts endpoints by peak bytes, and state view shows nothing else', () => {
    const text = renderStateTable([sampleReport()], { color: false });
    const order = ['10.0.0.1 ', '10.0.0.3:443', '10.0.0.2:443', '10.0.0.2:80', '10.0.0.53:53'].map((e) => text.indexOf(`│ ${e}`));
    expect(order.every((pos, i) => pos > 0 && (i === 0 || pos > order[i - 1]))).toBe(true);
    expect(text).not.toContain('TCP connections (');
    expect(text).not.toContain('DNS (');
    expect(text).toContain('10.0.0.2:443: restart at packet #16 (most state held) breaks 1 TCP connection (3)');
  });

  it('with --restart-at names each broken flow with its packets, for clients as for servers, in the table and the markdown', () => {
    const r = sampleReport();
    const client = r.endpoints.find((e) => e.role === 'client');
    if (client === undefined) throw new Error('the sample has a client');
    client.restart = {
      at: { packet: 20, time: 1 }, basis: 'requested', breaks: { tcp: [3], dns: [7], quic: [] },
      flows: [{ proto: 'tcp', id: 3, firstPacket: 12, lastPacket: 30 }, { proto: 'dns', id: 7, firstPacket: 19, lastPacket: 21 }],
    };
    const line = `${client.endpoint}: restart at packet #20 breaks 1 TCP connection (3 #12–#30), 1 DNS query in flight (7 #19–#21)`;
    expect(renderStateTable([r], { color: false })).toContain(line);
    expect(renderMarkdown([r])).toContain(`- \`${client.endpoint}\`: restart at packet #20 breaks 1 TCP connection (3 #12–#30), 1 DNS query in flight (7 #19–#21)`);
  });
});

describe('renderMarkdown', () => {
  it('lists problems with packet numbers', () => {
    const md = renderMarkdown([sampleReport()]);
    expect(md).toContain('- **TCP** flow 2 10.0.0.1:51001 → 10.0.0.2:22: REJ, connection attempt rejected (history Sr) (packets #10–#11)');
    expect(md).toContain('- **DNS** unanswered example.net AAAA from 10.0.0.1:40001 to 10.0.0.53:53: no response by the end of the capture (packets #25)');
    expect(md).toContain('| `10.0.0.53:53` | server | **stateless** |');
  });

  it('escapes markdown and HTML that arrives in DNS names', () => {
    const r = sampleReport();
    r.dns.transactions[1].qname = '<img src=x onerror=alert(1)>|*x*`';
    const md = renderMarkdown([r]);
    expect(md).toContain('\\<img src=x onerror=alert(1)\\>\\|\\*x\\*\\`');
    expect(md).not.toMatch(/(^|[^\\])<img/);
  });

  it('says so when there is nothing to fix, and prints errors of unreadable captures', () => {
    const md = renderMarkdown([makeReport({ path: 'clean.pcap' }), failedReport('bad.pcap', 'bad.pcap: empty file')]);
    expect(md).toContain('### Problems found\n\nNone.');
    expect(md).toContain('## `bad.pcap`\n\n**Error:** bad.pcap: empty file');
  });
});

describe('findProblems', () => {
  it('reports read errors, evictions and unattributed QUIC datagrams', () => {
    const r = makeReport();
    r.capture.error = 'lab.pcap: corrupt record length at byte 100';
    r.limits.evictedFlows = 7;
    r.limits.evictedOpenFlows = 3;
    // analyzeCapture says evictions in a warning (issue 15); the problems list shows warnings once.
    r.warnings = [`lab.pcap: ${evictionWarnings(r.limits)[0]}`];
    r.limits.omittedDnsTransactions = 4;
    r.quic.unattributed = { datagrams: 2, packets: [5, 9] };
    expect(findProblems(r)).toEqual([
      { area: 'capture', text: 'reading stopped early: lab.pcap: corrupt record length at byte 100', where: '' },
      { area: 'capture', text: 'lab.pcap: 7 TCP flows evicted at the cap of 100000 (--max-flows), the least recently seen first, 3 of them still open: results for those are partial', where: '' },
      { area: 'quic', text: '2 datagrams with short headers of no known connection', where: '#5, #9' },
      { area: 'limits', text: '4 rows not listed beyond --max-records 100000 (counted in the summaries)', where: '' },
    ]);
  });
});

describe('ndjsonRecords', () => {
  it('yields a capture record, then every flow, transaction, connection, endpoint, attempt and state loss', () => {
    const records = [...ndjsonRecords(sampleReport('lab.pcap'))];
    expect(records.map((r) => r.type)).toEqual([
      'capture', 'tcp-flow', 'tcp-flow', 'tcp-flow', 'tcp-flow',
      'dns-transaction', 'dns-transaction', 'dns-transaction', 'dns-transaction', 'dns-transaction', 'dns-transaction',
      'quic-connection', 'quic-connection', 'endpoint', 'endpoint', 'endpoint', 'endpoint', 'endpoint',
      'attempt', 'attempt', 'state-loss',
    ]);
    expect(records.every((r) => r.capture === 'lab.pcap')).toBe(true);
    const flow = records[3] as Extract<NdjsonRecord, { type: 'tcp-flow' }>;
    expect([flow.id, flow.connState, flow.firstPacket]).toEqual([3, 'RSTO', 14]);
    const capture = records[0] as Extract<NdjsonRecord, { type: 'capture' }>;
    expect(capture.file?.packets).toBe(44);
    expect(capture.dns?.unsolicited).toHaveLength(1);
    expect(capture).not.toHaveProperty('tcp.flows');
  });

  it('yields only endpoints for the state view', () => {
    expect([...ndjsonRecords(sampleReport(), 'state')].map((r) => r.type)).toEqual(['capture', 'endpoint', 'endpoint', 'endpoint', 'endpoint', 'endpoint', 'attempt', 'attempt', 'state-loss']);
  });

  it('yields the error of an unreadable capture', () => {
    expect([...ndjsonRecords(failedReport('bad.pcap', 'bad.pcap: empty file'))]).toEqual([{ type: 'capture', capture: 'bad.pcap', error: 'bad.pcap: empty file' }]);
  });

  it('serializes each record to one line', () => {
    const r = sampleReport();
    r.dns.transactions[0].qname = 'line\nbreak';
    for (const rec of ndjsonRecords(r)) expect(JSON.stringify(rec)).not.toContain('\n');
  });
});

describe('formatters', () => {
  it.each([[0, '0 B'], [1023, '1023 B'], [1024, '1.0 KiB'], [2304, '2.3 KiB'], [5 * 1024 * 1024, '5.0 MiB']])('formatBytes(%i)', (n, s) => {
    expect(formatBytes(n)).toBe(s);
  });
  it.each<[number | null, string]>([[null, '-'], [0, '0 s'], [0.0004, '400 µs'], [0.0123, '12.3 ms'], [4.2, '4.20 s'], [185, '3m 05s'], [7440, '2h 04m'],
    // 16507h 43m (issue 15) is 687 days and 19.7 hours: rounded to the hour, 687d 20h.
    [16507 * 3600 + 43 * 60, '687d 20h'], [86399, '1d 00h' /* 1440 minutes once rounded */], [86340, '23h 59m'], [86400, '1d 00h']])(
    'formatSeconds(%s)', (n, s) => expect(formatSeconds(n)).toBe(s));
  it('formatTime keeps microseconds', () => {
    expect(formatTime(1714564800.000123)).toBe('2024-05-01T12:00:00.000123Z');
    expect(formatTime(1714564800.9999996)).toBe('2024-05-01T12:00:01.000000Z');
  });
});
