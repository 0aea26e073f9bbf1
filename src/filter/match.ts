/**
 * Turns a parsed filter into a predicate over decoded packets. It runs after decoding, on the
 * innermost decoded layers (inside tunnels), so the trackers and the ledger see only what passed.
 * As in tcpdump: `port` needs a TCP or UDP header (a non-first IP fragment has none), `icmp` is
 * ICMP over IPv4 and `icmp6` over IPv6, `vlan N` tests the outermost 802.1Q tag.
 */
import type { DecodedPacket } from '../decode/packet.js';
import { ipv4Text, ipv6Text } from '../decode/address.js';
import { ipBytes, samePrefix } from './ip-bytes.js';
import { parseFilter, type Dir, type FilterNode, type Proto, type Test } from './expression.js';

export type PacketFilter = (pkt: DecodedPacket) => boolean;

const PROTOCOL: Record<Proto, (pkt: DecodedPacket) => boolean> = {
  ip: (p) => p.ip?.version === 4,
  ip6: (p) => p.ip?.version === 6,
  tcp: (p) => p.ip?.protocol === 6,
  udp: (p) => p.ip?.protocol === 17,
  icmp: (p) => p.ip?.version === 4 && p.ip.protocol === 1,
  icmp6: (p) => p.ip?.version === 6 && p.ip.protocol === 58,
};

function either(dir: Dir, src: boolean, dst: boolean): boolean {
  switch (dir) {
    case 'src': return src;
    case 'dst': return dst;
    case 'src or dst': return src || dst;
    case 'src and dst': return src && dst;
  }
}

/** Packet addresses as bytes, remembered: a capture repeats few addresses many times (bounded). */
const parsed = new Map<string, Uint8Array | null>();
function bytesOf(text: string): Uint8Array | null {
  let b = parsed.get(text);
  if (b === undefined) {
    b = ipBytes(text);
    if (parsed.size >= 1 << 16) parsed.clear();
    parsed.set(text, b);
  }
  return b;
}

function compileTest(t: Test): PacketFilter {
  const proto = 'proto' in t && t.proto !== undefined ? PROTOCOL[t.proto] : null;
  const gate = (f: PacketFilter): PacketFilter => (proto === null ? f : (p) => proto(p) && f(p));
  switch (t.kind) {
    case 'proto':
      return PROTOCOL[t.proto];
    case 'vlan':
      return t.id === null ? (p) => (p.vlans?.length ?? 0) > 0 : (p) => p.vlans?.[0] === t.id;
    case 'host': {
      // Compared as the decoder's own text (RFC 5952 for IPv6), so each packet costs two string compares.
      const text = t.address.length === 4 ? ipv4Text(t.address, 0) : ipv6Text(t.address, 0);
      return gate((p) => p.ip !== undefined && either(t.dir, p.ip.src === text, p.ip.dst === text));
    }
    case 'net':
      return gate((p) => {
        if (p.ip === undefined) return false;
        const src = bytesOf(p.ip.src);
        const dst = bytesOf(p.ip.dst);
        return either(t.dir, src !== null && samePrefix(src, t.address, t.bits), dst !== null && samePrefix(dst, t.address, t.bits));
      });
    case 'port': {
      const inRange = (n: number) => n >= t.low && n <= t.high;
      return gate((p) => {
        const l4 = t.proto === 'udp' ? p.udp : t.proto === 'tcp' ? p.tcp : (p.tcp ?? p.udp);
        return l4 !== undefined && either(t.dir, inRange(l4.srcPort), inRange(l4.dstPort));
      });
    }
  }
}

function compileNode(n: FilterNode): PacketFilter {
  switch (n.op) {
    case 'test': return compileTest(n.test);
    case 'not': {
      const f = compileNode(n.operand);
      return (p) => !f(p);
    }
    case 'and': {
      const [a, b] = [compileNode(n.left), compileNode(n.right)];
      return (p) => a(p) && b(p);
    }
    case 'or': {
      const [a, b] = [compileNode(n.left), compileNode(n.right)];
      return (p) => a(p) || b(p);
    }
  }
}

/** Compiles a pcap-filter expression; throws FilterSyntaxError (with the position) when it is bad. */
export function compileFilter(source: string): PacketFilter {
  return compileNode(parseFilter(source));
}
