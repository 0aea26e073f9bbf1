/**
 * The address key (decode/ip-layer.ts) of an address known only as text: a tunnel's outer datagram
 * or the datagram an ICMP error quotes. It equals the key the decoder gives the same address in a
 * packet, so a flow is found the same way from either. Reads what address.ts writes (dotted IPv4;
 * RFC 5952 IPv6, with the mixed "::ffff:a.b.c.d" notation).
 */
import { ipv6Key, V6_KEY_BASE } from './ip-layer.js';

export function addressKeyOfText(text: string): number {
  const v4 = ipv4Value(text);
  if (v4 !== null) return v4;
  const bytes = ipv6Bytes(text);
  if (bytes !== null) return ipv6Key(bytes, 0);
  // Not an address (nothing the decoder writes): any key that makes readers compare the text.
  return V6_KEY_BASE;
}

function ipv4Value(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let v = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    v = v * 256 + Number(p);
  }
  return v;
}

function ipv6Bytes(text: string): Uint8Array | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = ipv4Value(p);
        if (v4 === null) return null;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(parseInt(p, 16));
      else return null;
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (head === null || tail === null) return null;
  const zeros = 8 - head.length - tail.length;
  if (halves.length === 2 ? zeros < 1 : zeros !== 0) return null;
  const all = [...head, ...new Array<number>(zeros).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  for (let g = 0; g < 8; g++) {
    bytes[g * 2] = all[g] >>> 8;
    bytes[g * 2 + 1] = all[g] & 0xff;
  }
  return bytes;
}
