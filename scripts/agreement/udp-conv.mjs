#!/usr/bin/env node
// UDP conversations against `tshark -q -z conv,udp` (issue 12). Usage (after npm run build):
//   node scripts/agreement/udp-conv.mjs [--list N] [capture...]
// Without captures: every capture of ../shared/corpus/pcaps in which tshark finds a UDP
// conversation. tshark's answers are cached outside the repository, in $STATECAP_TSHARK_CACHE
// (default /tmp/statecap-udp-conv), keyed by the SHA-1 of the capture's bytes.
//
// statecap's side, per 5-tuple: the packets of its udp.flows rows (all rows of a 5-tuple: it
// splits a 5-tuple on the inactivity timeout), plus the UDP datagrams DNS and QUIC claimed. The
// claimed ones are counted by two watchers registered around the trackers (registerTracker, the
// library's own API): one first, which sees every UDP datagram, one just before `udp`, which sees
// those DNS and QUIC left; neither claims anything. A 5-tuple agrees when statecap's count equals
// tshark's frames for that conversation, and every conversation either side has is compared.
// Prints each capture's disagreements and the totals; exit 1 if any.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeCapture, registerTracker } from '../../dist/index.js';

const CACHE = process.env.STATECAP_TSHARK_CACHE ?? '/tmp/statecap-udp-conv';

/** "a:p" (IPv6 too: the port follows the last colon) -> [address, port]. */
function splitEnd(text) {
  const i = text.lastIndexOf(':');
  return [text.slice(0, i).replace(/^\[(.*)\]$/, '$1'), Number(text.slice(i + 1))];
}

const key = (a, ap, b, bp) => (a < b || (a === b && ap <= bp) ? `${a}|${ap}|${b}|${bp}` : `${b}|${bp}|${a}|${ap}`);

function tsharkText(path) {
  const digest = createHash('sha1').update(readFileSync(path)).digest('hex');
  const cached = join(CACHE, `${digest}.txt`);
  if (existsSync(cached)) return readFileSync(cached, 'utf8');
  let out;
  try {
    out = execFileSync('tshark', ['-n', '-r', path, '-q', '-z', 'conv,udp'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 });
  } catch (err) {
    out = err.stdout ?? ''; // a damaged capture: tshark still prints what it read
  }
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(cached, out);
  return out;
}

/** tshark's UDP conversations: 5-tuple key -> frames (both directions). */
export function tsharkUdpConversations(path) {
  const convs = new Map();
  for (const line of tsharkText(path).split('\n')) {
    const m = /^(\S+)\s+<->\s+(\S+)\s+(\d+)\s+\S+(?: \S+)?\s+(\d+)\s+\S+(?: \S+)?\s+(\d+)\s/.exec(line);
    if (m === null) continue;
    const [a, ap] = splitEnd(m[1]);
    const [b, bp] = splitEnd(m[2]);
    const k = key(a, ap, b, bp);
    convs.set(k, (convs.get(k) ?? 0) + Number(m[5]));
  }
  return convs;
}

/** A tracker that claims nothing and counts the UDP datagrams offered to it, per 5-tuple. */
function watcher(name, counts) {
  return {
    name, label: name, stateKinds: [], caps: [], omissions: [], ndjson: null, metrics: [],
    create: () => ({
      observe(pkt) {
        if (pkt.ip && pkt.udp) {
          const k = key(pkt.ip.src, pkt.udp.srcPort, pkt.ip.dst, pkt.udp.dstPort);
          counts.set(k, (counts.get(k) ?? 0) + 1);
        }
        return false;
      },
      finish: () => ({}),
      limits: () => ({}),
      omitted: () => ({}),
    }),
    summary: () => '', table: () => null, problems: () => [],
  };
}

const allUdp = new Map();
const leftToUdp = new Map();
registerTracker(watcher('udpWatchAll', allUdp), { before: 'tcp' });
registerTracker(watcher('udpWatchLeft', leftToUdp), { before: 'udp' });

/** Disagreements between statecap and tshark for one capture. */
export async function compareUdp(path) {
  allUdp.clear();
  leftToUdp.clear();
  const report = await analyzeCapture(path);
  const theirs = tsharkUdpConversations(path);
  if (!('udp' in report)) return { path, conversations: theirs.size, agreeing: 0, differences: [`${path}: ${report.error}`] };
  const ours = new Map();
  for (const f of report.udp.flows) {
    const [a, ap] = splitEnd(f.client);
    const [b, bp] = splitEnd(f.server);
    const k = key(a, ap, b, bp);
    ours.set(k, (ours.get(k) ?? 0) + f.packets.client + f.packets.server);
  }
  // Datagrams DNS or QUIC claimed: every one seen, less those left to the UDP flows.
  for (const [k, n] of allUdp) {
    const claimed = n - (leftToUdp.get(k) ?? 0);
    if (claimed > 0) ours.set(k, (ours.get(k) ?? 0) + claimed);
  }
  const differences = [];
  let agreeing = 0;
  for (const k of new Set([...theirs.keys(), ...ours.keys()])) {
    const t = theirs.get(k);
    const o = ours.get(k);
    if (t === o) agreeing++;
    else differences.push(`${path}: ${k.replaceAll('|', ' ')}: statecap ${o ?? 'no flow'}, tshark ${t ?? 'no conversation'}`);
  }
  return { path, conversations: agreeing + differences.length, agreeing, differences };
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
  const args = process.argv.slice(2);
  const listAt = args.indexOf('--list');
  const list = listAt >= 0 ? Number(args.splice(listAt, 2)[1]) : Number.POSITIVE_INFINITY;
  const root = '../shared/corpus/pcaps';
  const paths = args.length > 0 ? args : existsSync(root) ? captures(root) : [];
  let withUdp = 0;
  let conversations = 0;
  let agreeing = 0;
  let disagreeingCaptures = 0;
  const bad = [];
  for (const path of paths) {
    try {
      if (args.length === 0 && tsharkUdpConversations(path).size === 0) continue;
      const r = await compareUdp(path);
      withUdp++;
      conversations += r.conversations;
      agreeing += r.agreeing;
      if (r.differences.length > 0) disagreeingCaptures++;
      bad.push(...r.differences);
    } catch (err) {
      bad.push(`${path}: ${err instanceof Error ? err.message.split('\n')[0] : err}`);
      disagreeingCaptures++;
    }
  }
  for (const line of bad.slice(0, list)) console.log(line);
  console.log(`${withUdp} captures with UDP, ${disagreeingCaptures} with a difference; ` +
    `${conversations} UDP conversations (5-tuples), ${agreeing} agree on packet counts, ${bad.length} differ`);
  process.exitCode = bad.length > 0 ? 1 : 0;
}
