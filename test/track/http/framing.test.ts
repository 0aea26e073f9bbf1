/**
 * HTTP/1.x framing of one direction (RFC 9112 §6): heads read line by line from bytes that may be
 * cut anywhere, bodies skipped by Content-Length or chunked coding, and the framer's quirks kept as
 * they are (a line's CR is dropped only right before its LF; a head ends at LF LF or CRLF CRLF).
 */
import { describe, expect, it } from 'vitest';
import { HttpFramer, MAX_HEAD, type BodyRule, type MessageHead } from '../../../src/track/http/framing.js';

interface Seen {
  heads: MessageHead[];
  broken: [string, number][];
  framer: HttpFramer;
}

/** Feeds `text` (latin1) cut at `cuts`, segment k as packet k + 1 at time k + 1; `rule` frames each head's body. */
function frame(text: string, cuts: number[] = [], rule: (h: MessageHead) => BodyRule = byFields): Seen {
  const heads: MessageHead[] = [];
  const broken: [string, number][] = [];
  const framer = new HttpFramer({
    head: (h) => {
      heads.push(h);
      return rule(h);
    },
    broken: (reason, packet) => broken.push([reason, packet]),
  });
  const bytes = Uint8Array.from(Buffer.from(text, 'latin1'));
  const bounds = [0, ...cuts, bytes.length];
  for (let k = 1; k < bounds.length; k++) framer.push(bytes.subarray(bounds[k - 1], bounds[k]), k, k);
  return { heads, broken, framer };
}

/** Chunked when Transfer-Encoding says so, else Content-Length, else no body. */
function byFields(h: MessageHead): BodyRule {
  const field = (name: string): string | undefined => h.fields.find(([n]) => n === name)?.[1];
  if (field('transfer-encoding') === 'chunked') return { kind: 'chunked' };
  const length = Number(field('content-length') ?? 0);
  return length > 0 ? { kind: 'length', length } : { kind: 'none' };
}

const GET = 'GET /a HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n';

