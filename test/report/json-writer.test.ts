/**
 * The incremental JSON writer (src/report/json-writer.ts) against JSON.stringify: the same text
 * for real reports and edge-case values, whatever the piece budget, chunk sizes bounded by one
 * chunk plus one element, and backpressure honoured on a slow stream.
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/pipeline.js';
import type { AnyReport, Report, TcpFlowReport } from '../../src/report/schema.js';
import { ChunkedWriter, DEFAULT_CHUNK_SIZE, jsonPieces, writeJson } from '../../src/report/json-writer.js';
import { makeReport, sampleReport, tcpFlow } from './factory.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const fixtureNames = readdirSync(FIXTURES).filter((n) => n.endsWith('.pcap')).sort();

/** Budgets: the default (small values whole), small ones that take most values apart, and 0 (everything). */
const BUDGETS = [DEFAULT_CHUNK_SIZE, 256, 16, 0];

function joined(value: unknown, budget?: number): string {
  let text = '';
  for (const piece of jsonPieces(value, budget)) text += piece;
  return text;
}

/** A Writable that keeps every write; `delay` ms per write makes it slow. */
class Recorder extends Writable {
  readonly writes: string[] = [];
  /** writableLength when each write() was called: what was still buffered. */
  readonly bufferedAtWrite: number[] = [];
  falseReturns = 0;

  constructor(highWaterMark: number, private readonly delay = 0) {
    super({ highWaterMark, decodeStrings: false });
  }

  override write(chunk: string): boolean {
    this.bufferedAtWrite.push(this.writableLength);
    const ok = super.write(chunk);
    if (!ok) this.falseReturns++;
    return ok;
  }

  override _write(chunk: string | Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writes.push(chunk.toString());
    if (this.delay > 0) setTimeout(callback, this.delay);
    else callback();
  }

  get text(): string {
    return this.writes.join('');
  }
}

