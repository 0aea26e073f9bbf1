import { describe, expect, it } from 'vitest';
import { decodePacket } from '../../src/decode/decode.js';
import { FragmentReassembler } from '../../src/decode/fragments.js';
import {
  AF, ethernet, erspan, geneve, gre, gtpu, ieee80211, ipv4, ipv4Fragments, ipv6, ipv6Fragments, mpls, nflog, nullLoopback, ppp,
  pppoe, radiotap, sll, sll2, tcp, tcpFrame, teredo, udp, udpFrame, vxlan,
} from '../helpers/packets.js';
import { record } from './record.js';

/** mulberry32: a small seeded PRNG, so a failure reproduces. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seeds: { linkType: number; frame: Uint8Array }[] = [
  { linkType: 1, frame: tcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', srcPort: 1, dstPort: 2, seq: 3, flags: 'S', options: { mss: 1460, windowScale: 2, sackPermitted: true, timestamp: [1, 2], sack: [1, 2] }, payload: 'abc', vlans: [1, 2], qinq: true }) },
  { linkType: 1, frame: udpFrame({ src: '2001:db8::1', dst: '2001:db8::2', srcPort: 53, dstPort: 53, payload: 'xyz' }) },
  { linkType: 113, frame: sll(ipv6({ src: '::1', dst: '::2', nextHeader: 17, payload: udp({ srcPort: 1, dstPort: 2, payload: 'p' }), extensions: [{ type: 0 }, { type: 43 }, { type: 51 }, { type: 60 }] })) },
  { linkType: 276, frame: sll2(ipv4({ src: '1.2.3.4', dst: '5.6.7.8', protocol: 1, payload: Uint8Array.from([3, 3, 0, 0, 0, 0, 0, 0, 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 0, 53, 0, 53]) })) },
  { linkType: 0, frame: nullLoopback(ipv6({ src: '::1', dst: '::1', nextHeader: 58, payload: Uint8Array.from([1, 4, 0, 0, 0, 0, 0, 0, 0x60, 0, 0, 0, 0, 8, 17, 64, ...new Array(32).fill(0), 0, 1, 0, 2]) }), AF.INET6_DARWIN) },
  { linkType: 101, frame: ipv6Fragments({ src: '::1', dst: '::2', nextHeader: 6, payload: new Uint8Array(40), id: 5 }, 16)[1] },
];
// Tunnels and other link types, each around the same small SYN.
const syn = ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 6, payload: tcp({ srcPort: 1, dstPort: 2, seq: 3, flags: 'S', options: { mss: 1 } }) });
const syn6 = ipv6({ src: '::1', dst: '::2', nextHeader: 6, payload: tcp({ srcPort: 1, dstPort: 2, seq: 3, flags: 'S' }) });
const overIp = (protocol: number, payload: Uint8Array) => ethernet(ipv4({ src: '9.9.9.9', dst: '8.8.8.8', protocol, payload }));
const overUdp = (port: number, payload: Uint8Array) => overIp(17, udp({ srcPort: port, dstPort: port, payload }));
seeds.push(
  { linkType: 1, frame: overIp(47, gre(erspan(ethernet(syn, { vlans: [3] }), { type: 3, subheader: true }), { protocol: 0x22eb, sequence: 1, key: 2, checksum: true })) },
  { linkType: 1, frame: overIp(47, gre(ppp(syn, { hdlc: true }), { version: 1, sequence: 1, ack: 2 })) },
  { linkType: 1, frame: overUdp(4789, vxlan(ethernet(mpls(syn6, [1, 2]), { etherType: 0x8847 }))) },
  { linkType: 1, frame: overUdp(6081, geneve(ethernet(pppoe(syn), { etherType: 0x8864 }), { optionBytes: 4 })) },
  { linkType: 1, frame: overUdp(2152, gtpu(syn, { sequence: 1, extensions: [1, 1] })) },
  { linkType: 1, frame: overUdp(3544, teredo(syn6, { origin: true, authentication: true })) },
  { linkType: 239, frame: nflog(syn) },
  { linkType: 127, frame: radiotap(ieee80211(syn6, { qos: true, amsdu: true, toDs: true, fromDs: true }), { tsft: true, fcs: true }) },
);

describe('fuzz: random and mutated packets never throw', () => {
  it('20,000 mutants of valid frames (bit flips, byte sets, truncation), with and without checksum checks', () => {
    const random = prng(0x5eed);
    let decoded = 0;
    for (let i = 0; i < 20_000; i++) {
      const { linkType, frame } = seeds[i % seeds.length];
      const bytes = frame.slice();
      const edits = 1 + Math.floor(random() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * bytes.length);
        const kind = random();
        if (kind < 0.4) bytes[at] ^= 1 << Math.floor(random() * 8);
        else if (kind < 0.7) bytes[at] = [0, 0xff, 1, 0x7f, 0x80][Math.floor(random() * 5)];
        else bytes[at] = Math.floor(random() * 256);
      }
      const cut = random() < 0.3 ? bytes.subarray(0, Math.floor(random() * bytes.length)) : bytes;
      const p = decodePacket(record(cut, linkType, { number: i + 1 }), { verifyChecksums: (i & 1) === 1 });
      if (p.number === i + 1) decoded++;
    }
    expect(decoded).toBe(20_000);
  });

  it('10,000 random byte strings on every supported and a few unsupported link types', () => {
    const random = prng(42);
    let decoded = 0;
    const linkTypes = [0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 9, 10, 104, 105, 127, 239, 3];
    for (let i = 0; i < 10_000; i++) {
      const bytes = Uint8Array.from({ length: Math.floor(random() * 120) }, () => Math.floor(random() * 256));
      // Bias toward IP so the deeper layers get exercised.
      if (bytes.length > 0 && random() < 0.5) bytes[0] = random() < 0.5 ? 0x45 : 0x60;
      const p = decodePacket(record(bytes, linkTypes[i % linkTypes.length]));
      if (p.linkType === linkTypes[i % linkTypes.length]) decoded++;
    }
    expect(decoded).toBe(10_000);
  });

  it('the reassembler survives random fragment streams and stays within its caps', () => {
    const random = prng(7);
    const r = new FragmentReassembler({ maxDatagrams: 50, maxBytes: 4096, timeout: 2 });
    // A pool of fragment trains: 80 identifications, mixed IPv4/IPv6, sizes and fragment sizes.
    const pool = Array.from({ length: 80 }, (_, id) => (random() < 0.5
      ? ipv4Fragments({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 17, payload: new Uint8Array(8 + Math.floor(random() * 200)), id }, 8 * (1 + Math.floor(random() * 10)))
      : ipv6Fragments({ src: '::1', dst: '::2', nextHeader: 6, payload: new Uint8Array(20 + Math.floor(random() * 200)), id }, 8 * (1 + Math.floor(random() * 10))))
      .map((piece) => ethernet(piece)));
    let worstPending = 0;
    let worstBytes = 0;
    let completed = 0;
    for (let i = 0; i < 5_000; i++) {
      const train = pool[Math.floor(random() * pool.length)];
      const piece = train[Math.floor(random() * train.length)].slice();
      if (random() < 0.3) piece[14 + Math.floor(random() * (piece.length - 14))] ^= 0xff;
      const rec = record(piece, 1, { number: i + 1, time: i / 100 });
      const p = decodePacket(rec);
      if (p.ip?.fragment && r.push(p, rec.data)) completed++;
      if (i % 100 === 0) r.expire(i / 100);
      worstPending = Math.max(worstPending, r.pending);
      worstBytes = Math.max(worstBytes, r.bytesHeld);
    }
    expect(worstPending).toBeLessThanOrEqual(50);
    expect(worstBytes).toBeLessThanOrEqual(4096);
    expect(completed).toBeGreaterThan(0);
  });
});
