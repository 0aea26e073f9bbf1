/**
 * --filter agrees with tcpdump: the same packet numbers pass, on our fixtures (always) and on a
 * sample of the shared corpus (skipped when ../shared is absent).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writePcap } from '../helpers/capture-file.js';
import { tcpFrame, udpFrame } from '../helpers/packets.js';
import { fixture } from '../cli/run.js';
import { compareWithTcpdump, hasTcpdump } from './tcpdump-oracle.js';

const dir = mkdtempSync(join(tmpdir(), 'statecap-filter-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EXPRESSIONS = [
  'tcp', 'udp', 'icmp', 'ip', 'ip6', 'not ip', 'icmp6',
  'host 127.0.0.1', 'src host 127.0.0.1', 'dst host 127.0.0.2', 'host 127.0.0.3 or 127.0.0.2',
  'port 53', 'dst port 53', 'src port 8080', 'tcp port 53', 'udp and port 53', 'port 53 or port 8080', 'tcp and not port 53',
  'portrange 8000-8100', 'net 127.0.0.0/24', 'net 127.0.0.0 mask 255.255.255.0', 'net 127', 'src or dst host 127.0.0.2',
  '(udp and port 53) or (tcp and dst port 8080)', '!(tcp || udp)', 'ip6 and udp port 443', 'src net 10.0.0.0/8 and dst portrange 1-1024',
];
/** Every expression on quickstart.pcap (TCP, UDP and ICMP on three addresses); a few on the others (one tcpdump run each). */
const FIXTURES: [string, readonly string[]][] = [
  ['quickstart.pcap', EXPRESSIONS],
  ...['dns-icmp.pcap', 'dns-tc-retry.pcap', 'dns-udp-tcp.pcap', 'dns-unanswered.pcap', 'quic-loopback.pcap']
    .map((name): [string, string[]] => [name, ['tcp', 'icmp or ip6', 'udp port 53', 'not port 53', 'udp portrange 400-500 or host 127.0.0.1']]),
];

describe.skipIf(!hasTcpdump)('--filter against tcpdump', () => {
  it('passes the same packets of every fixture for every expression', async () => {
    // Every comparison side by side, each into its own output file; then checked in order.
    const pairs = FIXTURES.flatMap(([name, expressions]) => expressions.map((expression) => [name, expression] as const));
    const comparisons = await Promise.all(pairs.map(([name, expression], i) => compareWithTcpdump(fixture(name), expression, join(dir, `out-${i}.pcap`))));
    let compared = 0;
    for (const [i, [name, expression]] of pairs.entries()) {
      const c = comparisons[i];
      expect(c, `${name}: ${expression}`).not.toBeNull();
      expect({ name, expression, ...c }).toEqual({ name, expression, tcpdump: c?.tcpdump, statecap: c?.tcpdump });
      compared++;
    }
    expect(compared).toBe(EXPRESSIONS.length + 5 * 5);
  });

  it('tests VLAN tags as tcpdump does', async () => {
    const t = 1_700_000_000;
    const path = join(dir, 'vlan.pcap');
    writeFileSync(path, writePcap([
      { time: t + 1, data: tcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', srcPort: 40000, dstPort: 80, seq: 1, flags: 'S', vlans: [100] }) },
      { time: t + 2, data: udpFrame({ src: '10.0.0.1', dst: '10.0.0.53', srcPort: 40001, dstPort: 53, payload: new Uint8Array(12), vlans: [200] }) },
      { time: t + 3, data: udpFrame({ src: '10.0.0.1', dst: '10.0.0.53', srcPort: 40002, dstPort: 53, payload: new Uint8Array(12) }) },
    ]));
    for (const expression of ['vlan', 'vlan 100', 'vlan 200', 'not vlan', 'vlan 300']) {
      const c = await compareWithTcpdump(path, expression, join(dir, 'out.pcap'));
      expect({ expression, ...c }).toEqual({ expression, tcpdump: c?.tcpdump, statecap: c?.tcpdump });
    }
    // Hand-checked: packet 1 carries VLAN 100, packet 2 VLAN 200, packet 3 none.
    expect((await compareWithTcpdump(path, 'vlan 100', join(dir, 'out.pcap')))?.statecap).toEqual([1]);
    expect((await compareWithTcpdump(path, 'not vlan', join(dir, 'out.pcap')))?.statecap).toEqual([3]);
  });
});

const CORPUS = join(process.cwd(), '..', 'shared', 'corpus', 'pcaps');

function corpusSample(): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(pcap|pcapng|cap)$/.test(e.name) && statSync(p).size < 150_000) files.push(p);
    }
  };
  walk(CORPUS);
  // Every 60th small file: a spread over the three sources that keeps the test to a few seconds.
  return files.filter((_, i) => i % 60 === 0);
}

describe.skipIf(!hasTcpdump || !existsSync(CORPUS))('--filter against tcpdump on the shared corpus', () => {
  it('passes the same packets', async () => {
    const expressions = ['tcp and (port 80 or port 443)', 'udp port 53', 'not tcp and net 10.0.0.0/8 or ip6', 'src portrange 1024-65535'];
    // Side by side, each into its own output file; then checked in order.
    const pairs = corpusSample().flatMap((path) => expressions.map((expression) => [path, expression] as const));
    const comparisons = await Promise.all(pairs.map(([path, expression], i) => compareWithTcpdump(path, expression, join(dir, `corpus-out-${i}.pcap`))));
    let compared = 0;
    for (const [i, [path, expression]] of pairs.entries()) {
      const c = comparisons[i];
      if (c === null) continue; // tcpdump or statecap cannot read this capture whole
      expect({ path, expression, statecap: c.statecap }).toEqual({ path, expression, statecap: c.tcpdump });
      compared++;
    }
    expect(compared).toBeGreaterThan(30);
  }, 60_000);
});
