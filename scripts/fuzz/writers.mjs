/**
 * Capture file writers for the fuzz seeds: classic pcap (pcap(5): 24-byte file header, 16-byte
 * record headers; microsecond or nanosecond, either byte order) and pcapng
 * (draft-ietf-opsawg-pcapng §4: SHB, IDB with if_tsresol, EPB / SPB blocks).
 */

/** @param {{time:number,data:Uint8Array,originalLength?:number}[]} packets */
export function writePcap(packets, { linkType = 1, nanosecond = false, bigEndian = false, snaplen = 262144 } = {}) {
  const size = 24 + packets.reduce((n, p) => n + 16 + p.data.length, 0);
  const out = Buffer.alloc(size);
  const le = !bigEndian;
  const w32 = (v, at) => (le ? out.writeUInt32LE(v >>> 0, at) : out.writeUInt32BE(v >>> 0, at));
  const w16 = (v, at) => (le ? out.writeUInt16LE(v, at) : out.writeUInt16BE(v, at));
  w32(nanosecond ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  w16(2, 4); w16(4, 6); w32(snaplen, 16); w32(linkType, 20);
  let at = 24;
  const units = nanosecond ? 1e9 : 1e6;
  for (const p of packets) {
    const sec = Math.floor(p.time);
    w32(sec, at); w32(Math.round((p.time - sec) * units) % units, at + 4);
    w32(p.data.length, at + 8); w32(p.originalLength ?? p.data.length, at + 12);
    out.set(p.data, at + 16);
    at += 16 + p.data.length;
  }
  return out;
}

function block(le, type, body) {
  const padded = Math.ceil(body.length / 4) * 4;
  const out = Buffer.alloc(12 + padded);
  const w32 = (v, at) => (le ? out.writeUInt32LE(v >>> 0, at) : out.writeUInt32BE(v >>> 0, at));
  w32(type, 0); w32(out.length, 4); out.set(body, 8); w32(out.length, out.length - 4);
  return out;
}

/**
 * One section per entry: interfaces ({linkType, tsresol?}) then packets ({time, data,
 * interfaceId?, simple?}). Timestamps use each interface's resolution (10^-tsresol; default 6).
 */
export function writePcapng(sections) {
  const parts = [];
  for (const s of sections) {
    const le = !s.bigEndian;
    const buf = (n) => Buffer.alloc(n);
    const shb = buf(16);
    if (le) { shb.writeUInt32LE(0x1a2b3c4d, 0); shb.writeUInt16LE(1, 4); } else { shb.writeUInt32BE(0x1a2b3c4d, 0); shb.writeUInt16BE(1, 4); }
    shb.fill(0xff, 8, 16); // section length -1: unknown
    parts.push(block(le, 0x0a0d0d0a, shb));
    for (const itf of s.interfaces) {
      const idb = buf(itf.tsresol === undefined ? 8 : 16);
      if (le) { idb.writeUInt16LE(itf.linkType, 0); idb.writeUInt32LE(262144, 4); } else { idb.writeUInt16BE(itf.linkType, 0); idb.writeUInt32BE(262144, 4); }
      if (itf.tsresol !== undefined) {
        if (le) { idb.writeUInt16LE(9, 8); idb.writeUInt16LE(1, 10); } else { idb.writeUInt16BE(9, 8); idb.writeUInt16BE(1, 10); }
        idb[12] = itf.tsresol; // if_tsresol, then opt_endofopt (zeros)
      }
      parts.push(block(le, 0x00000001, idb));
    }
    for (const p of s.packets) {
      const itf = s.interfaces[p.interfaceId ?? 0];
      if (p.simple) {
        const spb = buf(4 + p.data.length);
        if (le) spb.writeUInt32LE(p.data.length, 0); else spb.writeUInt32BE(p.data.length, 0);
        spb.set(p.data, 4);
        parts.push(block(le, 0x00000003, spb));
        continue;
      }
      const units = 10n ** BigInt(itf.tsresol ?? 6);
      const ts = BigInt(Math.round(p.time * 1e6)) * units / 1_000_000n;
      const epb = buf(20 + p.data.length);
      const w32 = (v, at) => (le ? epb.writeUInt32LE(v >>> 0, at) : epb.writeUInt32BE(v >>> 0, at));
      w32(p.interfaceId ?? 0, 0); w32(Number(ts >> 32n), 4); w32(Number(ts & 0xffffffffn), 8);
      w32(p.data.length, 12); w32(p.originalLength ?? p.data.length, 16);
      epb.set(p.data, 20);
      parts.push(block(le, 0x00000006, epb));
    }
  }
  return Buffer.concat(parts);
}
