import { AYIYA, decodeAyiya } from './ayiya.js';
import { decodeGeneve, GENEVE } from './geneve.js';
import { decodeGreInUdp, GRE_IN_UDP } from './gre-udp.js';
import { decodeGtpU, GTPU } from './gtp.js';
import { decodeL2tp, L2TP } from './l2tp.js';
import { decodeTeredo, TEREDO } from './teredo.js';
import { decodeVxlan, VXLAN } from './vxlan.js';
import type { Walk } from './walk.js';

/**
 * Tunnels recognized by UDP port (either side, as tshark's and Zeek's default port tables do).
 * Each decoder first checks its header; only when it fits is the outer `udp` dropped and the
 * inner packet decoded, so a stray datagram on a tunnel port stays an ordinary UDP packet.
 */
export function decodeUdpTunnel(walk: Walk, srcPort: number, dstPort: number, offset: number, end: number): void {
  const port = tunnelPort(srcPort, dstPort);
  if (port === 0) return;
  const udp = walk.packet.udp;
  // Read before the inner layers replace them.
  const outerSrc = walk.packet.ip?.src;
  const outerDst = walk.packet.ip?.dst;
  const outerSrcKey = walk.packet.ip?.srcKey;
  const outerDstKey = walk.packet.ip?.dstKey;
  walk.packet.udp = undefined;
  let entered = false;
  switch (port) {
    case VXLAN.PORT: entered = decodeVxlan(walk, offset, end); break;
    case GENEVE.PORT: entered = decodeGeneve(walk, offset, end); break;
    case GTPU.PORT: entered = decodeGtpU(walk, offset, end); break;
    case TEREDO.PORT: entered = decodeTeredo(walk, offset, end); break;
    case AYIYA.PORT: entered = decodeAyiya(walk, offset, end); break;
    case GRE_IN_UDP.PORT: entered = decodeGreInUdp(walk, offset, end); break;
    case L2TP.PORT: entered = decodeL2tp(walk, offset, end); break;
  }
  if (!entered) walk.packet.udp = udp;
  else if (outerSrc !== undefined && outerDst !== undefined) {
    // The tunnel's own datagram is a UDP conversation too (tshark's conv,udp and Zeek's conn.log list it).
    const datagram = { src: outerSrc, dst: outerDst, srcKey: outerSrcKey, dstKey: outerDstKey, srcPort, dstPort, payloadBytes: end - offset };
    const list = walk.packet.tunnelDatagrams;
    if (list === undefined) walk.packet.tunnelDatagrams = [datagram];
    else list.unshift(datagram); // inner tunnels are entered after (and inside) the outer one: keep outermost first
  }
}

/**
 * The destination port decides; a tunnel port on the source side counts only when the destination
 * is not a well-known service port, so a DNS query sent from ephemeral port 4789 stays DNS
 * (Wireshark tries the lower port first; Zeek's tunnel analyzers sit on the destination port).
 */
function tunnelPort(srcPort: number, dstPort: number): number {
  if (isTunnelPort(dstPort)) return dstPort;
  if (isTunnelPort(srcPort) && dstPort >= WELL_KNOWN_PORT_LIMIT) return srcPort;
  return 0;
}

/** Ports below this are IANA's system (well-known) ports, RFC 6335 §6. */
const WELL_KNOWN_PORT_LIMIT = 1024;

function isTunnelPort(port: number): boolean {
  return port === VXLAN.PORT || port === GENEVE.PORT || port === GTPU.PORT || port === TEREDO.PORT || port === AYIYA.PORT ||
    port === GRE_IN_UDP.PORT || port === L2TP.PORT;
}
