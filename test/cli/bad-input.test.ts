/**
 * The built CLI on inputs users bring by mistake: exit code 0 (analysed, maybe with warnings) or
 * 2 (bad input), never a stack trace, one stderr line per problem naming the file, and in JSON
 * every packet before the damage. Expected values follow from the captures built here.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { AnyReport, Report } from '../../src/report/schema.js';
import { writePcap, type WrittenPacket } from '../helpers/capture-file.js';
import { tcpFrame } from '../helpers/packets.js';
import { statecapAsync, type CliResult as Run } from './run.js';
import { OPEN_FINDINGS } from '../fuzz/open-findings.js';

const dir = mkdtempSync(join(tmpdir(), 'statecap-bad-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI in this process; with standard input, the bundled bin as a child process (test/cli/run.ts). */
function statecap(args: string[], input?: Uint8Array): Promise<Run> {
  return statecapAsync(args, input === undefined ? undefined : Buffer.from(input), { CI: '1' });
}

const lines = (text: string): string[] => text.split('\n').filter((l) => l.length > 0);
const noStack = (r: Run): void => expect(r.stderr).not.toMatch(/^\s+at /m);

function write(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

const T = 1_700_000_000;
const C = { src: '10.0.0.1', dst: '10.0.0.2', srcPort: 40000, dstPort: 80 };
const S = { src: '10.0.0.2', dst: '10.0.0.1', srcPort: 80, dstPort: 40000 };
/** A handshake then a request: 4 frames of 54, 54, 54 and 60 bytes. */
const PACKETS: WrittenPacket[] = [
  { time: T, data: tcpFrame({ ...C, seq: 100, flags: 'S' }) },
  { time: T + 0.001, data: tcpFrame({ ...S, seq: 900, ack: 101, flags: 'SA' }) },
  { time: T + 0.002, data: tcpFrame({ ...C, seq: 101, ack: 901, flags: 'A' }) },
  { time: T + 0.003, data: tcpFrame({ ...C, seq: 101, ack: 901, flags: 'PA', payload: 'hello!' }) },
];
const GOOD = writePcap(PACKETS);
/** Record offsets in GOOD: 24-byte file header, then 16-byte record headers. */
const RECORD = [24, 94, 164, 234];

const asReport = (r: AnyReport): Report => {
  if (!('tcp' in r)) throw new Error(`expected a report: ${r.error}`);
  return r;
};

describe.concurrent('statecap analyze on bad input', () => {
  it('a missing file: exit 2, one line naming it; JSON says so in a FailedReport', async () => {
    const path = join(dir, 'missing.pcap');
    const r = await statecap(['analyze', path, '--format', 'json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`statecap: ${path}: no such file\n`);
    expect(JSON.parse(r.stdout)).toEqual({ schema: 'statecap/report-v1', capture: { path }, error: `${path}: no such file` });
  });

  it('a directory: exit 2, "is a directory"', async () => {
    const r = await statecap(['analyze', dir]);
    expect([r.status, r.stderr]).toEqual([2, `statecap: ${dir}: is a directory\n`]);
  });

  it('an empty file: exit 2, "empty file"', async () => {
    const path = write('empty.pcap', new Uint8Array(0));
    const r = await statecap(['analyze', path, '--format', 'json']);
    expect([r.status, r.stderr]).toEqual([2, `statecap: ${path}: empty file\n`]);
    expect((JSON.parse(r.stdout) as { error: string }).error).toBe(`${path}: empty file`);
  });

  it('a text file: exit 2, "not a capture file" with the magic it found ("hell")', async () => {
    const path = write('notes.pcap', 'hello, this is not a capture\n');
    const r = await statecap(['analyze', path]);
    expect([r.status, r.stderr]).toEqual([2, `statecap: ${path}: not a capture file (magic 0x68656c6c)\n`]);
  });

  it('a truncated last packet: exit 0, a warning naming file and packet; the packets before it analysed', async () => {
    const path = write('cut.pcap', GOOD.subarray(0, RECORD[3]! + 16 + 20));
    const r = await statecap(['analyze', path, '--format', 'json']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`statecap: warning: ${path}: packet 4 truncated at byte offset 234 (has 36 of 76 bytes)\n`);
    const report = asReport(JSON.parse(r.stdout) as AnyReport);
    expect([report.capture.packets, report.capture.error, report.warnings.length]).toEqual([3, undefined, 1]);
    expect(report.tcp.flows.map((f) => [f.firstPacket, f.lastPacket, f.packets, f.handshake])).toEqual([[1, 3, 3, 'complete']]);
  });

  it('a corrupt length in the middle: exit 2, one line naming file, packet and offset; JSON keeps packets 1-2', async () => {
    const bytes = Buffer.from(GOOD);
    bytes.writeUInt32LE(0x00ffffff, RECORD[2]! + 8);
    const path = write('corrupt.pcap', bytes);
    const r = await statecap(['analyze', path, '--format', 'json']);
    expect(r.status).toBe(2);
    const message = `${path}: packet 3 at byte offset 164: captured length 16777215 exceeds the limit of 262144 bytes (corrupt record header)`;
    expect(r.stderr).toBe(`statecap: ${message}\n`);
    const report = asReport(JSON.parse(r.stdout) as AnyReport);
    expect([report.capture.packets, report.capture.error]).toEqual([2, message]);
    expect(report.tcp.flows.map((f) => [f.firstPacket, f.lastPacket, f.packets])).toEqual([[1, 2, 2]]);
    noStack(r);
  });

  it('several captures, one unreadable: an array in input order, the bad one as {capture: {path}, error}, exit 2', async () => {
    const good = write('good.pcap', GOOD);
    const bad = write('bad.pcap', 'GET / HTTP/1.1\r\n');
    const gz = write('good.pcap.gz', gzipSync(GOOD));
    const r = await statecap(['analyze', good, bad, gz, '--format', 'json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`statecap: ${bad}: not a capture file (magic 0x47455420)\n`);
    const reports = JSON.parse(r.stdout) as AnyReport[];
    expect(reports.map((x) => ('tcp' in x ? [x.capture.path, x.capture.packets] : [x.capture.path, x.error]))).toEqual([
      [good, 4], [bad, `${bad}: not a capture file (magic 0x47455420)`], [gz, 4],
    ]);
  });

  it('- reads a capture piped to standard input', async () => {
    const r = await statecap(['analyze', '-', '--format', 'json'], GOOD);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const report = asReport(JSON.parse(r.stdout) as AnyReport);
    expect([report.capture.path, report.capture.format, report.capture.packets, report.tcp.flows[0]?.payloadBytes]).toEqual(['-', 'pcap', 4, { client: 6, server: 0 }]);
  });

  it('a gzip capture (recognized by its magic, whatever its name) reads like the plain one', async () => {
    const path = write('capture.bin', gzipSync(GOOD));
    const r = await statecap(['analyze', path, '--format', 'json']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const report = asReport(JSON.parse(r.stdout) as AnyReport);
    expect([report.capture.compressed, report.capture.packets, report.capture.bytes]).toEqual([true, 4, 54 * 3 + 60]);
  });

  it('a gzip capture cut short: exit 0, warnings for the gzip stream and the packet it cut', async () => {
    const gz = gzipSync(GOOD);
    const path = write('cut.pcap.gz', gz.subarray(0, gz.length - 12));
    const r = await statecap(['analyze', path, '--format', 'json']);
    expect(r.status).toBe(0);
    expect(lines(r.stderr)[0]).toBe(`statecap: warning: ${path}: gzip data ends early (the compressed file is truncated)`);
    expect(lines(r.stderr).every((l) => l.startsWith(`statecap: warning: ${path}: `))).toBe(true);
    noStack(r);
  });

  const badValues: [string[], string][] = [
    [['--max-flows', 'abc'], "option --max-flows: 'abc' is not a whole number from 1 to 9007199254740991"],
    [['--max-fragments', '0'], "option --max-fragments: '0' is not a whole number from 1 to 9007199254740991"],
    [['--dns-timeout', '-1'], "option --dns-timeout: '-1' is not a number from 0 to 9007199254740991"],
    [['--restart-at', '2.5'], "option --restart-at: '2.5' is not a whole number from 1 to 9007199254740991"],
    [['--max-state-mb', '0'], "option --max-state-mb: '0' is not a whole number from 1 to 1000000"],
    [['--max-state-mb', '1.5'], "option --max-state-mb: '1.5' is not a whole number from 1 to 1000000"],
    [['--max-state-mb', '64MB'], "option --max-state-mb: '64MB' is not a whole number from 1 to 1000000"],
  ];
  for (const [args, message] of badValues) {
    it(`bad option value ${args.join(' ')}: exit 2, one line`, async () => {
      const r = await statecap(['analyze', write(`value${args.join('')}.pcap`, GOOD), ...args]);
      expect([r.status, r.stderr, r.stdout]).toEqual([2, `statecap: ${message}\n`, '']);
    });
  }

  const usage: [string[], string][] = [
    [['--bogus'], "statecap: unknown option '--bogus' (see --help)"],
    [['--format', 'xml'], "statecap: option '-f, --format <format>' argument 'xml' is invalid. Allowed choices are table, json, markdown, ndjson, html, zeek. (see --help)"],
  ];
  for (const [args, first] of usage) {
    it(`usage mistake ${args.join(' ')}: exit 2, the problem on the first stderr line, nothing analysed`, async () => {
      const r = await statecap(['analyze', write(`usage${args.join('')}.pcap`, GOOD), ...args]);
      expect([r.status, lines(r.stderr)[0], r.stdout]).toEqual([2, first, '']);
      noStack(r);
    });

    it.skipIf('cli-usage-one-line' in OPEN_FINDINGS)(`usage mistake ${args.join(' ')}: stderr is that one line`, async () => {
      const r = await statecap(['analyze', write(`usage-line${args.join('')}.pcap`, GOOD), ...args]);
      expect(lines(r.stderr)).toEqual([first]);
    });
  }
});
