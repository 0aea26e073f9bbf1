/**
 * Mutation operators for capture files. Each takes (rng, bytes, context) and returns new bytes
 * plus a one-line description, so a crash report says exactly what was done to which seed.
 * Structured operators aim at the fields `layout` finds (lengths set to 0 / huge / off by one,
 * pcapng block types, DNS compression pointers, QUIC varints); the rest are blind (truncation,
 * bit flips, byte runs, splices). A gzip seed is mutated inside and compressed again.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { layout } from './layout.mjs';

/** Link types the decoders know, to re-label packets with (LINKTYPE_* values). */
const LINK_TYPES = [0, 1, 9, 10, 12, 14, 50, 101, 104, 105, 108, 113, 127, 129, 178, 192, 228, 229, 239, 242, 276, 147, 65535];
/** pcapng block types (draft-ietf-opsawg-pcapng §10.1) and a few nobody knows. */
const BLOCK_TYPES = [0x0a0d0d0a, 1, 2, 3, 4, 5, 6, 7, 0x80000bad, 0, 0xffffffff];
/** Byte counts at which readers change their mind: 16 MiB caps, snaplens, 32-bit edges. */
const HUGE = [0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff, 0x01000000, 0x01000001, 262144, 262145, 65535, 65536];

const copy = (b) => new Uint8Array(b);
const cat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};

function readField(b, f) {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (f.at + f.size > b.length) return 0;
  const v = f.size === 1 ? b[f.at] : f.size === 2 ? dv.getUint16(f.at, f.endian === 'le') : dv.getUint32(f.at, f.endian === 'le');
  if (f.nibble === 'hi') return v >> 4;
  if (f.nibble === 'lo') return v & 0x0f;
  return v;
}

function writeField(b, f, value) {
  if (f.at + f.size > b.length) return;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (f.nibble === 'hi') b[f.at] = (b[f.at] & 0x0f) | ((value & 0x0f) << 4);
  else if (f.nibble === 'lo') b[f.at] = (b[f.at] & 0xf0) | (value & 0x0f);
  else if (f.size === 1) b[f.at] = value & 0xff;
  else if (f.size === 2) dv.setUint16(f.at, value & 0xffff, f.endian === 'le');
  else dv.setUint32(f.at, value >>> 0, f.endian === 'le');
}

/** A new value for a length field: 0, 1, max, off by one, doubled, halved, huge, random. */
function newValue(rng, f, old) {
  const bits = f.nibble ? 4 : f.size * 8;
  const max = bits === 32 ? 0xffffffff : 2 ** bits - 1;
  const choices = [0, 1, max, old + 1, old - 1, old * 2, old >> 1, old + 4, old - 4, rng.next() % (max + 1)];
  if (bits === 32) choices.push(...HUGE);
  if (f.nibble) choices.push(4, 5, 6, 15);
  const v = rng.pick(choices);
  return v < 0 ? max : v > max ? max : v;
}

/** QUIC varints (RFC 9000 §16): keep the encoded width and set the value, or widen the prefix so it reads into what follows. */
function mutateVarint(rng, b, f) {
  const width = 1 << (b[f.at] >> 6);
  if (rng.chance(0.3)) {
    b[f.at] = (b[f.at] & 0x3f) | (rng.int(4) << 6);
    return 'prefix';
  }
  const max = 2 ** (width * 8 - 2) - 1;
  let old = b[f.at] & 0x3f;
  for (let i = 1; i < width && f.at + i < b.length; i++) old = old * 256 + b[f.at + i];
  let v = rng.pick([0, 1, max, old + 1, old - 1, old + 16, old * 2, Math.floor(rng.next() % (max + 1))]);
  v = Math.max(0, Math.min(max, v));
  for (let i = width - 1; i >= 0; i--) {
    if (f.at + i < b.length) b[f.at + i] = i === 0 ? ((width === 1 ? 0 : width === 2 ? 1 : width === 4 ? 2 : 3) << 6) | (v & 0x3f) : v % 256;
    v = Math.floor(v / 256);
  }
  return String(v);
}

