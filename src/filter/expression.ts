/**
 * `--filter EXPR`: the common subset of pcap-filter(7), the language of tcpdump and Wireshark's
 * capture filters: `host`, `net` (CIDR, `mask`, or a dotted prefix), `port`, `portrange`,
 * `src`/`dst` (and `src or dst`, `src and dst`), `tcp`, `udp`, `icmp`, `icmp6`, `ip`, `ip6`,
 * `vlan [id]`, combined with `and`/`&&`, `or`/`||`, `not`/`!` and parentheses. As in pcap-filter,
 * `not` binds tightest, `and` and `or` share one precedence and associate left, and a bare value
 * after `and`/`or` repeats the previous qualifiers ("host a or b" is "host a or host b").
 * Host names are not resolved: a filter means the same on every machine.
 */
import { ipBytes, ipv4Bytes } from './ip-bytes.js';

export type Proto = 'ip' | 'ip6' | 'tcp' | 'udp' | 'icmp' | 'icmp6';
export type Dir = 'src' | 'dst' | 'src or dst' | 'src and dst';

export type Test =
  | { kind: 'proto'; proto: Proto }
  | { kind: 'host'; proto?: Proto; dir: Dir; address: Uint8Array }
  | { kind: 'net'; proto?: Proto; dir: Dir; address: Uint8Array; bits: number }
  | { kind: 'port'; proto?: Proto; dir: Dir; low: number; high: number }
  | { kind: 'vlan'; id: number | null };

export type FilterNode =
  | { op: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { op: 'not'; operand: FilterNode }
  | { op: 'test'; test: Test };

/** A bad expression: `position` is the 1-based column of the offending token. */
export class FilterSyntaxError extends Error {
  constructor(readonly position: number, readonly problem: string) {
    super(`position ${position}: ${problem}`);
  }
}

interface Token { text: string; at: number }

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(\(|\)|&&|\|\||!|[^\s()!&|]+|[&|])/y;
  let m: RegExpExecArray | null;
  re.lastIndex = 0;
  while (re.lastIndex < source.length && (m = re.exec(source)) !== null) {
    if (m[1] === undefined) break;
    tokens.push({ text: m[1], at: m.index + m[0].length - m[1].length + 1 });
  }
  return tokens;
}

const PROTOS = new Set<string>(['ip', 'ip6', 'tcp', 'udp', 'icmp', 'icmp6']);
const TYPES = new Set(['host', 'net', 'port', 'portrange']);
const KEYWORDS = new Set([...PROTOS, ...TYPES, 'src', 'dst', 'and', 'or', 'not', 'vlan', 'mask', '&&', '||', '!', '(', ')']);

/** Service names pcap-filter users write most (from /etc/services), so a filter needs no lookup. */
const SERVICES: Record<string, number> = {
  ftp: 21, ssh: 22, telnet: 23, smtp: 25, domain: 53, bootps: 67, bootpc: 68, http: 80, pop3: 110, ntp: 123,
  imap: 143, snmp: 161, ldap: 389, https: 443, submission: 587, imaps: 993, pop3s: 995, mdns: 5353,
};

interface Qualifiers { proto?: Proto; dir?: Dir; type?: string }

class Parser {
  private i = 0;
  private last: Qualifiers | null = null;

