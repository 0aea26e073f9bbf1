import { AYIYA, decodeAyiya } from './ayiya.js';
import { decodeGeneve, GENEVE } from './geneve.js';
import { decodeGtpU, GTPU } from './gtp.js';
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
  walk.packet.udp = undefined;
  let entered = false;
  switch (port) {
    case VXLAN.PORT: entered = decodeVxlan(walk, offset, end); break;
    case GENEVE.PORT: entered = decodeGeneve(walk, offset, end); break;
    case GTPU.PORT: entered = decodeGtpU(walk, offset, end); break;
    case TEREDO.PORT: entered = decodeTeredo(walk, offset, end); break;
    case AYIYA.PORT: entered = decodeAyiya(walk, offset, end); break;
  }
  if (!entered) walk.packet.udp = udp;
}

function tunnelPort(srcPort: number, dstPort: number): number {
  if (isTunnelPort(dstPort)) return dstPort;
  if (isTunnelPort(srcPort)) return srcPort;
  return 0;
}

function isTunnelPort(port: number): boolean {
  return port === VXLAN.PORT || port === GENEVE.PORT || port === GTPU.PORT || port === TEREDO.PORT || port === AYIYA.PORT;
}
