/**
 * `statecap explain`: golden ladders for four TCP stories (handshake-data-close, reset,
 * simultaneous close, loss), run in-process on captures written by test/helpers. Besides the
 * goldens, the facts a reader checks first are asserted one by one.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runExplainCommand } from '../../src/cli/commands/explain.js';
import { toAnalyzeOptions } from '../../src/cli/options.js';
import { analyzeCapture } from '../../src/pipeline.js';
import { handshakeDataClose, htmlDemo, lossy, reset, simultaneousClose, HOSTILE_NAME } from '../helpers/ladder-captures.js';
import { expectGolden } from '../report/golden.js';

const dir = mkdtempSync(join(tmpdir(), 'statecap-explain-'));
const captures = {
  'handshake-data-close': handshakeDataClose().pcap(),
  reset: reset().pcap(),
  'simultaneous-close': simultaneousClose().pcap(),
  lossy: lossy().pcap(),
  demo: htmlDemo(),
};
for (const [name, bytes] of Object.entries(captures)) writeFileSync(join(dir, `${name}.pcap`), bytes);

async function explain(name: keyof typeof captures, values: Record<string, string | boolean>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runExplainCommand(join(dir, `${name}.pcap`), { packets: '50', width: '100', ...values }, {
    analyze: (path, options) => analyzeCapture(path, options), toAnalyzeOptions, out: (t) => { out += t; }, err: (t) => { err += t; },
  });
  // The temporary directory differs per run: goldens show the capture's name only.
  return { code, out: out.replaceAll(dir, 'captures'), err: err.replaceAll(dir, 'captures') };
}

/** Arrow lines: a packet number in the gutter and an arrow head. */
const arrows = (text: string): string[] => text.split('\n').filter((l) => /^\s*#\d+ /.test(l) && /[▶◀<>]/.test(l));

describe('statecap explain --flow', () => {
  it('handshake, data both ways, client closes first: every packet an arrow, each state where it changes', async () => {
    const r = await explain('handshake-data-close', { flow: '0' });
    expect(r.code).toBe(0);
    expectGolden('explain.handshake-data-close.txt', r.out);
    expect(arrows(r.out)).toHaveLength(10);
    // The client sent the first FIN (packet 8): it is the active closer and enters TIME-WAIT when
    // the server's FIN arrives (9, RFC 9293 §3.10.7.4); the server is CLOSED at the last ACK (10).
    const lines = r.out.split('\n');
    const at9 = lines.findIndex((l) => l.includes('#9 '));
    expect(lines[at9 + 2]).toMatch(/TIME-WAIT §3\.10\.7\.4 │ +│$/);
    const at10 = lines.findIndex((l) => l.includes('#10 '));
    expect(lines[at10 + 1]).toMatch(/^ +│ +│ CLOSED §3\.10\.7\.4$/);
    expect(lines.find((l) => l.includes('SYN-SENT'))).toContain('§3.10.1');
  });

  it('a reset: both ends CLOSED at the RST, the sender by ABORT (§3.10.4)', async () => {
    const r = await explain('reset', { flow: '0' });
    expectGolden('explain.reset.txt', r.out);
    expect(arrows(r.out)).toHaveLength(5);
    expect(r.out).toMatch(/#5 .*◀─+ RST,ACK seq=1 ack=51/);
    expect(r.out.trimEnd().split('\n').at(-1)).toMatch(/CLOSED §3\.10\.7\.4 │ +│ CLOSED §3\.10\.4$/);
  });

  it('a simultaneous close: FIN-WAIT-1 at both ends, then CLOSING, and TIME-WAIT at both ends', async () => {
    const r = await explain('simultaneous-close', { flow: '0' });
    expectGolden('explain.simultaneous-close.txt', r.out);
    expect(arrows(r.out)).toHaveLength(7);
    expect(r.out).toContain('CLOSING §3.10.7.4');
    // The server's FIN (5) crossed the client's and did not acknowledge it: when the client's FIN
    // reached the server is unknown, so its TIME-WAIT is placed at its ACK (7) and marked "?".
    const lines = r.out.trimEnd().split('\n');
    expect(lines.at(-3)).toMatch(/TIME-WAIT §3\.10\.7\.4 │ +│ TIME-WAIT\? §3\.10\.7\.4$/);
    expect(lines.at(-1)).toMatch(/^\? when this change happened is an estimate/);
  });

  it('a lossy flow: Wireshark\'s findings under the packets that carry them (as tshark shows 5, 7 and 8)', async () => {
    const r = await explain('lossy', { flow: '0', ascii: true });
    expectGolden('explain.lossy.ascii.txt', r.out);
    expect(r.out).not.toMatch(/[│─▶◀┊…]/);
    const lines = r.out.split('\n');
    const below = (packet: number): string => lines[lines.findIndex((l) => l.includes(`#${packet} `)) + 1];
    expect(below(5)).toContain('! previous segment not captured');
    expect(below(7)).toContain('! dup ACK');
    expect(below(8)).toContain('! retransmission');
  });

  it('fits the width given, and folds a long flow to its first and last packets', async () => {
    const r = await explain('handshake-data-close', { flow: '0', width: '80', packets: '2' });
    for (const line of r.out.split('\n').slice(2)) expect([...line].length).toBeLessThanOrEqual(80);
    expect(arrows(r.out).map((l) => l.trim().split(' ')[0])).toEqual(['#1', '#2', '#9', '#10']);
    // 10 packets, 2 + 2 drawn: 6 folded; the changes at folded packets 3 and 8 are still shown with their numbers.
    expect(r.out).toContain('… 6 not shown …');
    expect(r.out).toMatch(/#3 0\.020000 +│ +│ ESTABLISHED/);
    expect(r.out).toMatch(/#8 0\.070000 +FIN-WAIT-1/);
  });
});

describe('statecap explain --dns, --quic and errors', () => {
  it('a DNS transaction: the query and the answer, and a hostile name stays text', async () => {
    const r = await explain('demo', { dns: '0', width: '140' });
    expect(r.code).toBe(0);
    expect(r.out).toContain(`query A ${HOSTILE_NAME}.example`);
    expect(r.out).toMatch(/#16 .*├─+ query A/);
    expect(r.out).toMatch(/#17 .*◀─+ response NOERROR, 1 answer/);
  });

  it('a QUIC connection: its Initial, the datagrams between folded, how it ended', async () => {
    let out = '';
    const code = await runExplainCommand(fileURLToPath(new URL('../../fixtures/quic-loopback.pcap', import.meta.url)), { quic: '0', packets: '50', width: '120' }, {
      analyze: (path, options) => analyzeCapture(path, options), toAnalyzeOptions, out: (t) => { out += t; }, err: () => {},
    });
    expect(code).toBe(0);
    // The fixture's connection 0: 11 datagrams on one path; the first drawn, 10 folded (see the JSON report).
    expect(out).toMatch(/#1 0\.000000 +├─+ Initial SNI localhost/);
    expect(out).toContain('… 10 packets not shown …');
    expect(out.split('\n')[0]).toContain('11 datagrams, handshake complete');
  });

  it('names what exists when the id does not, with exit 2', async () => {
    const r = await explain('reset', { flow: '7' });
    expect(r.code).toBe(2);
    expect(r.err).toBe('statecap: no TCP flow 7: captures/reset.pcap lists TCP flows 0 to 0\n');
    expect((await explain('reset', { quic: '0' })).err).toBe('statecap: no QUIC connection 0: captures/reset.pcap has no QUIC connections\n');
    expect((await explain('reset', { flow: '0', dns: '0' })).err).toContain('exactly one of');
    expect((await explain('reset', { flow: 'x' })).err).toBe("statecap: option --flow: 'x' is not a whole number\n");
  });
});
