/**
 * Finds where the length, count and pointer fields of a capture are, so the mutator can aim at
 * them: pcap record headers, pcapng block lengths and types, and inside each packet the IPv4
 * IHL/total length, IPv6 payload length, TCP data offset, UDP length, DNS counts, label lengths,
 * compression pointers and RDLENGTHs, and QUIC CID lengths and Length/token varints.
 *
 * This is a mutator's map, not a decoder: it reads leniently and stops wherever the bytes stop
 * making sense. Every loop is bounded by the bytes or by a constant.
 */

/** @typedef {{at:number, size:1|2|4, endian:'be'|'le', kind:string, nibble?:'hi'|'lo', varint?:boolean}} Field */
/** @typedef {{start:number, end:number}} Span */

const MAX_RECORDS = 4096;
const MAX_DNS_RECORDS = 64;
const MAX_LABELS = 128;
const MAX_QUIC_PACKETS = 4;

const PCAPNG = { SHB: 0x0a0d0d0a, IDB: 1, OBSOLETE: 2, SPB: 3, EPB: 6, BYTE_ORDER_MAGIC: 0x1a2b3c4d };

function reader(b, endian) {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return {
    u16: (at) => (at + 2 <= b.length ? dv.getUint16(at, endian === 'le') : -1),
    u32: (at) => (at + 4 <= b.length ? dv.getUint32(at, endian === 'le') : -1),
  };
}

/**
 * @param {Uint8Array} b the whole capture (not gzip)
 * @returns {{format:'pcap'|'pcapng'|null, fields:Field[], records:Span[], blockTypes:number[], dns:{start:number,end:number,pointers:number[],names:number[]}[], linkTypeFields:Field[]}}
 */
export function layout(b) {
  const out = { format: null, fields: [], records: [], blockTypes: [], dns: [], linkTypeFields: [] };
  if (b.length < 4) return out;
  const magicBe = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  if (magicBe === 0xa1b2c3d4 || magicBe === 0xa1b23c4d) pcapLayout(b, 'be', out);
  else if (magicBe === 0xd4c3b2a1 || magicBe === 0x4d3cb2a1) pcapLayout(b, 'le', out);
  else if (magicBe === PCAPNG.SHB) pcapngLayout(b, out);
  return out;
}

function pcapLayout(b, endian, out) {
  out.format = 'pcap';
  const r = reader(b, endian);
  const linkType = r.u32(20);
  out.fields.push({ at: 16, size: 4, endian, kind: 'pcap snaplen' });
  if (b.length >= 24) out.linkTypeFields.push({ at: 20, size: 4, endian, kind: 'pcap linktype' });
  let at = 24;
  for (let n = 0; n < MAX_RECORDS && at + 16 <= b.length; n++) {
    const caplen = r.u32(at + 8);
    out.fields.push({ at: at + 8, size: 4, endian, kind: 'pcap caplen' }, { at: at + 12, size: 4, endian, kind: 'pcap origlen' });
    const end = Math.min(b.length, at + 16 + caplen);
    out.records.push({ start: at, end });
    packetLayout(b, at + 16, end, linkType, out);
    at += 16 + caplen;
  }
}

function pcapngLayout(b, out) {
  out.format = 'pcapng';
  let endian = 'le';
  let linkTypes = [];
  let at = 0;
  for (let n = 0; n < MAX_RECORDS && at + 12 <= b.length; n++) {
    let r = reader(b, endian);
    if (r.u32(at) === PCAPNG.SHB || ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0 === PCAPNG.SHB) {
      endian = reader(b, 'le').u32(at + 8) === PCAPNG.BYTE_ORDER_MAGIC ? 'le' : 'be';
      r = reader(b, endian);
      linkTypes = [];
    }
    const type = r.u32(at);
    const total = r.u32(at + 4);
    out.fields.push({ at: at + 4, size: 4, endian, kind: 'pcapng block length' });
    out.blockTypes.push(at);
    if (total < 12 || total % 4 !== 0 || at + total > b.length) {
      out.records.push({ start: at, end: b.length });
      break;
    }
    out.fields.push({ at: at + total - 4, size: 4, endian, kind: 'pcapng trailing length' });
    out.records.push({ start: at, end: at + total });
    const body = at + 8;
    if (type === PCAPNG.IDB) {
      linkTypes.push(r.u16(body));
      out.linkTypeFields.push({ at: body, size: 2, endian, kind: 'pcapng linktype' });
    } else if (type === PCAPNG.EPB || type === PCAPNG.OBSOLETE) {
      const iface = type === PCAPNG.EPB ? r.u32(body) : r.u16(body);
      out.fields.push({ at: body + 12, size: 4, endian, kind: 'pcapng caplen' }, { at: body + 16, size: 4, endian, kind: 'pcapng origlen' });
      if (type === PCAPNG.EPB) out.fields.push({ at: body, size: 4, endian, kind: 'pcapng interface id' });
      const caplen = r.u32(body + 12);
      packetLayout(b, body + 20, Math.min(at + total - 4, body + 20 + caplen), linkTypes[iface] ?? -1, out);
    } else if (type === PCAPNG.SPB) {
      out.fields.push({ at: body, size: 4, endian, kind: 'pcapng spb origlen' });
      packetLayout(b, body + 4, at + total - 4, linkTypes[0] ?? -1, out);
    }
    at += total;
  }
}

