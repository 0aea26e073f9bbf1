/**
 * `where` filters (issue 6): narrow what a metric counts to the conversations that match every
 * given key. A record that lacks a key's field (a TCP flow has no SNI) does not match that key,
 * with one bridge: a TCP flow matches `qname`/`qtype` when it carried a DNS-over-TCP transaction
 * for that question. An endpoint matches when one of the conversations it took part in matches.
 */
import { parseEndpoint } from '../flow/endpoint.js';

export interface Where {
  serverPort?: number;
  clientPort?: number;
  /** "ip" or "ip:port" ("[v6]:port"). */
  server?: string;
  client?: string;
  /** Case-insensitive; a trailing dot is ignored; "*.example.com" matches every name below example.com. */
  qname?: string;
  qtype?: string;
  /** QUIC SNI, case-insensitive. */
  serverName?: string;
  /** 'quic' matches QUIC connections; 'udp' matches DNS over UDP and QUIC (which runs over UDP). */
  transport?: 'tcp' | 'udp' | 'quic';
}

export const WHERE_KEYS = ['serverPort', 'clientPort', 'server', 'client', 'qname', 'qtype', 'serverName', 'transport'] as const;
export type WhereKey = (typeof WHERE_KEYS)[number];

/** The facts of one conversation that `where` keys test. Absent facts are `undefined`. */
export interface Conversation {
  client?: string;
  server?: string;
  transport?: 'tcp' | 'udp' | 'quic';
  /** DNS questions the conversation carried. */
  questions?: readonly { qname: string | null; qtype: string | null }[];
  serverName?: string | null;
}

/** Validates untrusted `where` JSON; each error names the key. */
export function parseWhere(value: unknown): { where: Where } | { errors: string[] } {
  if (value === undefined) return { where: {} };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { errors: ['must be an object'] };
  const errors: string[] = [];
  const where: Where = {};
  for (const [key, v] of Object.entries(value)) {
    switch (key) {
      case 'serverPort':
      case 'clientPort':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) errors.push(`${key}: must be a port number 0-65535, got ${JSON.stringify(v)}`);
        else where[key] = v;
        break;
      case 'server':
      case 'client':
        if (typeof v !== 'string' || v.trim() === '') errors.push(`${key}: must be an address or address:port string, got ${JSON.stringify(v)}`);
        else where[key] = v.trim();
        break;
      case 'qname':
      case 'qtype':
      case 'serverName':
        if (typeof v !== 'string' || v.trim() === '') errors.push(`${key}: must be a non-empty string, got ${JSON.stringify(v)}`);
        else where[key] = v.trim();
        break;
      case 'transport':
        if (v !== 'tcp' && v !== 'udp' && v !== 'quic') errors.push(`transport: must be "tcp", "udp" or "quic", got ${JSON.stringify(v)}`);
        else where.transport = v;
        break;
      default:
        errors.push(`unknown key "${key}" (known: ${WHERE_KEYS.join(', ')})`);
    }
  }
  return errors.length > 0 ? { errors } : { where };
}

export function isEmptyWhere(where: Where): boolean {
  return WHERE_KEYS.every((key) => where[key] === undefined);
}

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

function nameMatches(pattern: string, name: string | null | undefined): boolean {
  if (name === null || name === undefined) return false;
  const p = normalizeName(pattern);
  const n = normalizeName(name);
  if (p.startsWith('*.')) return n.endsWith(p.slice(1));
  return p === n;
}

/** "10.0.0.1" matches any port of that address; "10.0.0.1:80" that port only. */
function endpointMatches(pattern: string, endpoint: string | undefined): boolean {
  if (endpoint === undefined) return false;
  const want = parseEndpoint(pattern);
  const have = parseEndpoint(endpoint);
  if (want.address.toLowerCase() !== have.address.toLowerCase()) return false;
  return want.port === null || want.port === have.port;
}

function portOf(endpoint: string | undefined): number | null {
  return endpoint === undefined ? null : parseEndpoint(endpoint).port;
}

/** True when `c` satisfies every key of `where`. */
export function matchesWhere(where: Where, c: Conversation): boolean {
  if (where.serverPort !== undefined && portOf(c.server) !== where.serverPort) return false;
  if (where.clientPort !== undefined && portOf(c.client) !== where.clientPort) return false;
  if (where.server !== undefined && !endpointMatches(where.server, c.server)) return false;
  if (where.client !== undefined && !endpointMatches(where.client, c.client)) return false;
  if (where.transport !== undefined) {
    const t = c.transport;
    const ok = t === where.transport || (where.transport === 'udp' && t === 'quic');
    if (!ok) return false;
  }
  if (where.qname !== undefined || where.qtype !== undefined) {
    const questions = c.questions ?? [];
    const hit = questions.some((q) =>
      (where.qname === undefined || nameMatches(where.qname, q.qname)) &&
      (where.qtype === undefined || (q.qtype !== null && q.qtype.toUpperCase() === where.qtype.toUpperCase())));
    if (!hit) return false;
  }
  if (where.serverName !== undefined && !nameMatches(where.serverName, c.serverName)) return false;
  return true;
}

/** "server port 80, qname example.com": the filter in plain words, for explanations. */
export function describeWhere(where: Where): string {
  const parts: string[] = [];
  if (where.server !== undefined) parts.push(`server ${where.server}`);
  if (where.serverPort !== undefined) parts.push(`server port ${where.serverPort}`);
  if (where.client !== undefined) parts.push(`client ${where.client}`);
  if (where.clientPort !== undefined) parts.push(`client port ${where.clientPort}`);
  if (where.transport !== undefined) parts.push(`transport ${where.transport.toUpperCase()}`);
  if (where.qname !== undefined) parts.push(`query name ${where.qname}`);
  if (where.qtype !== undefined) parts.push(`query type ${where.qtype.toUpperCase()}`);
  if (where.serverName !== undefined) parts.push(`SNI ${where.serverName}`);
  return parts.join(', ');
}
