/** LINKTYPE_* names (tcpdump.org/linktypes.html) for the link types a report lists. */
const NAMES: Record<number, string> = {
  0: 'NULL', 1: 'ETHERNET', 9: 'PPP', 10: 'FDDI', 12: 'RAW', 14: 'RAW', 101: 'RAW', 104: 'C_HDLC',
  105: 'IEEE802_11', 108: 'LOOP', 113: 'LINUX_SLL', 127: 'IEEE802_11_RADIOTAP', 228: 'IPV4', 229: 'IPV6',
  239: 'NFLOG', 276: 'LINUX_SLL2',
};

/** "ETHERNET (1)"; unknown types by number alone, e.g. "LINKTYPE_147". */
export function linkTypeName(type: number): string {
  const name = NAMES[type];
  return name ? `${name} (${type})` : `LINKTYPE_${type}`;
}
