/**
 * The address key (decode/ip-layer.ts) of an address known only as text: a tunnel's outer datagram
 * or the datagram an ICMP error quotes. It equals the key the decoder gives the same address in a
 * packet, so a flow is found the same way from either.
 */
import { ipv4Bytes, ipv6Bytes } from '../filter/ip-bytes.js';
import { ipv6Key, V6_KEY_BASE } from './ip-layer.js';

export function addressKeyOfText(text: string): number {
  const v4 = ipv4Bytes(text);
  if (v4 !== null) return ((v4[0] << 24) | (v4[1] << 16) | (v4[2] << 8) | v4[3]) >>> 0;
  const v6 = ipv6Bytes(text);
  if (v6 !== null) return ipv6Key(v6, 0);
  // Not an address (nothing the decoder writes): a hash key, so that readers compare the text.
  return V6_KEY_BASE;
}