describe('HTTP/1.x framing', () => {
  it('a head in one segment: start line, fields lower-cased and trimmed, its packet and time', () => {
    const { heads, framer } = frame(GET);
    expect(heads).toEqual([
      { startLine: 'GET /a HTTP/1.1', fields: [['host', 'example.com'], ['accept', '*/*']], packet: 1, time: 1 },
    ]);
    expect(framer.buffered).toBe(0);
  });

  it('the same head cut at every byte: the same head, dated by the segment of its first byte', () => {
    for (let cut = 1; cut < GET.length; cut++) {
      const { heads } = frame(GET, [cut]);
      expect(heads).toEqual([
        { startLine: 'GET /a HTTP/1.1', fields: [['host', 'example.com'], ['accept', '*/*']], packet: 1, time: 1 },
      ]);
    }
  });

  it('a line split across three segments, and its CRLF split between two', () => {
    const text = 'GET /a HTTP/1.1\r\nUser-Agent: curl/8.0\r\n\r\n';
    const cr = text.indexOf('\r', 20);
    const { heads, framer } = frame(text, [5, 23, cr + 1]);
    expect(heads.map((h) => [h.startLine, h.fields])).toEqual([['GET /a HTTP/1.1', [['user-agent', 'curl/8.0']]]]);
    expect(framer.buffered).toBe(0);
  });

  it('holds the bytes of an unfinished head and reports them as buffered', () => {
    const { heads, framer } = frame('GET /a HTTP/1.1\r\nHost: x\r\n');
    expect(heads).toEqual([]);
    expect(framer.buffered).toBe(26);
  });

  it('bare LF line ends, and LF LF ends the head', () => {
    const { heads } = frame('GET / HTTP/1.0\nHost: a\nX-Y:  z \n\n');
    expect(heads.map((h) => [h.startLine, h.fields])).toEqual([['GET / HTTP/1.0', [['host', 'a'], ['x-y', 'z']]]]);
  });

  it('a CRLF line after a bare LF line does not end the head (the next blank line does)', () => {
    const { heads } = frame('GET / HTTP/1.1\nA: 1\n\r\nB: 2\r\n\r\n');
    expect(heads.map((h) => h.fields)).toEqual([[['a', '1'], ['b', '2']]]);
    // After a CRLF line the same CRLF line ends it, and the rest is the next head.
    const crlf = frame('GET / HTTP/1.1\nA: 1\r\n\r\nB: 2\r\n\r\n');
    expect(crlf.heads.map((h) => [h.startLine, h.fields])).toEqual([['GET / HTTP/1.1', [['a', '1']]], ['B: 2', []]]);
  });

  it('only the CR right before LF is dropped: a second one stays in the start line', () => {
    const { heads } = frame('GET / HTTP/1.1\r\r\nA:\tv\r\r\n\r\n');
    expect(heads.map((h) => [h.startLine, h.fields])).toEqual([['GET / HTTP/1.1\r', [['a', 'v']]]]);
  });

  it('obs-fold is not unfolded: a continuation line with a colon is a field of its own, one without is dropped', () => {
    const { heads } = frame('GET / HTTP/1.1\r\nX-Long: a\r\n  b: c\r\n\tcontinued\r\n\r\n');
    expect(heads[0].fields).toEqual([['x-long', 'a'], ['b', 'c']]);
  });

  it('lines without a colon past their first byte are not fields; names and values keep inner spaces', () => {
    const { heads } = frame('GET / HTTP/1.1\r\n:no-name\r\nnocolon\r\nName Part : v1 : v2 \r\nEmpty:\r\n\r\n');
    expect(heads[0].fields).toEqual([['name part', 'v1 : v2'], ['empty', '']]);
  });

  it('bytes are latin1: NBSP is trimmed like a space, other high bytes are kept and lower-cased', () => {
    const { heads } = frame('GET / HTTP/1.1\r\nX-\xc9T\xe9: \xa0caf\xe9\xa0\r\n\r\n');
    expect(heads[0].fields).toEqual([['x-\xe9t\xe9', 'caf\xe9']]);
  });

  it('blank lines before a request are skipped (RFC 9112 §2.2), and the head is dated by its own first byte', () => {
    const { heads } = frame('\r\n\r\n\nGET / HTTP/1.1\r\n\r\n', [3]);
    expect(heads.map((h) => [h.startLine, h.packet])).toEqual([['GET / HTTP/1.1', 2]]);
  });

  it('a Content-Length body is skipped across segments, then the next head is read', () => {
    const text = 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789HTTP/1.1 204 No Content\r\n\r\n';
    const { heads, framer } = frame(text, [40, 45, 52]);
    expect(heads.map((h) => [h.startLine, h.packet])).toEqual([['HTTP/1.1 200 OK', 1], ['HTTP/1.1 204 No Content', 3]]);
    expect(framer.buffered).toBe(0);
  });

  it('chunked: sizes in hex with extensions and white space, chunk data with its CRLF, trailers, then the next head', () => {
    const body = '1a;name=value\r\n' + 'x'.repeat(26) + '\r\n' + ' 5 \r\nhello\r\n0\r\nTrailer: t\r\n\r\n';
    const text = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' + body + 'HTTP/1.1 304 Not Modified\r\n\r\n';
    for (const cuts of [[], [49], [50, 51], [text.indexOf('hello') + 2, text.indexOf('Trailer') + 3]]) {
      const { heads, broken, framer } = frame(text, cuts);
      expect(heads.map((h) => h.startLine)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 304 Not Modified']);
      expect(broken).toEqual([]);
      expect(framer.dead).toBe(false);
    }
  });

  it('a chunk size with a 0x prefix is read as parseInt reads it', () => {
    const text = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x3\r\nabc\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n';
    expect(frame(text).heads).toHaveLength(2);
  });

  it('a bad or negative chunk size ends the framing, reported at the head\'s packet', () => {
    for (const size of ['zz', '-1', '']) {
      const text = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${size}\r\nmore`;
      const { broken, framer } = frame(text, [10, 48]);
      expect(broken).toEqual([['bad chunk size', 1]]);
      expect(framer.dead).toBe(true);
    }
  });

  it('a body until the end of the connection: nothing more is read', () => {
    const { heads, framer } = frame('HTTP/1.0 200 OK\r\n\r\nGET / HTTP/1.1\r\n\r\n', [], () => ({ kind: 'until-close' }));
    expect(heads).toHaveLength(1);
    expect(framer.done).toBe(true);
    expect(framer.dead).toBe(false);
    framer.gap();
    expect(framer.dead).toBe(false);
  });

  it('a gap makes the framer dead; so does stop(), which lets go of the held bytes but not their count', () => {
    const g = frame('GET / HTTP/1.1\r\nHo');
    g.framer.gap();
    expect([g.framer.dead, g.framer.done]).toEqual([true, true]);
    g.framer.push(Buffer.from(GET), 9, 9);
    expect(g.heads).toEqual([]);
  });

  it('a head longer than MAX_HEAD is broken at the packet of its first byte, its bytes still counted', () => {
    const line = `X: ${'a'.repeat(1000)}\r\n`;
    const text = 'GET / HTTP/1.1\r\n' + line.repeat(Math.ceil(MAX_HEAD / line.length));
    const { heads, broken, framer } = frame(text, [100, 30_000]);
    expect(heads).toEqual([]);
    expect(broken).toEqual([[`head longer than ${MAX_HEAD} bytes`, 1]]);
    expect(framer.dead).toBe(true);
    expect(framer.buffered).toBeGreaterThan(MAX_HEAD);
  });
});