/** Offset of the IP header inside a frame of `linkType`, or -1. */
function ipStart(b, start, end, linkType, out) {
  switch (linkType) {
    case 1: {
      let at = start + 12;
      for (let i = 0; i < 4 && at + 2 <= end; i++) {
        const type = (b[at] << 8) | b[at + 1];
        if (type === 0x8100 || type === 0x88a8 || type === 0x9100) { at += 4; continue; }
        out.fields.push({ at, size: 2, endian: 'be', kind: 'ethertype' });
        return type === 0x0800 || type === 0x86dd ? at + 2 : -1;
      }
      return -1;
    }
    case 12: case 14: case 101: case 228: case 229: return start;
    case 0: case 108: return start + 4;
    case 113: return start + 16;
    case 276: return start + 20;
    default: return -1;
  }
}

function packetLayout(b, start, end, linkType, out) {
  const ip = ipStart(b, start, end, linkType, out);
  if (ip < 0 || ip >= end) return;
  const version = b[ip] >> 4;
  let protocol;
  let payload;
  let payloadEnd = end;
  if (version === 4) {
    out.fields.push({ at: ip, size: 1, endian: 'be', kind: 'ipv4 ihl', nibble: 'lo' }, { at: ip + 2, size: 2, endian: 'be', kind: 'ipv4 total length' },
      { at: ip + 6, size: 2, endian: 'be', kind: 'ipv4 flags/fragment offset' });
    if (ip + 20 > end) return;
    protocol = b[ip + 9];
    payload = ip + (b[ip] & 0x0f) * 4;
    payloadEnd = Math.min(end, ip + ((b[ip + 2] << 8) | b[ip + 3]));
    if (((b[ip + 6] << 8) | b[ip + 7]) & 0x1fff) return; // a later fragment: no transport header
  } else if (version === 6) {
    out.fields.push({ at: ip + 4, size: 2, endian: 'be', kind: 'ipv6 payload length' });
    if (ip + 40 > end) return;
    protocol = b[ip + 6];
    payload = ip + 40;
    for (let i = 0; i < 8 && payload + 8 <= end; i++) {
      if (protocol === 44) {
        out.fields.push({ at: payload + 2, size: 2, endian: 'be', kind: 'ipv6 fragment offset' });
        const offset = ((b[payload + 2] << 8) | b[payload + 3]) & 0xfff8;
        protocol = b[payload];
        payload += 8;
        if (offset) return;
      } else if (protocol === 0 || protocol === 43 || protocol === 60) {
        out.fields.push({ at: payload + 1, size: 1, endian: 'be', kind: 'ipv6 extension length' });
        protocol = b[payload];
        payload += (b[payload + 1] + 1) * 8;
      } else break;
    }
  } else return;
  if (payload >= payloadEnd) return;
  if (protocol === 6) tcpLayout(b, payload, payloadEnd, out);
  else if (protocol === 17) udpLayout(b, payload, payloadEnd, out);
}

function tcpLayout(b, t, end, out) {
  out.fields.push({ at: t + 12, size: 1, endian: 'be', kind: 'tcp data offset', nibble: 'hi' });
  if (t + 20 > end) return;
  const header = (b[t + 12] >> 4) * 4;
  // Option lengths (kind, length) pairs: NOP and EOL have none.
  for (let at = t + 20; at + 1 < t + header && at < end;) {
    const kind = b[at];
    if (kind === 0) break;
    if (kind === 1) { at++; continue; }
    out.fields.push({ at: at + 1, size: 1, endian: 'be', kind: 'tcp option length' });
    at += Math.max(2, b[at + 1]);
  }
  const sport = (b[t] << 8) | b[t + 1], dport = (b[t + 2] << 8) | b[t + 3];
  const data = t + header;
  if ((sport === 53 || dport === 53) && data + 2 < end) {
    out.fields.push({ at: data, size: 2, endian: 'be', kind: 'dns tcp length' });
    dnsLayout(b, data + 2, end, out);
  }
}

