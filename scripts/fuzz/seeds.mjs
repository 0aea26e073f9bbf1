/**
 * Seed captures for the fuzzer: every capture bundled in fixtures/ and examples/, plus generated
 * ones that reach each decoder and tracker (TCP with options over IPv4/IPv6/VLAN, DNS over UDP and
 * TCP with compression pointers, QUIC Initials both ways, IPv4/IPv6 fragments, cooked/null link
 * types, tunnels and other link layers, pcapng with several interfaces and sections, nanosecond and
 * big-endian pcap, gzip).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  ackFrame, ciscoHdlc, clientHello, concat, cryptoFrame, dnsOverTcp, dnsQuery, dnsResponse, ethernet, ethernetOf,
  geneve, gre, gtpu, handshakePacket, initialKeys, initialPacket, ip, ipv4, ipv6, mpls, nflog, nullLoopback,
  pppHdlc, pppoe, radiotap80211, serverHello, shortPacket, sll2, tcp, tcpFrame, udp, udpFrame, vxlan,
} from './frames.mjs';
import { writePcap, writePcapng } from './writers.mjs';

const T0 = 1_700_000_000;
const C4 = '10.0.0.1', S4 = '10.0.0.2', C6 = '2001:db8::1', S6 = '2001:db8::2';

/** A whole TCP connection: handshake with options, data both ways, a retransmission, FIN/FIN. */
function tcpConversation(src, dst, sport, dport, vlans) {
  const c = { src, dst, sport, dport, vlans };
  const s = { src: dst, dst: src, sport: dport, dport: sport, vlans };
  const frames = [
    tcpFrame({ ...c, seq: 1000, flags: 'S', mss: 1460, sackPermitted: true, timestamp: [1, 0], windowScale: 7 }),
    tcpFrame({ ...s, seq: 5000, ack: 1001, flags: 'SA', mss: 1400, sackPermitted: true, timestamp: [9, 1], windowScale: 8 }),
    tcpFrame({ ...c, seq: 1001, ack: 5001, flags: 'A', timestamp: [2, 9] }),
    tcpFrame({ ...c, seq: 1001, ack: 5001, flags: 'PA', payload: 'GET / HTTP/1.1\r\n\r\n' }),
    tcpFrame({ ...c, seq: 1001, ack: 5001, flags: 'PA', payload: 'GET / HTTP/1.1\r\n\r\n' }),
    tcpFrame({ ...s, seq: 5001, ack: 1019, flags: 'PA', payload: 'HTTP/1.1 200 OK\r\n\r\n', sack: [1001, 1019] }),
    tcpFrame({ ...s, seq: 5020, ack: 1019, flags: 'A', window: 0 }),
    tcpFrame({ ...c, seq: 1019, ack: 5020, flags: 'FA' }),
    tcpFrame({ ...s, seq: 5020, ack: 1020, flags: 'FA' }),
    tcpFrame({ ...c, seq: 1020, ack: 5021, flags: 'A' }),
  ];
  return frames;
}

function dnsFrames(src, dst) {
  return [
    udpFrame({ src, dst, sport: 40000, dport: 53, payload: dnsQuery(0x1234, 'example.com') }),
    udpFrame({ src: dst, dst: src, sport: 53, dport: 40000, payload: dnsResponse(0x1234, 'example.com', '93.184.216.34') }),
    udpFrame({ src, dst, sport: 40001, dport: 53, payload: dnsQuery(0x4321, 'missing.example', 28) }),
    udpFrame({ src: dst, dst: src, sport: 53, dport: 40001, payload: dnsResponse(0x4321, 'missing.example', '0.0.0.0', 3) }),
    udpFrame({ src, dst, sport: 40002, dport: 53, payload: dnsQuery(0x5555, 'unanswered.test') }),
  ];
}

function dnsOverTcpFrames(src, dst) {
  const c = { src, dst, sport: 41000, dport: 53 };
  const s = { src: dst, dst: src, sport: 53, dport: 41000 };
  const q = dnsOverTcp(dnsQuery(7, 'tcp.example'));
  const r = dnsOverTcp(dnsResponse(7, 'tcp.example', '192.0.2.7'));
  return [
    tcpFrame({ ...c, seq: 1, flags: 'S' }), tcpFrame({ ...s, seq: 100, ack: 2, flags: 'SA' }),
    tcpFrame({ ...c, seq: 2, ack: 101, flags: 'PA', payload: q }),
    tcpFrame({ ...s, seq: 101, ack: 2 + q.length, flags: 'PA', payload: r }),
    tcpFrame({ ...c, seq: 2 + q.length, ack: 101 + r.length, flags: 'RA' }),
  ];
}