const OPERATORS = [
  ['truncate', 3, (rng, b) => {
    const at = rng.int(b.length);
    return [b.subarray(0, at), `truncate at ${at}`];
  }],
  ['bit flips', 3, (rng, b) => {
    const out = copy(b);
    const n = rng.range(1, 8);
    for (let i = 0; i < n; i++) out[rng.int(out.length)] ^= 1 << rng.int(8);
    return [out, `flip ${n} bits`];
  }],
  ['byte run', 2, (rng, b) => {
    const out = copy(b);
    const at = rng.int(out.length), len = rng.range(1, 32), v = rng.pick([0x00, 0xff]);
    out.fill(v, at, at + len);
    return [out, `set ${len} bytes at ${at} to 0x${v.toString(16)}`];
  }],
  ['random run', 1, (rng, b) => {
    const out = copy(b);
    const at = rng.int(out.length), run = rng.bytes(rng.range(1, 16));
    out.set(run.subarray(0, Math.max(0, out.length - at)), at);
    return [out, `random bytes at ${at}`];
  }],
  ['length field', 8, (rng, b, map) => {
    const f = rng.pick(map.fields);
    if (!f) return null;
    const out = copy(b);
    if (f.varint) return [out, `${f.kind} at ${f.at} varint ${mutateVarint(rng, out, f)}`];
    const old = readField(out, f);
    const v = newValue(rng, f, old);
    writeField(out, f, v);
    return [out, `${f.kind} at ${f.at}: ${old} -> ${v}`];
  }],
  ['dns pointer loop', 2, (rng, b, map) => {
    const msg = rng.pick(map.dns.filter((m) => m.pointers.length > 0 || m.names.length > 0));
    if (!msg) return null;
    const out = copy(b);
    const p = msg.pointers.length && rng.chance(0.7) ? rng.pick(msg.pointers) : rng.pick(msg.names);
    if (p + 2 > out.length) return null;
    const self = p - msg.start;
    const targets = [self, self + 2, 0, 12, 0x3fff, Math.max(0, self - 2), msg.end - msg.start];
    const other = msg.pointers.find((q) => q !== p);
    let note;
    if (other !== undefined && rng.chance(0.4)) {
      // Two pointers naming each other: a cycle that never reaches a label (RFC 1035 §4.1.4 forbids it).
      const o = other - msg.start;
      out[p] = 0xc0 | (o >> 8); out[p + 1] = o & 0xff;
      out[other] = 0xc0 | (self >> 8); out[other + 1] = self & 0xff;
      note = `dns pointers at ${p} and ${other} point at each other`;
    } else {
      const t = rng.pick(targets) & 0x3fff;
      out[p] = 0xc0 | (t >> 8); out[p + 1] = t & 0xff;
      note = `dns pointer at ${p} -> message offset ${t}`;
    }
    return [out, note];
  }],
  ['dns pointer chain', 1, (rng, b, map) => {
    const msg = rng.pick(map.dns.filter((m) => m.names.length > 0));
    if (!msg) return null;
    const out = copy(b);
    const start = rng.pick(msg.names);
    const end = Math.min(out.length, msg.end);
    let n = 0;
    // Each pointer names the one before it; the first names the header (bytes read as labels).
    for (let at = start; at + 2 <= end; at += 2, n++) {
      const t = n === 0 ? rng.pick([0, 4, 12]) : at - 2 - msg.start;
      out[at] = 0xc0 | (t >> 8); out[at + 1] = t & 0xff;
    }
    return [out, `dns pointer chain of ${n} from ${start}`];
  }],
  ['pcapng block type', 1, (rng, b, map) => {
    if (map.format !== 'pcapng' || map.blockTypes.length === 0) return null;
    const at = rng.pick(map.blockTypes);
    const out = copy(b);
    const v = rng.pick(BLOCK_TYPES);
    const le = map.fields.find((f) => f.at === at + 4)?.endian !== 'be';
    new DataView(out.buffer).setUint32(at, v >>> 0, le);
    return [out, `block at ${at} type -> 0x${v.toString(16)}`];
  }],
  ['link type', 1, (rng, b, map) => {
    const f = rng.pick(map.linkTypeFields);
    if (!f) return null;
    const out = copy(b);
    const v = rng.pick(LINK_TYPES);
    writeField(out, f, v);
    return [out, `${f.kind} at ${f.at} -> ${v}`];
  }],
  ['duplicate record', 1, (rng, b, map) => {
    const r = rng.pick(map.records);
    if (!r) return null;
    return [cat(b.subarray(0, r.end), b.subarray(r.start, r.end), b.subarray(r.end)), `duplicate record at ${r.start}`];
  }],
  ['remove record', 1, (rng, b, map) => {
    const r = rng.pick(map.records);
    if (!r) return null;
    return [cat(b.subarray(0, r.start), b.subarray(r.end)), `remove record at ${r.start}`];
  }],
  ['swap records', 1, (rng, b, map) => {
    if (map.records.length < 2) return null;
    const i = rng.int(map.records.length - 1);
    const r = map.records[i], s = map.records[i + 1];
    if (r.end !== s.start) return null;
    return [cat(b.subarray(0, r.start), b.subarray(s.start, s.end), b.subarray(r.start, r.end), b.subarray(s.end)), `swap records at ${r.start}`];
  }],
  ['insert bytes', 1, (rng, b) => {
    const at = rng.int(b.length + 1);
    const n = rng.pick([1, 2, 3, 4, 8, 16]);
    return [cat(b.subarray(0, at), rng.bytes(n), b.subarray(at)), `insert ${n} bytes at ${at}`];
  }],
  ['delete bytes', 1, (rng, b) => {
    const at = rng.int(b.length);
    const n = rng.pick([1, 2, 3, 4, 8, 16]);
    return [cat(b.subarray(0, at), b.subarray(at + n)), `delete ${n} bytes at ${at}`];
  }],
  ['splice', 1, (rng, b, _map, seeds) => {
    const other = rng.pick(seeds).bytes;
    const at = rng.int(b.length), from = rng.int(other.length), n = rng.range(1, 256);
    return [cat(b.subarray(0, at), other.subarray(from, from + n), b.subarray(at)), `splice ${n} bytes of another seed at ${at}`];
  }],
];

