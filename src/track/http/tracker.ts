/**
 * HTTP/1.x on reassembled TCP payload, recognised by content on any port: a stream is HTTP when its
 * client speaks first with a request line `METHOD SP target SP HTTP/1.x` (RFC 9112 §3). Requests
 * and responses pair up in order, so keep-alive and pipelined requests both work (RFC 9112 §9.3.2).
 * TLS and other protocols are left alone after their first bytes; nothing of them is decoded.
 *
 * Session evidence per server (ip:port): a cookie the server set (Set-Cookie) that a later request
 * sends back is a server-side session; a request carrying a self-contained signed token (a JWT in
 * Authorization or a cookie) is client-carried state. No secret value is kept (model/http.ts).
 */
import type { TcpStreamInfo, TcpStreamListener } from '../tcp/tracker.js';
import type { CookieRef, HttpExchangeReport, HttpReport, SessionState, TokenSummary } from '../../model/http.js';
import { endpointString } from '../../flow/endpoint.js';
import { HttpFramer, type BodyRule, type MessageHead } from './framing.js';
import { cookieSet, cookiesSent, jwtSummary, tokenSummary } from './tokens.js';
import { MemoryBudget } from '../memory-budget.js';
import { LruList } from '../lru-list.js';

/** Methods of RFC 9110 §9 and PATCH (RFC 5789): a line starting with one of them is meant as a request. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);
const REQUEST_LINE = /^([A-Z][A-Z_-]*) (\S+) HTTP\/(\d\.\d)$/;
const STATUS_LINE = /^HTTP\/(\d\.\d) (\d{3})(?: |$)/;
/** Evidence packets kept per server and kind. */
const MAX_EVIDENCE = 20;
/**
 * Estimated bytes of one followed connection besides its buffered head text: the Conn, its two
 * framers with their state objects, the map slot (V8, 64-bit, pointer compression; by the sizes of
 * the objects, as memory-budget.ts measures the other tables), plus a pointer per pending request.
 */
const CONN_BYTES = 400;
const PENDING_BYTES = 8;
/** A connection dropped at the budget keeps only this marker until its flow ends, so its later bytes are not mistaken for a new start. */
const MARKER_BYTES = 40;

interface Conn {
  info: TcpStreamInfo;
  /** Bytes charged to the budget for it now. */
  charged: number;
  /** null until the client's first bytes decide. */
  http: boolean | null;
  request: HttpFramer;
  response: HttpFramer;
  /** Requests awaiting their response, oldest first. */
  pending: HttpExchangeReport[];
  /** The server's and the client's ip:port as rows print them, made at the first request. */
  names: { server: string; client: string } | null;
  /** Neighbours in the least-recently-seen order (HttpTracker.order). */
  lruPrev: Conn | null;
  lruNext: Conn | null;
}

interface ServerEvidence {
  server: string;
  /** Cookies the server set: name|hash -> packet of the Set-Cookie. */
  issued: Map<string, number>;
  /** name -> evidence packets (Set-Cookie, then requests sending it back) and the flows that sent it back. */
  returned: Map<string, { packets: number[]; flows: Set<number> }>;
  token: TokenSummary | null;
  tokenPackets: number[];
  tokenFlows: Set<number>;
}

export interface HttpTrackerOptions {
  maxRecords: number;
  /** Estimated bytes the followed connections may take (--max-state-mb); default: no limit. */
  maxStateBytes?: number;
}

/**
 * Memory: one entry per live TCP flow that is (or may still be) HTTP, kept in least recently seen
 * order. A flow that turns out not to be HTTP is declined (the TCP tracker delivers nothing more
 * of it) and forgotten at once; an HTTP flow is forgotten when it ends (`end`) or when both
 * directions stop being readable. Past the --max-state-mb budget the least recently seen one is
 * dropped (counted in evictedForMemory).
 */
export class HttpTracker implements TcpStreamListener {
  /** Flow id -> its connection. */
  private readonly conns = new Map<number, Conn>();
  /**
   * The connections, least recently seen first: the budget drops from the front. Not the Map's own
   * order (delete and set again on every touch): V8 keeps a hole per deleted entry until it
   * rehashes, and reaching the first entry skips every hole.
   */
  private readonly order = new LruList<Conn>();
  /** Flows dropped at the budget: ignored until they end. */
  private readonly dropped = new Set<number>();
  private readonly budget: MemoryBudget;
  /** Connections dropped because the budget was reached. */
  evictedForMemory = 0;
  private readonly rows: HttpExchangeReport[] = [];
  private readonly malformed: HttpReport['malformed'] = [];
  private readonly servers = new Map<string, ServerEvidence>();
  private readonly counts = { exchanges: 0, requests: 0, responses: 0, flows: 0 };
  omitted = 0;

  constructor(private readonly options: HttpTrackerOptions) {
    this.budget = new MemoryBudget(options.maxStateBytes ?? Number.POSITIVE_INFINITY);
  }

  /** Flows it holds anything for now (connections followed, and markers of dropped ones). */
  get liveFlows(): number {
    return this.conns.size + this.dropped.size;
  }

