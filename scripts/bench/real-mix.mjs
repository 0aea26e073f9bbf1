/**
 * A real-traffic mix for the benchmark: every packet of the captures under a folder (the shared
 * corpus of public test captures), written one capture after the other to one pcapng file, as many
 * rounds as it takes to reach `packets`. Interfaces keep each packet's link type. Like any merged
 * capture, time jumps back and forth between the source files.
 */
import { openSync, writeSync, closeSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readCapture } from '../../dist/capture/open.js';

function* capturesUnder(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* capturesUnder(p);
    else yield p;
  }
}

function block(type, body) {
  const len = 12 + body.length + ((4 - (body.length % 4)) % 4);
  const b = Buffer.alloc(len);
  b.writeUInt32LE(type, 0); b.writeUInt32LE(len, 4);
  body.copy(b, 8);
  b.writeUInt32LE(len, len - 4);
  return b;
}

export async function writeRealMix(path, folder, packets) {
  const records = [];
  for (const file of capturesUnder(folder)) {
    await readCapture(file, (r) => {
      records.push({ linkType: r.linkType, sec: r.sec, usec: Math.floor(r.nsec / 1000), orig: r.originalLength, data: Buffer.from(r.data) });
    }, { reader: 'builtin' });
  }
  if (records.length === 0) return { packets: 0, files: 0 };
  const fd = openSync(path, 'w');
  const shb = Buffer.alloc(16);
  shb.writeUInt32LE(0x1a2b3c4d, 0); shb.writeUInt16LE(1, 4); shb.writeUInt16LE(0, 6);
  shb.writeBigInt64LE(-1n, 8);
  writeSync(fd, block(0x0a0d0d0a, shb));
  const interfaces = new Map();
  for (const r of records) {
    if (interfaces.has(r.linkType)) continue;
    interfaces.set(r.linkType, interfaces.size);
    const idb = Buffer.alloc(8);
    idb.writeUInt16LE(r.linkType, 0); idb.writeUInt32LE(0, 4); // snaplen 0: no limit
    writeSync(fd, block(1, idb));
  }
  let out = [], size = 0, written = 0;
  const flush = () => { writeSync(fd, Buffer.concat(out, size)); out = []; size = 0; };
  while (written < packets) {
    for (const r of records) {
      if (written >= packets) break;
      const body = Buffer.alloc(20 + r.data.length);
      const ts = BigInt(r.sec) * 1_000_000n + BigInt(r.usec);
      body.writeUInt32LE(interfaces.get(r.linkType), 0);
      body.writeUInt32LE(Number(ts >> 32n), 4); body.writeUInt32LE(Number(ts & 0xffffffffn), 8);
      body.writeUInt32LE(r.data.length, 12); body.writeUInt32LE(r.orig, 16);
      r.data.copy(body, 20);
      const b = block(6, body);
      out.push(b); size += b.length; written++;
      if (size > 1 << 22) flush();
    }
  }
  flush();
  closeSync(fd);
  return { packets: written, sourcePackets: records.length };
}