function udpLayout(b, u, end, out) {
  out.fields.push({ at: u + 4, size: 2, endian: 'be', kind: 'udp length' });
  if (u + 8 > end) return;
  const sport = (b[u] << 8) | b[u + 1], dport = (b[u + 2] << 8) | b[u + 3];
  const data = u + 8;
  if (sport === 53 || dport === 53 || sport === 5353 || dport === 5353) dnsLayout(b, data, end, out);
  else if (data < end && (b[data] & 0x80)) quicLayout(b, data, end, out);
}

function dnsLayout(b, d, end, out) {
  if (d + 12 > end) return;
  const counts = ['qdcount', 'ancount', 'nscount', 'arcount'];
  counts.forEach((name, i) => out.fields.push({ at: d + 4 + i * 2, size: 2, endian: 'be', kind: `dns ${name}` }));
  const msg = { start: d, end, pointers: [], names: [] };
  out.dns.push(msg);
  const total = counts.reduce((n, _, i) => n + ((b[d + 4 + i * 2] << 8) | b[d + 5 + i * 2]), 0);
  let at = d + 12;
  const name = () => {
    msg.names.push(at);
    for (let i = 0; i < MAX_LABELS && at < end; i++) {
      const len = b[at];
      if ((len & 0xc0) === 0xc0) { msg.pointers.push(at); out.fields.push({ at, size: 2, endian: 'be', kind: 'dns compression pointer' }); at += 2; return; }
      out.fields.push({ at, size: 1, endian: 'be', kind: 'dns label length' });
      at += 1 + len;
      if (len === 0) return;
    }
  };
  const questions = (b[d + 4] << 8) | b[d + 5];
  for (let i = 0; i < Math.min(total, MAX_DNS_RECORDS) && at < end; i++) {
    name();
    if (i < questions) { at += 4; continue; }
    if (at + 10 > end) return;
    const type = (b[at] << 8) | b[at + 1];
    out.fields.push({ at: at + 8, size: 2, endian: 'be', kind: 'dns rdlength' });
    const rdlength = (b[at + 8] << 8) | b[at + 9];
    const rdata = at + 10;
    if (type === 5 || type === 2 || type === 12) { at = rdata; name(); at = rdata + rdlength; } else at = rdata + rdlength;
  }
}

/** RFC 9000 §17.2: long header CID lengths, the Initial's token length and every packet's Length varint. */
function quicLayout(b, q, end, out) {
  let at = q;
  for (let i = 0; i < MAX_QUIC_PACKETS && at + 7 <= end && (b[at] & 0x80); i++) {
    out.fields.push({ at: at + 5, size: 1, endian: 'be', kind: 'quic dcid length' });
    const scidAt = at + 6 + b[at + 5];
    if (scidAt >= end) return;
    out.fields.push({ at: scidAt, size: 1, endian: 'be', kind: 'quic scid length' });
    let p = scidAt + 1 + b[scidAt];
    const version = ((b[at + 1] << 24) | (b[at + 2] << 16) | (b[at + 3] << 8) | b[at + 4]) >>> 0;
    if (version === 0 || p >= end) return;
    const type = (b[at] & 0x30) >> 4;
    if (type === 3) return; // Retry: no Length
    if (type === 0) {
      out.fields.push({ at: p, size: 1, endian: 'be', kind: 'quic token length', varint: true });
      const [token, next] = varintAt(b, p, end);
      p = next + token;
      if (next < 0 || p >= end) return;
    }
    out.fields.push({ at: p, size: 1, endian: 'be', kind: 'quic length', varint: true });
    const [length, next] = varintAt(b, p, end);
    if (next < 0) return;
    at = next + length;
  }
}

function varintAt(b, at, end) {
  const len = 1 << (b[at] >> 6);
  if (at + len > end) return [0, -1];
  let v = b[at] & 0x3f;
  for (let i = 1; i < len; i++) v = v * 256 + b[at + i];
  return [v, at + len];
}