  /** Estimated bytes held now. */
  get heldBytes(): number {
    return this.budget.bytes;
  }

  wants(_flow: TcpStreamInfo): boolean {
    return true; // by content, on any port: decided from the first bytes
  }

  data(flow: TcpStreamInfo, fromClient: boolean, bytes: Uint8Array, packet: number, time: number): boolean {
    if (this.dropped.has(flow.id)) return false;
    let conn = this.conns.get(flow.id);
    if (conn === undefined) {
      if (bytes.length === 0) return true;
      // The client speaks first in HTTP, and a request line starts with an upper-case token
      // (a TLS record starts with 0x16, SSH and SMTP servers speak first): otherwise decline it.
      if (!fromClient || bytes[0] < 0x41 || bytes[0] > 0x5a) return false;
      conn = this.newConn(flow);
      this.conns.set(flow.id, conn);
      this.order.push(conn);
    } else {
      this.order.moveToBack(conn);
    }
    (fromClient ? conn.request : conn.response).push(bytes, packet, time);
    if (conn.http === false || (conn.request.done && conn.response.done)) {
      // Not HTTP, or nothing more to read either way: forget it and decline the rest.
      this.forget(conn);
      return false;
    }
    this.recharge(conn);
    return true;
  }

  gap(flow: TcpStreamInfo, fromClient: boolean, _packet: number): void {
    const conn = this.conns.get(flow.id);
    if (conn) (fromClient ? conn.request : conn.response).gap();
  }

  end(flow: TcpStreamInfo): void {
    if (this.dropped.delete(flow.id)) this.budget.refund(MARKER_BYTES);
    const conn = this.conns.get(flow.id);
    if (conn !== undefined) this.forget(conn);
  }

  private forget(conn: Conn): void {
    this.conns.delete(conn.info.id);
    this.order.remove(conn);
    this.budget.refund(conn.charged);
    conn.charged = 0;
  }

  /** Charges a connection's estimate now; drops the least recently seen ones while over the budget. */
  private recharge(conn: Conn): void {
    const now = CONN_BYTES + conn.request.buffered + conn.response.buffered + PENDING_BYTES * conn.pending.length;
    this.budget.charge(now - conn.charged);
    conn.charged = now;
    while (this.budget.exceededBy(0)) {
      const oldest = this.order.oldest;
      if (oldest === null) break;
      this.forget(oldest);
      this.dropped.add(oldest.info.id);
      this.budget.charge(MARKER_BYTES);
      this.evictedForMemory++;
    }
  }

  finish(): HttpReport {
    this.rows.sort((a, b) => a.requestPacket - b.requestPacket);
    return {
      exchanges: this.rows,
      malformed: this.malformed,
      servers: [...this.servers.values()].map((s) => ({ server: s.server, sessionState: sessionState(s) })),
      summary: { ...this.counts, malformed: this.malformed.length },
    };
  }

  private newConn(info: TcpStreamInfo): Conn {
    const conn: Conn = { info, charged: 0, http: null, request: null as unknown as HttpFramer, response: null as unknown as HttpFramer, pending: [], names: null, lruPrev: null, lruNext: null };
    conn.request = new HttpFramer({
      head: (head) => this.request(conn, head),
      broken: (reason, packet) => this.broken(conn, reason, packet),
    });
    conn.response = new HttpFramer({
      head: (head) => this.response(conn, head),
      broken: () => conn.response.stop(),
    });
    return conn;
  }

  private broken(conn: Conn, reason: string, packet: number): void {
    if (conn.http !== false) this.malformed.push({ packet, flow: conn.info.id, reason });
    conn.request.stop();
    conn.response.stop();
  }