  constructor(private readonly tokens: Token[], private readonly length: number) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }

  private found(): string {
    const t = this.peek();
    return t === undefined ? 'the end of the expression' : `'${t.text}'`;
  }

  private fail(problem: string): never {
    throw new FilterSyntaxError(this.peek()?.at ?? this.length + 1, `${problem}, found ${this.found()}`);
  }

  parse(): FilterNode {
    if (this.tokens.length === 0) throw new FilterSyntaxError(1, 'the expression is empty');
    const node = this.expression();
    if (this.peek() !== undefined) this.fail("expected 'and', 'or' or the end");
    return node;
  }

  private expression(): FilterNode {
    let left = this.unary();
    for (;;) {
      const t = this.peek()?.text;
      if (t !== 'and' && t !== '&&' && t !== 'or' && t !== '||') return left;
      this.i++;
      left = { op: t === 'and' || t === '&&' ? 'and' : 'or', left, right: this.unary() };
    }
  }

  private unary(): FilterNode {
    const t = this.peek()?.text;
    if (t === 'not' || t === '!') {
      this.i++;
      return { op: 'not', operand: this.unary() };
    }
    if (t === '(') {
      this.i++;
      const inner = this.expression();
      if (this.peek()?.text !== ')') this.fail("expected ')'");
      this.i++;
      return inner;
    }
    return { op: 'test', test: this.primitive() };
  }

  private primitive(): Test {
    const start = this.peek();
    if (start === undefined) this.fail('expected a primitive (host, net, port, tcp, ...)');
    if (start.text === 'vlan') {
      this.i++;
      const id = this.peek();
      if (id !== undefined && /^\d+$/.test(id.text)) {
        this.i++;
        if (Number(id.text) > 4095) throw new FilterSyntaxError(id.at, `VLAN ID ${id.text} is above 4095`);
        return { kind: 'vlan', id: Number(id.text) };
      }
      return { kind: 'vlan', id: null };
    }
    const q: Qualifiers = {};
    let any = false;
    if (PROTOS.has(start.text)) {
      q.proto = start.text as Proto;
      this.i++;
      any = true;
    }
    const dir = this.peek()?.text;
    if (dir === 'src' || dir === 'dst') {
      this.i++;
      any = true;
      const joiner = this.peek()?.text;
      const other = this.peek(1)?.text;
      if ((joiner === 'or' || joiner === 'and') && (other === 'src' || other === 'dst') && other !== dir) {
        this.i += 2;
        q.dir = joiner === 'or' ? 'src or dst' : 'src and dst';
      } else q.dir = dir;
    }
    const type = this.peek()?.text;
    if (type !== undefined && TYPES.has(type)) {
      q.type = type;
      this.i++;
      any = true;
    }
    if (q.proto !== undefined && q.dir === undefined && q.type === undefined) {
      // "tcp" alone, unless a value follows ("ip 10.0.0.1" is "ip host 10.0.0.1").
      const next = this.peek();
      if (next === undefined || KEYWORDS.has(next.text)) return { kind: 'proto', proto: q.proto };
    }
    if (!any) {
      // "host a or b": a bare value repeats the previous qualifiers.
      if (this.last === null || KEYWORDS.has(start.text)) this.fail('expected a primitive (host, net, port, portrange, tcp, udp, icmp, ip, ip6, vlan)');
      Object.assign(q, this.last);
    }
    this.last = { ...q };
    return this.value(q);
  }

  private value(q: Qualifiers): Test {
    const t = this.peek();
    const type = q.type ?? 'host';
    const dir: Dir = q.dir ?? 'src or dst';
    const what = q.type ?? q.dir ?? q.proto ?? '';
    if (t === undefined || KEYWORDS.has(t.text)) {
      this.fail(`expected ${type === 'port' ? 'a port number or name' : type === 'portrange' ? 'a port range like 8000-8080' : type === 'net' ? 'a network like 10.0.0.0/8' : 'an IPv4 or IPv6 address'} after '${what}'`);
    }
    this.i++;
    if ((type === 'port' || type === 'portrange') && (q.proto === 'ip' || q.proto === 'ip6' || q.proto === 'icmp' || q.proto === 'icmp6')) {
      throw new FilterSyntaxError(t.at, `'${q.proto}' has no ports: use tcp, udp or no protocol`);
    }
    if (type === 'port') return { kind: 'port', proto: q.proto, dir, ...this.port(t, t.text) };
    if (type === 'portrange') {
      const m = /^([^-]+)-([^-]+)$/.exec(t.text);
      if (m === null) throw new FilterSyntaxError(t.at, `'${t.text}' is not a port range like 8000-8080`);
      const low = this.port(t, m[1]).low;
      const high = this.port(t, m[2]).low;
      return { kind: 'port', proto: q.proto, dir, low: Math.min(low, high), high: Math.max(low, high) };
    }
    if (type === 'net') return { kind: 'net', proto: q.proto, dir, ...this.net(t) };
    const address = ipBytes(t.text);
    if (address === null) {
      throw new FilterSyntaxError(t.at, /^[a-z][\w.-]*$/i.test(t.text)
        ? `'${t.text}' is not an address (host names are not resolved)` : `'${t.text}' is not an IPv4 or IPv6 address`);
    }
    this.checkFamily(t, q.proto, address);
    return { kind: 'host', proto: q.proto, dir, address };
  }

  private checkFamily(t: Token, proto: Proto | undefined, address: Uint8Array): void {
    if ((proto === 'ip' || proto === 'icmp') && address.length !== 4) throw new FilterSyntaxError(t.at, `'${t.text}' is not an IPv4 address, as '${proto}' needs`);
    if ((proto === 'ip6' || proto === 'icmp6') && address.length !== 16) throw new FilterSyntaxError(t.at, `'${t.text}' is not an IPv6 address, as '${proto}' needs`);
  }

  private port(t: Token, text: string): { low: number; high: number } {
    const n = /^\d+$/.test(text) ? Number(text) : SERVICES[text.toLowerCase()];
    if (n === undefined || n > 65535) throw new FilterSyntaxError(t.at, `'${text}' is not a port number (0-65535) or a known service name`);
    return { low: n, high: n };
  }

  private net(t: Token): { address: Uint8Array; bits: number } {
    let address: Uint8Array | null;
    let bits: number;
    const slash = t.text.indexOf('/');
    if (slash >= 0) {
      address = ipBytes(t.text.slice(0, slash));
      bits = /^\d+$/.test(t.text.slice(slash + 1)) ? Number(t.text.slice(slash + 1)) : -1;
    } else if (this.peek()?.text === 'mask') {
      this.i++;
      const m = this.peek();
      address = ipv4Bytes(t.text);
      const mask = m === undefined ? null : ipv4Bytes(m.text);
      if (m === undefined || mask === null) this.fail("expected an IPv4 mask after 'mask'");
      this.i++;
      const value = ((mask[0] << 24) | (mask[1] << 16) | (mask[2] << 8) | mask[3]) >>> 0;
      bits = 32 - Math.log2(((~value >>> 0) + 1) || 2 ** 32);
      if (!Number.isInteger(bits)) throw new FilterSyntaxError(m.at, `mask '${m.text}' is not contiguous`);
    } else if (/^\d+(\.\d+){0,3}$/.test(t.text)) {
      // pcap-filter: "net 10" is 10.0.0.0/8, "net 192.168" is 192.168.0.0/16.
      const parts = t.text.split('.');
      address = ipv4Bytes([...parts, '0', '0', '0'].slice(0, 4).join('.'));
      bits = 8 * parts.length;
    } else {
      address = ipBytes(t.text);
      bits = address === null ? -1 : address.length * 8;
    }
    if (address === null) throw new FilterSyntaxError(t.at, `'${t.text}' is not a network like 10.0.0.0/8 or 2001:db8::/32`);
    if (bits < 0 || bits > address.length * 8) throw new FilterSyntaxError(t.at, `'${t.text}' has a prefix length outside 0-${address.length * 8}`);
    return { address, bits };
  }
}

/** Parses a pcap-filter expression, or throws a FilterSyntaxError naming the position. */
export function parseFilter(source: string): FilterNode {
  const tokens = tokenize(source);
  const stray = tokens.find((t) => t.text === '&' || t.text === '|');
  if (stray !== undefined) throw new FilterSyntaxError(stray.at, `'${stray.text}' is not an operator (use && or ||)`);
  return new Parser(tokens, source.length).parse();
}
