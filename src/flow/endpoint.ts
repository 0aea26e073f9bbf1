/** Formats an address and port the way every report field does: "10.0.0.1:80", "[2001:db8::1]:443". */
export function endpointString(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Splits "10.0.0.1:80" or "[::1]:53" back into address and port; a bare address has port null. */
export function parseEndpoint(text: string): { address: string; port: number | null } {
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(text);
  if (v6) return { address: v6[1].toLowerCase(), port: Number(v6[2]) };
  const v4 = /^([^:]+):(\d+)$/.exec(text);
  if (v4) return { address: v4[1], port: Number(v4[2]) };
  return { address: text.replace(/^\[|\]$/g, '').toLowerCase(), port: null };
}

/** Canonical key for a bidirectional conversation: the same for both directions (STYLE practice 7). */
export function conversationKey(protocol: number, a: string, aPort: number, b: string, bPort: number): string {
  const first = a < b || (a === b && aPort <= bPort);
  return first ? `${protocol}|${a}|${aPort}|${b}|${bPort}` : `${protocol}|${b}|${bPort}|${a}|${aPort}`;
}
