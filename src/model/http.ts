/**
 * HTTP/1.x rows (statecap/report-v1 `http`) and the session evidence of HTTP servers
 * (`endpoints[].sessionState`). Privacy: no secret value is ever stored: cookie names, token kinds,
 * JWT header `alg` and claim names, and a short hash of a cookie value for linking only.
 */

/** A cookie as sent or set: its name and a short hash of its value (8 hex digits of SHA-256), for linking only. */
export interface CookieRef {
  name: string;
  hash: string;
}

export interface TokenSummary {
  /** 'jwt': three base64url parts whose first decodes to JSON with `alg`; 'opaque' otherwise. */
  kind: 'jwt' | 'opaque';
  /** JWT header `alg`. */
  alg?: string;
  /** JWT claim names (never their values). */
  claims?: string[];
  /** Short hash of the token, for linking only. */
  hash: string;
}

export interface HttpExchangeReport {
  /** TCP flow id (tcp.flows[].id). */
  flow: number;
  client: string;
  server: string;
  requestPacket: number;
  /** Null when no response was seen. */
  responsePacket: number | null;
  method: string;
  /** Host header, or null. */
  host: string | null;
  /** Request target without its query string (values in queries may be secrets). */
  path: string;
  status: number | null;
  version: string;
  cookiesSent: CookieRef[];
  cookiesSet: CookieRef[];
  /** Authorization scheme (Bearer, Basic, ...), or null. */
  authorization: string | null;
  /** The bearer token (or a JWT found in a cookie), summarised. */
  token: TokenSummary | null;
}

export interface HttpReport {
  exchanges: HttpExchangeReport[];
  /** Lines that began like an HTTP request but are not one (RFC 9112 §3), with the packet they started in. */
  malformed: { packet: number; flow: number; reason: string }[];
  /** Each HTTP server (ip:port) and its session evidence (also in endpoints[].sessionState). */
  servers: { server: string; sessionState: SessionState }[];
  summary: { exchanges: number; requests: number; responses: number; flows: number; malformed: number };
}

/** What an HTTP server's requests show about where session state lives. */
export interface SessionState {
  kind: 'server-session' | 'client-token' | 'none';
  /** The session cookie (server-session). */
  cookie?: string;
  /** The token seen (client-token). */
  token?: TokenSummary;
  /** Plain words: who holds the session and what routing it needs. */
  description: string;
  /** Packets that show it (Set-Cookie, requests sending it back, requests carrying the token). */
  evidence: number[];
}