function quicFrames() {
  const dcid = Uint8Array.of(0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08);
  const cscid = Uint8Array.of(0xc1, 0xc2, 0xc3, 0xc4);
  const sscid = Uint8Array.of(0x51, 0x52, 0x53, 0x54, 0x55);
  const keys = initialKeys(dcid);
  const c = { src: C4, dst: S4, sport: 50000, dport: 443 };
  const s = { src: S4, dst: C4, sport: 443, dport: 50000 };
  return [
    udpFrame({ ...c, payload: initialPacket({ dcid, scid: cscid, keys: keys.client, frames: cryptoFrame(clientHello('quic.example')), padTo: 1200 }) }),
    udpFrame({ ...s, payload: concat(
      initialPacket({ dcid: cscid, scid: sscid, keys: keys.server, frames: concat(ackFrame(0), cryptoFrame(serverHello())) }),
      handshakePacket({ dcid: cscid, scid: sscid }),
    ) }),
    udpFrame({ ...c, payload: handshakePacket({ dcid: sscid, scid: cscid }) }),
    udpFrame({ ...c, payload: shortPacket(sscid) }),
    udpFrame({ ...s, payload: shortPacket(cscid) }),
  ];
}

/** A DNS response split in IPv4 fragments, and a UDP datagram in IPv6 fragments. */
function fragmentFrames() {
  const dns = udp({ src: S4, dst: C4, sport: 53, dport: 40010, payload: dnsResponse(9, 'fragmented.example', '192.0.2.9') });
  const v4 = [];
  for (let at = 0; at < dns.length; at += 24) {
    const part = dns.subarray(at, Math.min(at + 24, dns.length));
    v4.push(ethernet(ipv4({ src: S4, dst: C4, protocol: 17, id: 77, fragmentOffset: at, more: at + 24 < dns.length, payload: part })));
  }
  const body = udp({ src: C6, dst: S6, sport: 5000, dport: 6000, payload: new Uint8Array(40).fill(7) });
  const v6 = [
    ethernet(ipv6({ src: C6, dst: S6, protocol: 17, fragment: { offset: 0, more: true, id: 99 }, payload: body.subarray(0, 24) })),
    ethernet(ipv6({ src: C6, dst: S6, protocol: 17, fragment: { offset: 24, more: false, id: 99 }, payload: body.subarray(24) })),
  ];
  return [...v4.reverse(), ...v6];
}

/**
 * One TCP segment and one DNS query inside each tunnel the decoder knows (GRE, VXLAN, Geneve,
 * GTP-U, MPLS, PPPoE) and under each link type beyond Ethernet (PPP, Cisco HDLC, radiotap +
 * 802.11, NFLOG), one interface per link type in a pcapng.
 */
function tunnelSection() {
  // Each carrier gets its own inner ports, so every one shows up as a flow or query of its own.
  const inner = (n) => ip({ src: '192.168.1.1', dst: '192.168.1.2', protocol: 6, payload: tcp({ src: '192.168.1.1', dst: '192.168.1.2', sport: 44000 + n, dport: 443, seq: 1, flags: 'S', mss: 1460 }) });
  const innerDns = (n) => ip({ src: '192.168.1.1', dst: '192.168.1.53', protocol: 17, payload: udp({ src: '192.168.1.1', dst: '192.168.1.53', sport: 45000 + n, dport: 53, payload: dnsQuery(n, 'tunnel.example') }) });
  const outer = (protocol, payload) => ethernet(ipv4({ src: C4, dst: S4, protocol, payload }));
  const overUdp = (port, payload) => outer(17, udp({ src: C4, dst: S4, sport: 50001, dport: port, payload }));
  const ethernetPackets = [
    outer(47, gre(inner(0))), outer(47, gre(innerDns(1))),
    overUdp(4789, vxlan(ethernet(inner(2)))), overUdp(6081, geneve(ethernet(innerDns(3)))),
    overUdp(2152, gtpu(inner(4))), ethernetOf(0x8847, mpls(inner(5))), ethernetOf(0x8864, pppoe(innerDns(6))),
  ];
  const packets = [
    ...ethernetPackets.map((data) => ({ data, interfaceId: 0 })),
    { data: pppHdlc(inner(7)), interfaceId: 1 }, { data: ciscoHdlc(innerDns(8)), interfaceId: 2 },
    { data: radiotap80211(inner(9)), interfaceId: 3 }, { data: nflog(innerDns(10)), interfaceId: 4 },
  ];
  return {
    interfaces: [{ linkType: 1 }, { linkType: 9 }, { linkType: 104 }, { linkType: 127 }, { linkType: 239 }],
    packets: packets.map((p, i) => ({ ...p, time: T0 + i * 0.01 })),
  };
}

