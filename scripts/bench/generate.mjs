/**
 * Writes large synthetic captures for the benchmark (never stored in the repo). Frames are built
 * from templates with the varying fields patched in place, so generating 1M packets takes ~1 s.
 * Checksums are left zero (statecap, like tshark, does not verify them by default).
 */
import { openSync, writeSync, closeSync } from 'node:fs';

const ETH = 14, IP4 = 20, TCP_H = 20, UDP_H = 8;

/** Buffered classic-pcap writer (microsecond, little-endian, Ethernet). */
export class PcapWriter {
  constructor(path) {
    this.fd = openSync(path, 'w');
    this.buf = Buffer.alloc(1 << 22);
    this.pos = 0;
    this.packets = 0;
    const h = Buffer.alloc(24);
    h.writeUInt32LE(0xa1b2c3d4, 0); h.writeUInt16LE(2, 4); h.writeUInt16LE(4, 6);
    h.writeUInt32LE(262144, 16); h.writeUInt32LE(1, 20);
    writeSync(this.fd, h);
  }
  /** Appends a record; `fill(buf, offset)` writes `len` frame bytes at offset. */
  add(timeUs, len, fill) {
    if (this.pos + 16 + len > this.buf.length) this.flush();
    const b = this.buf, p = this.pos;
    b.writeUInt32LE(Math.floor(timeUs / 1e6), p);
    b.writeUInt32LE(timeUs % 1e6, p + 4);
    b.writeUInt32LE(len, p + 8);
    b.writeUInt32LE(len, p + 12);
    fill(b, p + 16);
    this.pos = p + 16 + len;
    this.packets++;
  }
  flush() { writeSync(this.fd, this.buf, 0, this.pos); this.pos = 0; }
  close() { this.flush(); closeSync(this.fd); }
}

function ipv4(b, o, proto, src, dst, payloadLen) {
  b.fill(0, o, o + ETH);
  b.writeUInt16BE(0x0800, o + 12);
  const ip = o + ETH;
  b[ip] = 0x45; b[ip + 1] = 0; b.writeUInt16BE(IP4 + payloadLen, ip + 2);
  b.writeUInt32BE(0, ip + 4); b[ip + 8] = 64; b[ip + 9] = proto; b.writeUInt16BE(0, ip + 10);
  b.writeUInt32BE(src >>> 0, ip + 12); b.writeUInt32BE(dst >>> 0, ip + 16);
  return ip + IP4;
}

function tcp(b, o, src, dst, sport, dport, seq, ack, flags, payloadLen) {
  const t = ipv4(b, o, 6, src, dst, TCP_H + payloadLen);
  b.writeUInt16BE(sport, t); b.writeUInt16BE(dport, t + 2);
  b.writeUInt32BE(seq >>> 0, t + 4); b.writeUInt32BE(ack >>> 0, t + 8);
  b[t + 12] = 0x50; b[t + 13] = flags; b.writeUInt16BE(65535, t + 14); b.writeUInt32BE(0, t + 16);
  b.fill(0x61, t + TCP_H, t + TCP_H + payloadLen);
}

const SYN = 0x02, ACK = 0x10, FIN = 0x01, PSH = 0x08, RST = 0x04;
const CLIENT_NET = 0x0a000000, SERVER_NET = 0xc0a80000;

/**
 * A mix like a busy front end: `connections` TCP connections, `concurrent` open at a time, each
 * handshake + request/response rounds + FIN close, until `packets` packets are written.
 */
