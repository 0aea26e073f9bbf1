/**
 * Where JSON text stops being JSON, for one-line errors that name the line and column instead of
 * echoing the text: V8's messages quote the input, which for a binary file is terminal garbage.
 * A small recursive-descent scan of RFC 8259's grammar; it only locates, JSON.parse still parses.
 */

export interface JsonProblem {
  /** 0-based UTF-16 offset in the text. */
  offset: number;
  line: number;
  column: number;
  /** What was found there, printable: "'}'", "byte 0x00", "the end of the file". */
  found: string;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

class Stop extends Error {
  constructor(readonly offset: number) {
    super('stop');
  }
}

/** The first offset at which `text` is not JSON, or null when it is JSON. */
function firstBadOffset(text: string): number | null {
  let i = 0;
  const ws = () => { while (i < text.length && WS.has(text.charCodeAt(i))) i++; };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) throw new Stop(i);
      i++;
    }
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) throw new Stop(i);
      const c = text.charCodeAt(i);
      if (c === 0x22) { i++; return; }
      if (c < 0x20) throw new Stop(i);
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Stop(i);
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else throw new Stop(i);
      } else i++;
    }
  };
  const number = () => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m === null || m[0] === '' || m[0] === '-') throw new Stop(i);
    i += m[0].length;
  };
  const value = (depth: number): void => {
    if (depth > 512) throw new Stop(i);
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        ws();
        if (text[i] !== '"') throw new Stop(i);
        string();
        ws();
        if (text[i] !== ':') throw new Stop(i);
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return; }
        throw new Stop(i);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') { i++; return; }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return; }
        throw new Stop(i);
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    return number();
  };
  try {
    if (text.charCodeAt(0) === 0xfeff) i = 1; // a byte-order mark, which JSON.parse would refuse too
    value(0);
    ws();
    return i < text.length ? i : null;
  } catch (e) {
    if (e instanceof Stop) return e.offset;
    throw e;
  }
}

function describeAt(text: string, offset: number): string {
  if (offset >= text.length) return 'the end of the file';
  const code = text.charCodeAt(offset);
  if (code === 0xfffd) return 'a byte that is not UTF-8 text';
  if (code >= 0x21 && code <= 0x7e) return `'${text[offset]}'`;
  return `character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Where `text` is not JSON (null when it is), as line and column (1-based) and what was found. */
export function locateJsonProblem(text: string): JsonProblem | null {
  const offset = firstBadOffset(text);
  if (offset === null) return null;
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text.charCodeAt(k) === 0x0a) {
      line++;
      lineStart = k + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1, found: describeAt(text, offset) };
}

/** "not valid JSON at line 3, column 7: found '}'" (never the text itself). */
export function jsonProblemText(text: string): string {
  const p = locateJsonProblem(text);
  if (p === null) return 'not valid JSON';
  return `not valid JSON at line ${p.line}, column ${p.column}: found ${p.found}`;
}