const timed = (frames, start = T0) => frames.map((data, i) => ({ time: start + i * 0.01, data }));

/** Strips the 14-byte Ethernet header (for link types that carry IP directly or their own header). */
const unframe = (frame) => frame.subarray(14);

/** @returns {{name: string, bytes: Uint8Array}[]} */
export function generatedSeeds() {
  const mixed = [...tcpConversation(C4, S4, 33000, 80), ...dnsFrames(C4, S4), ...quicFrames()];
  const seeds = [
    { name: 'gen-tcp-v4.pcap', bytes: writePcap(timed(tcpConversation(C4, S4, 33000, 80))) },
    { name: 'gen-tcp-v6-vlan.pcap', bytes: writePcap(timed(tcpConversation(C6, S6, 33001, 443, [10, 20])), { bigEndian: true }) },
    { name: 'gen-dns.pcap', bytes: writePcap(timed([...dnsFrames(C4, S4), ...dnsOverTcpFrames(C4, S4), ...dnsFrames(C6, S6)])) },
    { name: 'gen-quic.pcapng', bytes: writePcapng([{ interfaces: [{ linkType: 1, tsresol: 9 }], packets: timed(quicFrames()) }]) },
    { name: 'gen-fragments.pcap', bytes: writePcap(timed(fragmentFrames()), { nanosecond: true }) },
    { name: 'gen-sll2.pcap', bytes: writePcap(timed(mixed.map((f) => sll2(unframe(f)))), { linkType: 276 }) },
    { name: 'gen-null.pcap', bytes: writePcap(timed(dnsFrames(C6, S6).map((f) => nullLoopback(unframe(f)))), { linkType: 0 }) },
    { name: 'gen-raw.pcap', bytes: writePcap(timed(tcpConversation(C4, S4, 33002, 22).map(unframe)), { linkType: 101 }) },
    {
      name: 'gen-multi.pcapng',
      bytes: writePcapng([
        {
          interfaces: [{ linkType: 1 }, { linkType: 101 }, { linkType: 276, tsresol: 3 }],
          packets: timed(mixed).map((p, i) => ({
            ...p, interfaceId: i % 3, simple: i === 0,
            data: i % 3 === 1 ? unframe(p.data) : i % 3 === 2 ? sll2(unframe(p.data)) : p.data,
          })),
        },
        { bigEndian: true, interfaces: [{ linkType: 1 }], packets: timed(dnsOverTcpFrames(C4, S4), T0 + 5) },
      ]),
    },
  ];
  seeds.push({ name: 'gen-tunnels.pcapng', bytes: writePcapng([tunnelSection()]) });
  seeds.push({ name: 'gen-tcp-v4.pcap.gz', bytes: gzipSync(seeds[0].bytes) });
  return seeds;
}

/** Every .pcap/.pcapng/.gz capture under `dirs` (one level of subfolders), by name order. */
export function fileSeeds(dirs) {
  const out = [];
  const walk = (dir, depth) => {
    let names;
    try { names = readdirSync(dir).sort(); } catch { return; }
    for (const name of names) {
      const path = join(dir, name);
      const st = statSync(path);
      if (st.isDirectory() && depth < 3) walk(path, depth + 1);
      else if (st.isFile() && /\.(pcap|pcapng|cap|gz)$/.test(name) && st.size <= 1 << 20) out.push({ name: path, bytes: new Uint8Array(readFileSync(path)) });
    }
  };
  for (const d of dirs) walk(d, 0);
  return out;
}
