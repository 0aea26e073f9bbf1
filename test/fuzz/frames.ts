/** Frames patched per packet for the flood tests: 10,000 packets cost milliseconds. */
export const T = 1_700_000_000;
/** Offsets in an Ethernet + IPv4 frame (RFC 791 §3.1; the transport header starts at 34). */
export const AT = { IP_ID: 18, IP_SRC: 26, IP_DST: 30, SRC_PORT: 34, DST_PORT: 36, TCP_SEQ: 38, TCP_ACK: 42, DNS_ID: 42 } as const;

/** A copy of `template` with big-endian `fields` ([offset, bytes, value]) written in. */
export function patch(template: Uint8Array, fields: [number, 2 | 4, number][]): Uint8Array {
  const out = new Uint8Array(template);
  const dv = new DataView(out.buffer);
  for (const [at, size, value] of fields) {
    if (size === 2) dv.setUint16(at, value);
    else dv.setUint32(at, value >>> 0);
  }
  return out;
}

/** 10.0.0.0 + i as a 32-bit address: 5,000 distinct clients. */
export const clientAddress = (i: number): number => (0x0a000000 + 1 + i) >>> 0;