export function writeTcpMix(path, { packets = 1_000_000, connections = 10_000, concurrent = 256, payload = 100 } = {}) {
  const w = new PcapWriter(path);
  const perConn = Math.max(8, Math.floor(packets / connections));
  const rounds = Math.max(1, Math.floor((perConn - 7) / 2));
  let t = 1_700_000_000_000_000;
  let next = 0;
  const live = [];
  const open = () => {
    const i = next++;
    live.push({ i, step: 0, c: CLIENT_NET + (i % 50000) + 1, s: SERVER_NET + (i % 16) + 1,
      cp: 1024 + (i % 60000), sp: 443, cs: (i * 7919) >>> 0, ss: (i * 104729) >>> 0 });
  };
  while (live.length < concurrent && next < connections) open();
  let k = 0;
  while (w.packets < packets && live.length) {
    k = (k + 1) % live.length;
    const f = live[k];
    t += 3;
    const len = ETH + IP4 + TCP_H;
    const s = f.step++;
    if (s === 0) w.add(t, len, (b, o) => tcp(b, o, f.c, f.s, f.cp, f.sp, f.cs, 0, SYN, 0));
    else if (s === 1) w.add(t, len, (b, o) => tcp(b, o, f.s, f.c, f.sp, f.cp, f.ss, f.cs + 1, SYN | ACK, 0));
    else if (s === 2) w.add(t, len, (b, o) => tcp(b, o, f.c, f.s, f.cp, f.sp, f.cs + 1, f.ss + 1, ACK, 0));
    else if (s < 3 + 2 * rounds) {
      const r = Math.floor((s - 3) / 2);
      if ((s - 3) % 2 === 0) {
        w.add(t, len + payload, (b, o) => tcp(b, o, f.c, f.s, f.cp, f.sp, f.cs + 1 + r * payload, f.ss + 1 + r * payload, PSH | ACK, payload));
      } else {
        w.add(t, len + payload, (b, o) => tcp(b, o, f.s, f.c, f.sp, f.cp, f.ss + 1 + r * payload, f.cs + 1 + (r + 1) * payload, PSH | ACK, payload));
      }
    } else {
      const cseq = f.cs + 1 + rounds * payload, sseq = f.ss + 1 + rounds * payload;
      const e = s - 3 - 2 * rounds;
      if (e === 0) w.add(t, len, (b, o) => tcp(b, o, f.c, f.s, f.cp, f.sp, cseq, sseq, FIN | ACK, 0));
      else if (e === 1) w.add(t, len, (b, o) => tcp(b, o, f.s, f.c, f.sp, f.cp, sseq, cseq + 1, FIN | ACK, 0));
      else {
        w.add(t, len, (b, o) => tcp(b, o, f.c, f.s, f.cp, f.sp, cseq + 1, sseq + 1, ACK, 0));
        live.splice(k, 1);
        if (next < connections) open();
      }
    }
  }
  w.close();
  return { packets: w.packets, connections: next };
}

/**
 * A SYN flood: `count` SYNs to one server, none answered, each from its own (spoofed) source
 * address, so that client endpoints grow with the flood as well as flows.
 */
export function writeSynFlood(path, count) {
  const w = new PcapWriter(path);
  const len = ETH + IP4 + TCP_H;
  for (let i = 0; i < count; i++) {
    const src = CLIENT_NET + 1 + i, sport = 1024 + (i % 60000);
    w.add(1_700_000_000_000_000 + i * 10, len, (b, o) => tcp(b, o, src, SERVER_NET + 1, sport, 80, i * 2654435761, 0, SYN, 0));
  }
  w.close();
  return { packets: count };
}

/** `count` DNS queries over UDP that are never answered, distinct IDs and ports. */
export function writeUnansweredDns(path, count) {
  const w = new PcapWriter(path);
  const q = Buffer.from('000001000001000000000000076578616d706c6503636f6d0000010001', 'hex'); // example.com A
  const len = ETH + IP4 + UDP_H + q.length;
  for (let i = 0; i < count; i++) {
    const src = CLIENT_NET + 1 + Math.floor(i / 60000), sport = 1024 + (i % 60000);
    w.add(1_700_000_000_000_000 + i * 10, len, (b, o) => {
      const u = ipv4(b, o, 17, src, SERVER_NET + 53, UDP_H + q.length);
      b.writeUInt16BE(sport, u); b.writeUInt16BE(53, u + 2); b.writeUInt16BE(UDP_H + q.length, u + 4); b.writeUInt16BE(0, u + 6);
      q.copy(b, u + UDP_H); b.writeUInt16BE(i & 0xffff, u + UDP_H);
    });
  }
  w.close();
  return { packets: count };
}

/** QUIC v1 client Initials with random CIDs (never answered): `count` datagrams of 1200 bytes. */
export function writeQuicInitialFlood(path, count) {
  const w = new PcapWriter(path);
  const size = 1200, len = ETH + IP4 + UDP_H + size;
  let x = 0x12345678;
  const rnd = () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return x >>> 0; };
  for (let i = 0; i < count; i++) {
    const src = CLIENT_NET + 1 + Math.floor(i / 60000), sport = 1024 + (i % 60000);
    w.add(1_700_000_000_000_000 + i * 10, len, (b, o) => {
      const u = ipv4(b, o, 17, src, SERVER_NET + 44, UDP_H + size);
      b.writeUInt16BE(sport, u); b.writeUInt16BE(443, u + 2); b.writeUInt16BE(UDP_H + size, u + 4); b.writeUInt16BE(0, u + 6);
      const q = u + UDP_H;
      b[q] = 0xc3; b.writeUInt32BE(1, q + 1); b[q + 5] = 8; b.writeUInt32BE(rnd(), q + 6); b.writeUInt32BE(rnd(), q + 10);
      b[q + 14] = 8; b.writeUInt32BE(rnd(), q + 15); b.writeUInt32BE(rnd(), q + 19); b[q + 23] = 0;
      b.writeUInt16BE(0x4000 | (size - 26), q + 24); b.fill(0xab, q + 26, q + size);
    });
  }
  w.close();
  return { packets: count };
}