describe('jsonPieces gives the text of JSON.stringify', () => {
  describe('for the reports of the bundled fixtures', async () => {
    const reports: [string, AnyReport][] = [];
    for (const name of fixtureNames) reports.push([name, await analyzeCapture(`${FIXTURES}${name}`)]);

    it('finds the fixtures', () => {
      expect(fixtureNames.length).toBeGreaterThanOrEqual(6);
    });

    for (const budget of BUDGETS) {
      it(`with a budget of ${budget}`, () => {
        for (const [name, report] of reports) expect(joined(report, budget), name).toBe(JSON.stringify(report));
      });
    }
  });

  it('for the hand-built sample report', () => {
    const report = sampleReport();
    for (const budget of BUDGETS) expect(joined(report, budget)).toBe(JSON.stringify(report));
  });

  const controls = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).join('');
  const sparse: unknown[] = [1, , 3]; // eslint-disable-line no-sparse-arrays
  sparse.length = 5;
  const nullProto: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  nullProto.a = 1;
  nullProto.b = [nullProto.a, { c: undefined }];
  class Point { constructor(readonly x: number, readonly y: number) {} }
  const keyed = { toJSON: (key: string) => `key=${key}` };

  const cases: [string, unknown][] = [
    ['empty object', {}],
    ['empty array', []],
    ['nested empties', { a: [], b: {}, c: [[], [{}], [[[]]]], d: { e: { f: {} } }, g: [{}, []] }],
    ['control characters', controls],
    ['control characters in keys and values', { [controls]: controls, 'q"b\\s/': 'q"b\\s/' }],
    ['unicode', { 'ключ': 'значение', emoji: '😀👍🏽', cjk: '漢字', separators: '\u2028\u2029', bom: '\ufeff', del: '\u007f' }],
    ['lone surrogates', ['\ud800', '\udfff', 'a\ud83dz', '\ude00\ud83d', { '\ud800': '\udc00' }]],
    ['numbers', [0, -0, 1, -1, 0.1, 1e21, 1e-7, 123456789012345680000, Number.MAX_VALUE, Number.MIN_VALUE, Number.MAX_SAFE_INTEGER, 1714564800.123456]],
    ['non-finite numbers', { nan: NaN, inf: Infinity, ninf: -Infinity, list: [NaN, Infinity, -Infinity, -0] }],
    ['booleans and null', { t: true, f: false, n: null, list: [true, false, null] }],
    ['undefined properties', { a: undefined, b: 1, c: undefined, d: { e: undefined }, f: [undefined] }],
    ['only undefined properties', { a: undefined, b: () => 1, c: Symbol('s') }],
    ['undefined, functions and symbols in arrays', [undefined, () => 1, Symbol('s'), null]],
    ['sparse array', sparse],
    ['integer-like keys', { b: 1, 2: 'two', a: 3, 1: 'one', '-1': 'minus', '01': 'zero-one' }],
    ['null prototype', nullProto],
    ['class instance', new Point(1, 2)],
    ['Map, Set and typed array', { map: new Map([[1, 2]]), set: new Set([1]), bytes: new Uint8Array([1, 2, 3]) }],
    ['boxed primitives', [new Number(3), new String('s'), new Boolean(false), { n: new Number(-0) }]],
    ['Date', { when: new Date(Date.UTC(2024, 4, 1, 12)), list: [new Date(0)], bad: new Date(NaN) }],
    ['toJSON receives the key', { first: keyed, list: [keyed, keyed], nested: { deep: [0, keyed] } }],
    ['toJSON returning a large object', { big: { toJSON: () => ({ values: Array.from({ length: 100 }, (_, i) => i) }) } }],
    ['toJSON returning undefined', { gone: { toJSON: () => undefined }, list: [{ toJSON: () => undefined }] }],
    ['shared (not circular) references', (() => { const s = { x: [1, 2] }; return { a: s, b: [s, s] }; })()],
    ['a long array of small objects', Array.from({ length: 2000 }, (_, i) => ({ i, s: `item ${i}`, f: i / 3 }))],
    // Runs sized by earlier elements: small ones, then ones far larger than the run's guess, with
    // toJSON elements (which must get their own index as key) and holes between them.
    ['a long array of mixed sizes', [
      ...Array.from({ length: 500 }, (_, i) => i), { big: 'y'.repeat(300_000) }, ...Array.from({ length: 50 }, (_, i) => [i, 'z'.repeat(i * 50)]),
      keyed, 7, keyed, undefined, { toJSON: () => undefined }, ...Array.from({ length: 300 }, (_, i) => ({ i })),
    ]],
    ['a long string', 'x'.repeat(200_000)],
    ['strings alone', ['', '"', '\\', 'plain']],
    ['top-level primitives', [1, 'a', null, true]],
  ];

  for (const [name, value] of cases) {
    it(`for ${name}`, () => {
      for (const budget of BUDGETS) expect(joined(value, budget), `budget ${budget}`).toBe(JSON.stringify(value));
    });
  }

  // The bytes writer encodes each piece into its chunk (Latin-1 copy for ASCII, else UTF-8) and
  // drops the brackets of runs in place: tiny chunks force pieces to straddle chunks and buffers
  // to grow, and the Latin-1 range (é, ÿ: one byte in V8, two in UTF-8) must not take the ASCII path.
  const wide = ['é', 'ÿ', '…', '§', '😀', 'ascii', '\u0080'];
  const mixedRows = Array.from({ length: 3000 }, (_, i) => ({ i, s: `${wide[i % wide.length]}${'x'.repeat(i % 97)}`, f: -i / 7 }));
  for (const [name, value] of [...cases, ['rows with multi-byte characters', mixedRows] as [string, unknown]]) {
    it(`writeJson writes the UTF-8 bytes of JSON.stringify for ${name}`, async () => {
      const expected = JSON.stringify(value);
      if (expected === undefined) return;
      for (const chunkSize of [1, 7, 256, DEFAULT_CHUNK_SIZE]) {
        const chunks: Buffer[] = [];
        const out = new Writable({ write(chunk: Buffer, _e, cb) { chunks.push(chunk); cb(); } });
        await writeJson(out, value, { chunkSize, before: 'é[', after: ']\n' });
        expect(Buffer.concat(chunks).equals(Buffer.from(`é[${expected}]\n`)), `chunk size ${chunkSize}`).toBe(true);
      }
    });
  }

  it('for top-level primitives one by one', () => {
    for (const v of [0, -0, NaN, 'a\u0000', true, null]) expect(joined(v, 0)).toBe(JSON.stringify(v));
  });

  it('as nothing where JSON.stringify returns undefined', () => {
    for (const v of [undefined, () => 1, Symbol('s')]) {
      expect(JSON.stringify(v)).toBeUndefined();
      expect([...jsonPieces(v, 0)]).toEqual([]);
    }
  });

  it('throwing where JSON.stringify throws: BigInt and circular structures', () => {
    expect(() => joined({ a: [1n] }, 0)).toThrow(TypeError);
    const circular: Record<string, unknown> = { name: 'loop', list: [] };
    (circular.list as unknown[]).push({ back: circular });
    expect(() => JSON.stringify(circular)).toThrow(TypeError);
    for (const budget of BUDGETS) expect(() => joined(circular, budget)).toThrow(TypeError);
  });
});

