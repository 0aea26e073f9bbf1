#!/usr/bin/env node
// UDP flow packet counts against `tshark -q -z conv,udp` (issue 12). Usage (after npm run build):
//   node scripts/agreement/udp-conv.mjs [capture...]
// Without arguments, every capture of ../shared/corpus/pcaps whose tshark conversations include UDP.
// For each statecap UDP flow (one per 5-tuple and inactivity period), the packets of all flows of
// a 5-tuple must equal tshark's frames for that conversation. Prints disagreements; exit 1 if any.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeCapture } from '../../dist/index.js';

/** "a:p" (IPv6 too: the port follows the last colon) -> [address, port]. */
function splitEnd(text) {
  const i = text.lastIndexOf(':');
  return [text.slice(0, i).replace(/^\[(.*)\]$/, '$1'), Number(text.slice(i + 1))];
}

const key = (a, ap, b, bp) => (a < b || (a === b && ap <= bp) ? `${a}|${ap}|${b}|${bp}` : `${b}|${bp}|${a}|${ap}`);

export function tsharkUdpConversations(path) {
  const out = execFileSync('tshark', ['-n', '-r', path, '-q', '-z', 'conv,udp'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 });
  const convs = new Map();
  for (const line of out.split('\n')) {
    const m = /^(\S+)\s+<->\s+(\S+)\s+(\d+)\s+\S+(?: \S+)?\s+(\d+)\s+\S+(?: \S+)?\s+(\d+)\s/.exec(line);
    if (m === null) continue;
    const [a, ap] = splitEnd(m[1]);
    const [b, bp] = splitEnd(m[2]);
    convs.set(key(a, ap, b, bp), Number(m[5]));
  }
  return convs;
}

/** Disagreements between statecap's udp.flows and tshark for one capture. */
export async function compareUdp(path) {
  const report = await analyzeCapture(path);
  if (!('udp' in report)) return { path, flows: 0, differences: [`${path}: ${report.error}`] };
  const ours = new Map();
  for (const f of report.udp.flows) {
    const [a, ap] = splitEnd(f.client);
    const [b, bp] = splitEnd(f.server);
    const k = key(a, ap, b, bp);
    ours.set(k, (ours.get(k) ?? 0) + f.packets.client + f.packets.server);
  }
  const theirs = tsharkUdpConversations(path);
  const differences = [];
  for (const [k, packets] of ours) {
    const t = theirs.get(k);
    if (t !== packets) differences.push(`${path}: ${k.replaceAll('|', ' ')}: statecap ${packets} packets, tshark ${t ?? 'no conversation'}`);
  }
  return { path, flows: ours.size, differences };
}

function captures(root) {
  const found = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(pcap|pcapng|cap)$/.test(name) && statSync(p).size < 20e6) found.push(p);
    }
  };
  walk(root);
  return found.sort();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = '../shared/corpus/pcaps';
  const paths = process.argv.length > 2 ? process.argv.slice(2) : existsSync(root) ? captures(root) : [];
  let flows = 0;
  let compared = 0;
  const bad = [];
  for (const path of paths) {
    try {
      const r = await compareUdp(path);
      if (r.flows === 0) continue;
      compared++;
      flows += r.flows;
      for (const line of r.differences) console.log(line);
      bad.push(...r.differences);
    } catch (err) {
      const line = `${path}: ${err instanceof Error ? err.message.split('\n')[0] : err}`;
      console.log(line);
      bad.push(line);
    }
  }
  console.log(`${compared} captures with UDP flows, ${flows} 5-tuples compared, ${bad.length} disagreements`);
  process.exitCode = bad.length > 0 ? 1 : 0;
}