/** First fragments of `count` distinct IPv4 datagrams whose other fragments never come. */
export function writeFragmentFlood(path, count) {
  const w = new PcapWriter(path);
  const len = ETH + IP4 + 1480;
  for (let i = 0; i < count; i++) {
    w.add(1_700_000_000_000_000 + i * 10, len, (b, o) => {
      const p = ipv4(b, o, 17, CLIENT_NET + 1 + (i >>> 16), SERVER_NET + 1, 1480);
      const ip = p - IP4;
      b.writeUInt16BE(i & 0xffff, ip + 4); b.writeUInt16BE(0x2000, ip + 6); // MF, offset 0
      b.writeUInt16BE(IP4 + 1480, ip + 2);
      b.fill(0x5a, p, p + 1480);
    });
  }
  w.close();
  return { packets: count };
}

/**
 * Long-lived connections: `connections` TCP connections open first, then exchange
 * request/response rounds in turn until `packets` packets are written, then close. The same
 * connections at any size, so that memory can be compared across sizes (it should follow the
 * live connections, not the packets).
 */
export function writeLongLived(path, { packets = 500_000, connections = 2_000, payload = 100 } = {}) {
  const w = new PcapWriter(path);
  const conns = [];
  for (let i = 0; i < connections; i++) {
    conns.push({ c: CLIENT_NET + 0x10000 + (i % 250) + 1, s: SERVER_NET + (i % 8) + 1, cp: 20000 + i, sp: 8080,
      cs: (i * 7919) >>> 0, ss: (i * 104729) >>> 0, cn: 0, sn: 0 });
  }
  let t = 1_700_000_000_000_000;
  const len = ETH + IP4 + TCP_H;
  for (const f of conns) {
    w.add(t += 5, len, (b, o) => tcp(b, o, f.c, f.s, f.cp, f.sp, f.cs, 0, SYN, 0));
    w.add(t += 5, len, (b, o) => tcp(b, o, f.s, f.c, f.sp, f.cp, f.ss, f.cs + 1, SYN | ACK, 0));
    w.add(t += 5, len, (b, o) => tcp(b, o, f.c, f.s, f.cp, f.sp, f.cs + 1, f.ss + 1, ACK, 0));
  }
  const closing = 3 * connections;
  // Rounds: request, response, ACK of the response (a delayed ACK every other round).
  for (let k = 0; w.packets < packets - closing; k++) {
    const f = conns[k % connections];
    const cseq = f.cs + 1 + f.cn, sseq = f.ss + 1 + f.sn;
    w.add(t += 2, len + payload, (b, o) => tcp(b, o, f.c, f.s, f.cp, f.sp, cseq, sseq, PSH | ACK, payload));
    w.add(t += 2, len + payload, (b, o) => tcp(b, o, f.s, f.c, f.sp, f.cp, sseq, cseq + payload, PSH | ACK, payload));
    f.cn += payload; f.sn += payload;
    if (k % 2 === 0) w.add(t += 2, len, (b, o) => tcp(b, o, f.c, f.s, f.cp, f.sp, cseq + payload, sseq + payload, ACK, 0));
  }
  for (const f of conns) {
    const cseq = f.cs + 1 + f.cn, sseq = f.ss + 1 + f.sn;
    w.add(t += 5, len, (b, o) => tcp(b, o, f.c, f.s, f.cp, f.sp, cseq, sseq, FIN | ACK, 0));
    w.add(t += 5, len, (b, o) => tcp(b, o, f.s, f.c, f.sp, f.cp, sseq, cseq + 1, FIN | ACK, 0));
    w.add(t += 5, len, (b, o) => tcp(b, o, f.c, f.s, f.cp, f.sp, cseq + 1, sseq + 1, ACK, 0));
  }
  w.close();
  return { packets: w.packets, connections };
}