  private request(conn: Conn, head: MessageHead): BodyRule {
    const m = REQUEST_LINE.exec(head.startLine);
    if (m === null) {
      const method = head.startLine.split(' ')[0];
      if (conn.http === true || METHODS.has(method)) {
        this.broken(conn, `malformed request line "${printable(head.startLine)}"`, head.packet);
      } else {
        conn.http = false; // another protocol: nothing of it is decoded
        conn.request.stop();
        conn.response.stop();
      }
      return { kind: 'none' };
    }
    if (conn.http !== true) {
      conn.http = true;
      this.counts.flows++;
    }
    this.counts.requests++;
    const info = conn.info;
    // Every request of a keep-alive connection names the same two ends.
    conn.names ??= { server: endpointString(info.server, info.serverPort), client: endpointString(info.client, info.clientPort) };
    const server = conn.names.server;
    const field = (name: string): string | null => head.fields.find(([n]) => n === name)?.[1] ?? null;
    const cookies: CookieRef[] = [];
    const evidence = this.evidence(server);
    let token: TokenSummary | null = null;
    for (const [name, value] of head.fields) {
      if (name !== 'cookie') continue;
      for (const c of cookiesSent(value)) {
        cookies.push(c.ref);
        const jwt = jwtSummary(c.value);
        if (jwt !== null) token = jwt;
        else if (evidence.issued.has(`${c.ref.name}|${c.ref.hash}`)) {
          const r = evidence.returned.get(c.ref.name) ?? { packets: [evidence.issued.get(`${c.ref.name}|${c.ref.hash}`) as number], flows: new Set<number>() };
          if (r.packets.length < MAX_EVIDENCE) r.packets.push(head.packet);
          r.flows.add(info.id);
          evidence.returned.set(c.ref.name, r);
        }
      }
    }
    const authorization = field('authorization');
    let scheme: string | null = null;
    if (authorization !== null) {
      const [s, credentials] = authorization.split(/\s+/, 2);
      scheme = s;
      if (s.toLowerCase() === 'bearer' && credentials !== undefined) token = tokenSummary(credentials);
    }
    if (token !== null && token.kind === 'jwt') {
      evidence.token = token;
      if (evidence.tokenPackets.length < MAX_EVIDENCE) evidence.tokenPackets.push(head.packet);
      evidence.tokenFlows.add(info.id);
    }
    const row: HttpExchangeReport = {
      flow: info.id,
      client: conn.names.client,
      server,
      requestPacket: head.packet,
      responsePacket: null,
      method: m[1],
      host: field('host'),
      path: m[2].split('?')[0],
      status: null,
      version: `HTTP/${m[3]}`,
      cookiesSent: cookies,
      cookiesSet: [],
      authorization: scheme,
      token,
    };
    conn.pending.push(row);
    if (this.rows.length < this.options.maxRecords) this.rows.push(row);
    else this.omitted++;
    const te = field('transfer-encoding');
    if (te !== null && /chunked\s*$/i.test(te)) return { kind: 'chunked' };
    const length = Number.parseInt(field('content-length') ?? '0', 10);
    return Number.isFinite(length) && length > 0 ? { kind: 'length', length } : { kind: 'none' };
  }

  private response(conn: Conn, head: MessageHead): BodyRule {
    const m = STATUS_LINE.exec(head.startLine);
    if (m === null || conn.http !== true) {
      conn.response.stop();
      return { kind: 'none' };
    }
    const status = Number(m[2]);
    if (status >= 100 && status < 200) return { kind: 'none' }; // interim: the final response follows (RFC 9110 §15.2)
    this.counts.responses++;
    const row = conn.pending.shift();
    if (row !== undefined) {
      this.counts.exchanges++;
      row.responsePacket = head.packet;
      row.status = status;
      const evidence = this.evidence(row.server);
      for (const [name, value] of head.fields) {
        if (name !== 'set-cookie') continue;
        const c = cookieSet(value);
        if (c === null) continue;
        row.cookiesSet.push(c.ref);
        if (jwtSummary(c.value) === null) evidence.issued.set(`${c.ref.name}|${c.ref.hash}`, head.packet);
      }
    }
    const field = (name: string): string | null => head.fields.find(([n]) => n === name)?.[1] ?? null;
    // RFC 9112 §6.3: no body after HEAD, 204 and 304; then chunked, Content-Length, or until close.
    if (row?.method === 'HEAD' || status === 204 || status === 304) return { kind: 'none' };
    const te = field('transfer-encoding');
    if (te !== null && /chunked\s*$/i.test(te)) return { kind: 'chunked' };
    const length = field('content-length');
    if (length !== null) {
      const n = Number.parseInt(length, 10);
      return Number.isFinite(n) && n > 0 ? { kind: 'length', length: n } : { kind: 'none' };
    }
    return { kind: 'until-close' };
  }

  private evidence(server: string): ServerEvidence {
    let e = this.servers.get(server);
    if (e === undefined) {
      e = { server, issued: new Map(), returned: new Map(), token: null, tokenPackets: [], tokenFlows: new Set() };
      this.servers.set(server, e);
    }
    return e;
  }
}

function printable(line: string): string {
  const cut = line.length > 60 ? `${line.slice(0, 60)}…` : line;
  return cut.replace(/[^\x20-\x7e]/g, '.');
}

function sessionState(e: ServerEvidence): SessionState {
  const returned = [...e.returned.entries()].sort((a, b) => b[1].flows.size - a[1].flows.size);
  if (returned.length > 0) {
    const [name, r] = returned[0];
    const connections = r.flows.size;
    return {
      kind: 'server-session',
      cookie: name,
      description: `the server issued cookie ${name} (Set-Cookie at packet ${r.packets[0]}) and clients sent it back on ` +
        `${connections} later connection${connections === 1 ? '' : 's'} (packets ${r.packets.slice(1).join(', ')}): some store keeps ` +
        `per-session state; the backend is stateless only if that store is shared, otherwise it needs sticky routing by cookie ${name}`,
      evidence: r.packets,
    };
  }
  if (e.token !== null) {
    const t = e.token;
    const n = e.tokenFlows.size;
    return {
      kind: 'client-token',
      token: t,
      description: `requests carry a self-contained signed token (JWT, alg ${t.alg ?? '?'}, claims ${(t.claims ?? []).join(', ') || 'none'}) ` +
        `on ${n} connection${n === 1 ? '' : 's'}: the client carries the session state, so any backend can serve any request`,
      evidence: e.tokenPackets,
    };
  }
  return { kind: 'none', description: 'no session evidence: no cookie the server set came back, and no self-contained token', evidence: [] };
}
