/**
 * The table view as issue 15 asks: TCP problems in a compact column, states resting on missing
 * packets marked "~" and warned about (per flow, and once per capture for one-sided captures),
 * the terminal's width honoured (--wide keeps everything), --sort, --top and --time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writePcap } from '../helpers/capture-file.js';
import { TcpScript } from '../helpers/tcp-script.js';
import { fixture, statecapAsync as statecap } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'statecap-tables-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Two 1000-byte server segments and the server's FIN are lost before the capture point; the
// client acknowledges all of them (its last ACK is 1 past the server's last captured byte + 2000).
const lossy = join(dir, 'lossy.pcap');
writeFileSync(lossy, writePcap(new TcpScript().handshake().c('PA', { len: 100 }).s('A')
  .s('PA', { len: 1000, missing: true }).s('PA', { len: 1000, missing: true }).s('PA', { len: 500 }).c('A')
  .s('FA', { missing: true }).c('A').c('FA').s('A', { missing: true }).packets));

// Only the client's side of a conversation: SYN, then ACKs of 2,500 bytes of server data 6 s later.
const oneway = join(dir, 'oneway.pcap');
const full = new TcpScript().handshake().c('PA', { len: 100 }).s('PA', { len: 2500 }).c('A', { dt: 6 }).c('FA').s('FA').c('A');
writeFileSync(oneway, writePcap(full.packets.filter((_, i) => [0, 2, 3, 5, 6, 8].includes(i))));

// A retransmission (packet 6) and three duplicate ACKs (packets 7-9) on one flow, a clean flow besides.
const problems = join(dir, 'problems.pcap');
const p = new TcpScript().handshake().c('PA', { len: 100 }).s('A').c('PA', { len: 100, seq: 1 })
  .s('A', { ack: 101 }).s('A', { ack: 101 }).s('A', { ack: 101 }).c('FA').s('FA').c('A');
const clean = new TcpScript('10.0.0.1', '10.0.0.2', 40001, 443, 1_700_000_005).handshake().c('PA', { len: 3000 }).s('A').c('FA').s('FA').c('A');
writeFileSync(problems, writePcap([...p.packets, ...clean.packets]));

interface Flow { id: number; finalState: { client: string; server: string }; inferred?: string[] }

// Independent runs on the captures written above: side by side.
describe.concurrent('damaged and one-sided captures', () => {
  it('marks states resting on lost segments as inferred, in the table, the JSON and a warning', async () => {
    const [table, json] = await Promise.all([statecap(['analyze', '--wide', lossy]), statecap(['analyze', '-f', 'json', lossy])]);
    expect(table.status).toBe(0);
    // The client's FIN (never acknowledged in the capture) moves the server to CLOSE-WAIT when it
    // arrives (RFC 9293 §3.10.7.4, issue 18); the client stays in FIN-WAIT-1.
    expect(table.stdout).toContain('│ FIN-WAIT-1~ / CLOSE-WAIT~ │');
    expect(table.stdout).toContain('│ lost 1   │');
    expect(table.stdout).toContain('~ inferred: a state that rests on packets missing from the capture');
    const reasons = ['1 gap in the sequence numbers (segments not captured)',
      'the client acknowledged 1 byte of sequence space the capture does not have from the server'];
    expect(table.stderr).toBe(`statecap: warning: ${lossy}: TCP flow 0 10.0.0.1:40000 → 10.0.0.2:80: states inferred, packets missing: ${reasons.join('; ')}\n`);
    const flow = (JSON.parse(json.stdout) as { tcp: { flows: Flow[] } }).tcp.flows[0];
    expect(flow.inferred).toEqual(reasons);
  });

  it('says "one direction only" once for the capture and once per flow', async () => {
    const r = await statecap(['analyze', '-f', 'json', oneway]);
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      `statecap: warning: ${oneway}: one direction only: 1 of 1 TCP flow seen from one side only (an asymmetric route or a one-way tap?): their states are inferred`,
      `statecap: warning: ${oneway}: TCP flow 0 10.0.0.1:40000 → 10.0.0.2:80: states inferred, packets missing: one direction only: 6 packets from the client, none from the server`,
    ]);
    const flow = (JSON.parse(r.stdout) as { tcp: { flows: Flow[] } }).tcp.flows[0];
    expect(flow.inferred).toEqual(['one direction only: 6 packets from the client, none from the server']);
  });

  it('leaves a whole conversation unmarked', async () => {
    const r = await statecap(['analyze', '-f', 'json', fixture('quickstart.pcap')]);
    expect(r.stderr).toBe('');
    expect((JSON.parse(r.stdout) as { tcp: { flows: Flow[] } }).tcp.flows.every((f) => f.inferred === undefined)).toBe(true);
  });
});

describe.concurrent('table layout', () => {
  it('shows TCP problems, sorts and cuts rows, and prints relative or absolute start times', async () => {
    const [r, byBytesRun, byProblems, topZero] = await Promise.all([
      statecap(['analyze', '--wide', problems]),
      statecap(['analyze', '--wide', '--sort', 'bytes', '--top', '1', '--time', 'absolute', problems]),
      statecap(['analyze', '--sort', 'problems', '--top', '1', problems]),
      statecap(['analyze', '--top', '0', problems]),
    ]);
    expect(r.stdout).toMatch(/│ 0 │ +0\.000000 │ 10\.0\.0\.1:40000 .*│ retrans 1, dup-ack 3 │/);
    // The clean flow starts 5 s after the first packet (1_700_000_005 + 0.01 vs 1_700_000_000 + 0.01).
    expect(r.stdout).toMatch(/│ 1 │ +5\.000000 │ 10\.0\.0\.1:40001 .*│ -  +│/);
    const byBytes = byBytesRun.stdout;
    expect(byBytes).toMatch(/│ 1 │ 2023-11-14T22:13:25\.010000Z │ 10\.0\.0\.1:40001/);
    expect(byBytes).toContain('… 1 more (2 TCP connections in all; --format json lists every one)');
    expect(byProblems.stdout).toMatch(/│ 0 │ .*10\.0\.0\.1:40000/);
    expect(topZero.stderr).toBe("statecap: option --top: '0' is not a whole number from 1 to 9007199254740991\n");
  });

  it('fits the terminal width, leaving out the least useful columns, and --wide keeps them', async () => {
    const [narrowRun, wideRun] = await Promise.all([
      statecap(['analyze', fixture('quickstart.pcap')], undefined, { COLUMNS: '80' }),
      statecap(['analyze', '--wide', fixture('quickstart.pcap')], undefined, { COLUMNS: '80' }),
    ]);
    const narrow = narrowRun.stdout;
    const tableLines = narrow.split('\n').filter((l) => /^[│┌├└]/.test(l));
    expect(Math.max(...tableLines.map((l) => [...l].length))).toBeLessThanOrEqual(80);
    expect(narrow).toContain('(left out to fit 80 columns: Start (s), Packets, Duration, History, Sticky routing; --wide shows every column)');
    expect(narrow).toContain('127.0.0.1:33794'); // addresses are never cut
    const wide = wideRun.stdout;
    expect(wide).toContain('│ History  │');
    expect(wide).not.toContain('left out');
  });
});
