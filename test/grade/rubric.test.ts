/** Rubric validation: every problem is reported, naming the item and the field, before any grading. */
import { describe, expect, it } from 'vitest';
import { parseRubric, validateRubric } from '../../src/grade/rubric.js';

const good = {
  title: 'Lab 3',
  items: [
    { id: 'handshake', points: 2, description: 'a complete TCP connection to port 80, closed with FIN', expect: ['tcp.connState.SF >= 1'], where: { serverPort: 80 } },
    { id: 'dns', points: 1, description: 'an answered DNS query for example.com', expect: ['dns.answered >= 1'], where: { qname: 'example.com' } },
  ],
};

function errorsOf(value: unknown): string[] {
  const result = validateRubric(value);
  return 'errors' in result ? result.errors : [];
}

function withItem(patch: Record<string, unknown>, drop: string[] = []): unknown {
  const item: Record<string, unknown> = { ...good.items[0], ...patch };
  for (const key of drop) delete item[key];
  return { title: 'Lab 3', items: [item] };
}

describe('validateRubric', () => {
  it('accepts the issue example and sums the points', () => {
    const result = validateRubric(good);
    expect('rubric' in result && result.rubric.maxScore).toBe(3);
    expect('rubric' in result && result.rubric.items.map((i) => [i.id, i.expect[0].metric, i.where])).toEqual([
      ['handshake', 'tcp.connState.SF', { serverPort: 80 }], ['dns', 'dns.answered', { qname: 'example.com' }],
    ]);
  });

  it.each<[string, unknown, string]>([
    ['missing points', withItem({}, ['points']), 'item 1 ("handshake"), field "points": missing'],
    ['points of the wrong type', withItem({ points: '2' }), 'item 1 ("handshake"), field "points": must be a number >= 0, got "2"'],
    ['negative points', withItem({ points: -1 }), 'item 1 ("handshake"), field "points": must be a number >= 0, got -1'],
    ['an unknown metric', withItem({ expect: ['tcp.connstate.SF >= 1'] }), 'item 1 ("handshake"), field "expect[0]": expectation "tcp.connstate.SF >= 1": unknown metric "tcp.connstate.SF"'],
    ['an expectation that is not a string', withItem({ expect: [3] }), 'item 1 ("handshake"), field "expect[0]": must be a string, got a number'],
    ['expect not an array', withItem({ expect: 'tcp.flows >= 1' }), 'item 1 ("handshake"), field "expect": must be a non-empty array of expectation strings, got a string'],
    ['an empty expect', withItem({ expect: [] }), 'item 1 ("handshake"), field "expect": must be a non-empty array'],
    ['missing expect', withItem({}, ['expect']), 'item 1 ("handshake"), field "expect": missing'],
    ['an unknown where key', withItem({ where: { port: 80 } }), 'item 1 ("handshake"), field "where": unknown key "port" (known: serverPort, clientPort, server, client, qname, qtype, serverName, transport)'],
    ['a where port of the wrong type', withItem({ where: { serverPort: '80' } }), 'item 1 ("handshake"), field "where": serverPort: must be a port number 0-65535, got "80"'],
    ['a bad transport', withItem({ where: { transport: 'sctp' } }), 'item 1 ("handshake"), field "where": transport: must be "tcp", "udp" or "quic", got "sctp"'],
    ['where not an object', withItem({ where: [80] }), 'item 1 ("handshake"), field "where": must be an object'],
    ['a missing id', withItem({}, ['id']), 'item 1, field "id": missing'],
    ['a description of the wrong type', withItem({ description: 5 }), 'item 1 ("handshake"), field "description": must be a string, got a number'],
    ['an unknown item field', withItem({ score: 2 }), 'item 1 ("handshake"), field "score": unknown field'],
    ['an item that is not an object', { items: ['handshake'] }, 'item 1: must be an object, got a string'],
    ['no items', { title: 'x' }, 'rubric, field "items": missing'],
    ['empty items', { items: [] }, 'rubric, field "items": must be a non-empty array'],
    ['a title of the wrong type', { ...good, title: 3 }, 'rubric, field "title": must be a string, got a number'],
    ['an unknown top-level field', { ...good, item: [] }, 'rubric, field "item": unknown field'],
    ['not an object', [good], 'rubric: must be a JSON object with "title" and "items", got an array'],
  ])('rejects %s', (_, value, message) => {
    expect(errorsOf(value).join('\n')).toContain(message);
  });

  it('rejects a duplicate id', () => {
    expect(errorsOf({ items: [good.items[0], good.items[0]] })).toEqual(['item 2 ("handshake"), field "id": "handshake" is used by an earlier item']);
  });

  it('reports every problem at once, each naming its item', () => {
    const errors = errorsOf({ items: [{ ...good.items[0], points: 'x' }, { id: 'b', expect: ['nope > 1'] }] });
    expect(errors).toEqual([
      'item 1 ("handshake"), field "points": must be a number >= 0, got "x"',
      'item 2 ("b"), field "points": missing',
      'item 2 ("b"), field "expect[0]": expectation "nope > 1": unknown metric "nope" (families: capture, limits, tcp, dns, quic, endpoints, endpoint[...])',
    ]);
  });
});

describe('parseRubric', () => {
  it('prefixes errors with the file name', () => {
    expect(parseRubric('{"items": []}', 'lab3.json')).toEqual({ errors: ['lab3.json: rubric, field "items": must be a non-empty array, got an array'] });
  });

  it('rejects text that is not JSON', () => {
    // Column 3 is the "i" of the unquoted key.
    expect(parseRubric('{ items: [] }', 'lab3.json')).toEqual({ errors: ["lab3.json: not valid JSON at line 1, column 3: found 'i'"] });
    // A trailing comma on line 3: the "}" after it, at column 1.
    expect(parseRubric('{"items": [\n  1,\n]}', 'lab3.json')).toEqual({ errors: ["lab3.json: not valid JSON at line 3, column 1: found ']'"] });
    expect(parseRubric('{"items": [', 'lab3.json')).toEqual({ errors: ['lab3.json: not valid JSON at line 1, column 12: found the end of the file'] });
  });

  it('keeps the hint and defaults the title', () => {
    const result = parseRubric(JSON.stringify({ items: [{ id: 'a', points: 0.5, expect: ['tcp.flows >= 1'], hint: 'run curl' }] }));
    expect('rubric' in result && [result.rubric.title, result.rubric.maxScore, result.rubric.items[0].hint, result.rubric.items[0].description])
      .toEqual(['Rubric', 0.5, 'run curl', '']);
  });
});