const TOTAL_WEIGHT = OPERATORS.reduce((n, [, w]) => n + w, 0);

function pickOperator(rng) {
  let r = rng.int(TOTAL_WEIGHT);
  for (const op of OPERATORS) {
    if (r < op[1]) return op;
    r -= op[1];
  }
  return OPERATORS[0];
}

const isGzip = (b) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/**
 * One mutant of `seed`: 1-4 operators in a row.
 * @returns {{bytes: Uint8Array, ops: string[]}}
 */
export function mutate(rng, seed, seeds) {
  let bytes = seed;
  const ops = [];
  let regzip = false;
  if (isGzip(bytes) && rng.chance(0.7)) {
    try {
      bytes = new Uint8Array(gunzipSync(bytes));
      regzip = true;
      ops.push('gunzip');
    } catch { /* leave it compressed */ }
  }
  const n = rng.pick([1, 1, 1, 2, 2, 3, 4]);
  for (let i = 0; i < n && bytes.length > 0; i++) {
    const map = layout(bytes);
    // Bounded retries: an operator with nothing to aim at (no DNS, not pcapng) gives way to another.
    for (let tries = 0; tries < 8; tries++) {
      const [name, , op] = pickOperator(rng);
      const result = op(rng, bytes, map, seeds);
      if (!result) continue;
      bytes = result[0];
      ops.push(`${name}: ${result[1]}`);
      break;
    }
  }
  if (regzip) {
    bytes = new Uint8Array(gzipSync(bytes));
    if (rng.chance(0.2)) {
      const at = rng.int(bytes.length);
      bytes = bytes.subarray(0, at);
      ops.push(`gzip, cut at ${at}`);
    } else ops.push('gzip');
  }
  return { bytes, ops };
}
