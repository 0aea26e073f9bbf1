import { describe, expect, it } from 'vitest';
import { DnsTcpFramer } from '../../../src/track/dns/framing.js';
import { framed, query, response } from './dns-helpers.js';

function run(chunks: Uint8Array[]): { messages: number[][]; framer: DnsTcpFramer } {
  const framer = new DnsTcpFramer();
  const messages: number[][] = [];
  for (const c of chunks) framer.push(c, (m) => messages.push([...m]));
  return { messages, framer };
}

const A = query(1, 'a.example');
const B = query(2, 'b.example');
const C = response(1, 'a.example', { addresses: ['192.0.2.1'] });
const stream = framed(A, B, C);

describe('DNS over TCP framing (RFC 1035 §4.2.2)', () => {
  const cases: { name: string; cuts: number[] }[] = [
    { name: 'three messages in one segment', cuts: [] },
    { name: 'split inside the first length prefix', cuts: [1] },
    { name: 'split right after a length prefix', cuts: [2] },
    { name: 'one message over three segments', cuts: [2 + A.length + 1, 2 + A.length + 9] },
    { name: 'every byte its own segment', cuts: Array.from({ length: stream.length - 1 }, (_, i) => i + 1) },
    { name: 'split at every message boundary', cuts: [2 + A.length, 4 + A.length + B.length] },
  ];
  for (const { name, cuts } of cases) {
    it(`${name}: the same three messages, in order`, () => {
      const bounds = [0, ...cuts, stream.length];
      const chunks = bounds.slice(1).map((end, i) => stream.subarray(bounds[i], end));
      const { messages, framer } = run(chunks);
      expect(messages).toEqual([[...A], [...B], [...C]]);
      expect(framer.midMessage).toBe(false);
    });
  }

  it('a message inside one chunk is handed out as a view of that chunk (no copy)', () => {
    const framer = new DnsTcpFramer();
    const seen: Uint8Array[] = [];
    framer.push(stream, (m) => seen.push(m));
    expect(seen[0].buffer).toBe(stream.buffer);
    expect(seen[0].byteOffset).toBe(stream.byteOffset + 2);
  });

  it('a zero-length message is handed out empty and framing continues', () => {
    const { messages } = run([new Uint8Array([0, 0]), framed(A)]);
    expect(messages).toEqual([[], [...A]]);
  });

  it('a message still incomplete at the end stays buffered', () => {
    const { messages, framer } = run([stream.subarray(0, 2 + A.length + 5)]);
    expect(messages).toEqual([[...A]]);
    expect(framer.midMessage).toBe(true);
  });

  it('a gap drops the message it cut; framing resumes at the next chunk that starts a whole message', () => {
    const framer = new DnsTcpFramer();
    const messages: number[][] = [];
    framer.push(stream.subarray(0, 5), (m) => messages.push([...m])); // A's prefix and 3 of its bytes
    expect(framer.gap(40)).toBe(true);
    // The rest of a message is no message start: its first two bytes read as a length past the chunk.
    const tail = framed(B).subarray(3);
    framer.push(tail, (m) => messages.push([...m]));
    expect(framer.resyncing).toBe(true);
    framer.push(framed(B, C), (m) => messages.push([...m]));
    expect(messages).toEqual([[...B], [...C]]);
    expect(framer.resyncing).toBe(false);
    // lost: 40 never captured + the 2-byte prefix and 3 bytes of A + the skipped tail
    expect([framer.gaps, framer.resyncs, framer.lostBytes]).toEqual([1, 1, 40 + 5 + tail.length]);
    expect(framer.gap()).toBe(false); // a second gap is not a new direction losing framing
  });

  it('after a gap, a chunk whose first message the check refuses is skipped whole', () => {
    const framer = new DnsTcpFramer((m, announced) => m.length === announced && m[1] !== 1); // refuses A (ID 1)
    const messages: number[][] = [];
    framer.gap();
    framer.push(framed(A, B), (m) => messages.push([...m])); // A fails the check: the chunk is skipped
    framer.push(framed(B, A), (m) => messages.push([...m]));
    expect(messages).toEqual([[...B], [...A]]);
    expect(framer.lostBytes).toBe(2 + A.length + 2 + B.length);
  });

  it('after a gap, the default check wants the whole message in the chunk; the DNS check also takes a beginning with a readable question', () => {
    const both = framed(A, B);
    const strict = new DnsTcpFramer();
    const seen: number[][] = [];
    strict.gap();
    strict.push(both.subarray(0, 10), (m) => seen.push([...m]));
    strict.push(both.subarray(10), (m) => seen.push([...m]));
    expect(seen).toEqual([]);
    expect([strict.resyncing, strict.lostBytes]).toEqual([true, both.length]);

    // A check that takes a beginning of at least 20 bytes (the tracker's asks for a readable question).
    const lenient = new DnsTcpFramer((m, announced) => m.length === announced || m.length >= 20);
    const got: number[][] = [];
    lenient.gap();
    const cut = 2 + A.length - 3; // A's last 3 bytes are in the next segment
    lenient.push(both.subarray(0, cut), (m) => got.push([...m]));
    lenient.push(both.subarray(cut), (m) => got.push([...m]));
    expect(got).toEqual([[...A], [...B]]);
    expect([lenient.resyncs, lenient.lostBytes]).toEqual([1, 0]);
  });
});