describe('writeJson', () => {
  it('writes before, the value and after, as the CLI frames several captures', async () => {
    const report = sampleReport();
    const out = new Recorder(1 << 20);
    await writeJson(out, report, { before: '[', after: '\n' });
    await writeJson(out, report, { before: ',', after: ']\n' });
    expect(out.text).toBe(`[${JSON.stringify(report)}\n,${JSON.stringify(report)}]\n`);
  });

  it('waits for drain on a slow stream and still writes everything, in order', async () => {
    const flows = Array.from({ length: 2000 }, (_, i) => tcpFlow({ id: i, client: `10.0.${i >> 8}.${i & 255}:40000`, server: '10.9.9.9:443', firstPacket: i * 10 + 1, lastPacket: i * 10 + 10 }));
    const report = makeReport({ flows });
    const highWaterMark = 1024;
    const out = new Recorder(highWaterMark, 1);
    const done = writeJson(out, report, { chunkSize: 4096, after: '\n' });
    await done;
    await new Promise<void>((resolve) => out.end(resolve));
    expect(out.text).toBe(`${JSON.stringify(report)}\n`);
    // Every full chunk overfills the stream (only the last, shorter one may not), and every write
    // found the stream empty: the writer waited for 'drain' each time.
    expect(out.writes.length).toBeGreaterThan(100);
    expect(out.falseReturns).toBeGreaterThanOrEqual(out.writes.length - 1);
    expect(out.bufferedAtWrite.every((n) => n === 0)).toBe(true);
  });

  it('rejects instead of waiting forever when the stream fails', async () => {
    const out = new Writable({
      highWaterMark: 16,
      write(_chunk, _encoding, callback) { setTimeout(() => callback(new Error('disk full')), 1); },
    });
    out.on('error', () => {});
    await expect(writeJson(out, sampleReport(), { chunkSize: 64 })).rejects.toThrow('disk full');
  });

  it('writes a report of 20,000 flows in chunks of at most one chunk plus one flow', async () => {
    // Flows share their nested objects to keep the test's memory small; the text is the same.
    const base = tcpFlow({ id: 0, client: '10.0.0.1:40000', server: '10.9.9.9:443', firstPacket: 1, lastPacket: 10 });
    const flows: TcpFlowReport[] = Array.from({ length: 20_000 }, (_, i) => ({
      ...base, id: i, client: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}:${40000 + (i % 20000)}`, firstPacket: i * 10 + 1, lastPacket: i * 10 + 10,
    }));
    const report: Report = makeReport({ flows: [] });
    report.tcp.flows = flows;
    report.tcp.summary.flows = flows.length;

    // The expected text, hashed as it is built: JSON.stringify of the report with a marker in
    // place of the flows, and JSON.stringify of each flow joined by commas, as an array is.
    const marker = '\u0000flows\u0000';
    const [head, tail] = JSON.stringify({ ...report, tcp: { ...report.tcp, flows: marker } }).split(JSON.stringify(marker));
    const expected = createHash('sha256').update(head).update('[');
    let longestFlow = 0;
    for (const [i, f] of flows.entries()) {
      const s = JSON.stringify(f);
      longestFlow = Math.max(longestFlow, s.length);
      expected.update(i === 0 ? s : `,${s}`);
    }
    expected.update(']').update(tail).update('\n');

    const sizes: number[] = [];
    const actual = createHash('sha256');
    let total = 0;
    const out = new Writable({
      highWaterMark: 1 << 16,
      decodeStrings: false,
      write(chunk: string, _encoding, callback) {
        sizes.push(chunk.length);
        total += chunk.length;
        actual.update(chunk);
        setImmediate(callback);
      },
    });
    const chunkSize = 64 * 1024;
    await writeJson(out, report, { chunkSize, after: '\n' });
    await new Promise<void>((resolve) => out.end(resolve));

    expect(actual.digest('hex')).toBe(expected.digest('hex'));
    expect(total).toBeGreaterThan(20_000 * 1000);
    // Everything but the last write is a full chunk, and none exceeds a chunk plus one piece: a run
    // of flows sized to about a chunk by the flows before it, give or take one flow and its comma.
    expect(sizes.length).toBeGreaterThan(total / (2 * chunkSize + longestFlow + 1));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2 * chunkSize + longestFlow + 1);
    expect(sizes.slice(0, -1).every((n) => n >= chunkSize)).toBe(true);
  }, 30_000);
});

describe('ChunkedWriter', () => {
  it('batches small writes into chunks and flushes the rest', async () => {
    const out = new Recorder(1 << 20);
    const writer = new ChunkedWriter(out, 10);
    for (let i = 0; i < 25; i++) await writer.write(`${i % 10}`);
    expect(out.writes).toEqual(['0123456789', '0123456789']);
    await writer.flush();
    expect(out.writes).toEqual(['0123456789', '0123456789', '01234']);
  });
});

describe('the library export', () => {
  it('writeJson is exported by the package entry and writes what JSON.stringify gives', async () => {
    const lib = await import('../../src/index.js');
    const chunks: string[] = [];
    const out = new Writable({ decodeStrings: false, write(chunk: string, _e, cb) { chunks.push(chunk); cb(); } });
    const report = sampleReport();
    await lib.writeJson(out, report, { after: '\n' });
    expect(chunks.join('')).toBe(`${JSON.stringify(report)}\n`);
  });
});
