/**
 * tcpdump as the oracle for --filter: which packet numbers of a capture pass an expression, by
 * tcpdump (`tcpdump -r X -w - EXPR`, its output records matched back to the input's in order) and
 * by statecap's compiled filter over the same decoded packets.
 *
 * Only "plain" packets are compared: statecap's filter reads the innermost decoded layers, where
 * tcpdump's BPF reads fixed offsets of the outer frame, so packets inside tunnels, behind VLAN tags
 * (unless the expression tests `vlan`), with IPv6 extension headers, IP fragments, or damaged
 * headers mean different things to the two by design (README, "Filters").
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { readCapture } from '../../src/capture/open.js';
import { decodePacket } from '../../src/decode/decode.js';
import { compileFilter } from '../../src/filter/match.js';
import type { DecodedPacket } from '../../src/decode/packet.js';

export const hasTcpdump = spawnSync('tcpdump', ['--version']).status === 0;

interface Seen { number: number; key: string; plain: boolean; pkt: DecodedPacket }

function plain(pkt: DecodedPacket, vlanAllowed: boolean): boolean {
  if (pkt.issue !== undefined || (pkt.tunnels?.length ?? 0) > 0 || pkt.ip?.fragment !== undefined) return false;
  if (!vlanAllowed && (pkt.vlans?.length ?? 0) > 0) return false;
  if (pkt.ip?.version === 6 && pkt.ip.headerLength !== 40) return false;
  return pkt.linkType === 1;
}

async function records(path: string, vlanAllowed: boolean): Promise<Seen[] | null> {
  const out: Seen[] = [];
  const summary = await readCapture(path, (r) => {
    const pkt = decodePacket(r, { verifyChecksums: false });
    // The key: microsecond time (tcpdump writes microseconds) and the bytes.
    const key = `${Math.round(r.time * 1e6)}:${createHash('sha1').update(r.data).digest('hex')}`;
    out.push({ number: r.number, key, plain: plain(pkt, vlanAllowed), pkt: { ...pkt, ip: pkt.ip && { ...pkt.ip }, tcp: pkt.tcp && { ...pkt.tcp }, udp: pkt.udp && { ...pkt.udp }, vlans: pkt.vlans && [...pkt.vlans] } });
  });
  return summary.format === null || summary.error !== null ? null : out;
}

/**
 * The input side of a comparison, read once per file (as it is: size and mtime in the key) and per
 * vlan reading, not once per expression: the tests compare many expressions on each capture.
 */
const inputs = new Map<string, Promise<Seen[] | null>>();
function inputRecords(path: string, vlanAllowed: boolean): Promise<Seen[] | null> {
  const s = statSync(path);
  const key = `${vlanAllowed}:${s.size}:${s.mtimeMs}:${path}`;
  let seen = inputs.get(key);
  if (seen === undefined) inputs.set(key, seen = records(path, vlanAllowed));
  return seen;
}

/** tcpdump as a promise (so comparisons can run side by side): exit status and standard output. */
function tcpdump(args: string[]): Promise<{ status: number | null; stdout: Buffer }> {
  return new Promise((resolve, reject) => {
    const p = spawn('tcpdump', args, { stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    p.stdout.on('data', (d: Buffer) => chunks.push(d));
    p.on('error', reject);
    p.on('close', (status) => resolve({ status, stdout: Buffer.concat(chunks) }));
  });
}

export interface Comparison { tcpdump: number[]; statecap: number[] }

/** Packet numbers passing `expression` by each, over the plain packets; null when tcpdump cannot read the file. */
export async function compareWithTcpdump(path: string, expression: string, outFile: string): Promise<Comparison | null> {
  const vlanAllowed = /\bvlan\b/.test(expression);
  const input = await inputRecords(path, vlanAllowed);
  if (input === null) return null;
  // `-w -`: tcpdump drops privileges to its own user, which may not write where we can.
  const p = await tcpdump(['-r', path, '-w', '-', expression]);
  if (p.status !== 0) return null;
  writeFileSync(outFile, p.stdout);
  const passed = await records(outFile, vlanAllowed);
  if (passed === null && input.length > 0) return null;
  const byTcpdump: number[] = [];
  let i = 0;
  for (const r of passed ?? []) {
    while (i < input.length && input[i].key !== r.key) i++;
    if (i === input.length) return null; // not a subsequence: tcpdump rewrote something
    byTcpdump.push(input[i].number);
    i++;
  }
  const match = compileFilter(expression);
  const plainNumbers = new Set(input.filter((r) => r.plain).map((r) => r.number));
  return {
    tcpdump: byTcpdump.filter((n) => plainNumbers.has(n)),
    statecap: input.filter((r) => r.plain && match(r.pkt)).map((r) => r.number),
  };
}
