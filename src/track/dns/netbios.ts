/**
 * NetBIOS Name Service (port 137) writes names in "first-level encoding" (RFC 1001 §14.1): the
 * 16-byte NetBIOS name (15 characters padded with spaces, then a suffix byte naming the service)
 * becomes 32 letters, each byte split into two nibbles added to 'A'. Shown encoded, a name is
 * unreadable ("ECFCFHEDDAEDECDDDIDDEEDBEGDEDCAA"); Zeek and Wireshark show it decoded.
 */

/** NBNS port (RFC 1002 §4.2.1). */
export const NETBIOS_NAME_PORT = 137;

const ENCODED_LENGTH = 32;
const A = 0x41;

/**
 * The readable name for a first-level encoded DNS name: the NetBIOS name without its padding and
 * suffix byte, followed by the scope labels if any ("WORKGROUP", "HOST.scope"). Null when the first
 * label is not 32 letters A-P, i.e. not an encoded NetBIOS name.
 */
export function decodeNetbiosName(name: string): string | null {
  const dot = name.indexOf('.');
  const label = (dot < 0 ? name : name.slice(0, dot)).toUpperCase();
  if (label.length !== ENCODED_LENGTH) return null;
  let decoded = '';
  for (let i = 0; i < ENCODED_LENGTH; i += 2) {
    const hi = label.charCodeAt(i) - A;
    const lo = label.charCodeAt(i + 1) - A;
    if (hi < 0 || hi > 15 || lo < 0 || lo > 15) return null;
    decoded += String.fromCharCode((hi << 4) | lo);
  }
  // The 16th byte is the suffix (the service type): checked above, not shown, as Zeek does.
  const base = decoded.slice(0, -1).replace(/[ \0]+$/, '');
  return dot < 0 ? base : `${base}${name.slice(dot)}`;
}
