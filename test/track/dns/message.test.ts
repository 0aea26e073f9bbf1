import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { DNS_HEADER, MAX_RECORDS, parseDnsMessage, sameQuestion } from '../../../src/track/dns/message.js';
import { query, response } from './dns-helpers.js';

/** Header (RFC 1035 §4.1.1) with the given counts, then `rest`. */
function message(id: number, flags: number, counts: [number, number, number, number], rest: number[]): Uint8Array {
  const out = new Uint8Array(DNS_HEADER.LENGTH + rest.length);
  const dv = new DataView(out.buffer);
  dv.setUint16(DNS_HEADER.ID, id);
  dv.setUint16(DNS_HEADER.FLAGS, flags);
  dv.setUint16(DNS_HEADER.QDCOUNT, counts[0]);
  dv.setUint16(DNS_HEADER.ANCOUNT, counts[1]);
  dv.setUint16(DNS_HEADER.NSCOUNT, counts[2]);
  dv.setUint16(DNS_HEADER.ARCOUNT, counts[3]);
  out.set(rest, DNS_HEADER.LENGTH);
  return out;
}

/** "a.example" IN A as question bytes. */
const QUESTION = [1, 0x61, 7, ...Buffer.from('example'), 0, 0, 1, 0, 1];

describe('parseDnsMessage', () => {
  it('reads a query: ID, QR=0, RD, the first question', () => {
    const p = parseDnsMessage(query(0x1234, 'Www.Example.COM', { type: 'AAAA' }));
    expect(p.malformed).toBeNull();
    expect(p.message).toEqual({
      id: 0x1234, response: false, opcode: 0, rcode: 'NOERROR', answers: 0, answerRecords: [], updatedName: null,
      flags: { aa: false, tc: false, rd: true, ra: false },
      question: { name: 'Www.Example.COM', type: 'AAAA', class: 'IN' },
    });
  });

  it('reads a response: rcode by name, TC, answer count', () => {
    const p = parseDnsMessage(response(7, 'example.com', { rcode: 3, truncated: true, addresses: ['192.0.2.1', '192.0.2.2'] }));
    expect(p.malformed).toBeNull();
    expect(p.message?.response).toBe(true);
    expect(p.message?.rcode).toBe('NXDOMAIN');
    expect(p.message?.flags).toEqual({ aa: false, tc: true, rd: true, ra: true });
    expect(p.message?.answers).toBe(2);
    expect(p.message?.answerRecords).toEqual([{ name: 'example.com', type: 'A' }, { name: 'example.com', type: 'A' }]);
  });

  it('names rcodes beyond the classic six (RFC 2136) and unassigned ones', () => {
    expect(parseDnsMessage(message(1, 0x8000 | 9, [0, 0, 0, 0], [])).message?.rcode).toBe('NOTAUTH');
    expect(parseDnsMessage(message(1, 0x8000 | 12, [0, 0, 0, 0], [])).message?.rcode).toBe('RCODE_12');
  });

  it('every prefix shorter than the header: no message, the reason says how many bytes', () => {
    const whole = query(1, 'a.example');
    for (let n = 0; n < DNS_HEADER.LENGTH; n++) {
      expect(parseDnsMessage(whole.subarray(0, n))).toEqual({ message: null, malformed: `header needs 12 bytes, have ${n}` });
    }
  });

  it('a message cut inside its answer is malformed but keeps its header and question', () => {
    const whole = response(0xbeef, 'example.com', { addresses: ['192.0.2.1'] });
    expect(whole.length).toBe(56);
    const p = parseDnsMessage(whole.subarray(0, 53));
    expect(p.malformed).toBe('truncated: records need 56 bytes, have 53');
    expect(p.message?.id).toBe(0xbeef);
    expect(p.message?.question).toEqual({ name: 'example.com', type: 'A', class: 'IN' });
    // cut inside the answer's name: dns-packet itself stops
    expect(parseDnsMessage(whole.subarray(0, 35)).malformed).toBe('Cannot decode name (buffer overflow)');
  });

  it('a question cut before its QTYPE: Node bounds errors become a plain reason', () => {
    const p = parseDnsMessage(message(3, 0x0100, [1, 0, 0, 0], [1, 0x61, 0, 0]));
    expect(p.malformed).toBe('a record runs past the end of the message');
    expect(p.message?.question).toBeNull();
  });

  it('a message the capture cut short (snaplen) is blamed on the capture, not the sender', () => {
    const whole = response(0xfeed, 'example.com', { addresses: ['192.0.2.1'] });
    const p = parseDnsMessage(whole.subarray(0, 40), whole.length);
    expect(p.malformed).toBe('captured 40 of 56 bytes (snaplen)');
    expect(p.message?.id).toBe(0xfeed);
    expect(parseDnsMessage(whole.subarray(0, 8), whole.length)).toEqual({ message: null, malformed: 'captured 8 of 56 bytes (snaplen)' });
    // a complete capture of a damaged message is still the sender's fault
    expect(parseDnsMessage(whole.subarray(0, 40)).malformed).toBe('Cannot decode name (buffer overflow)');
  });

  it('a compression pointer to itself is refused (RFC 1035 §4.1.4: pointers go to prior data)', () => {
    // question name at offset 12 = pointer 0xc00c (to offset 12 itself), then QTYPE/QCLASS
    const p = parseDnsMessage(message(5, 0x0100, [1, 0, 0, 0], [0xc0, 0x0c, 0, 1, 0, 1]));
    expect(p.malformed).toBe('Cannot decode name (bad pointer)');
    expect(p.message?.id).toBe(5);
    expect(p.message?.question).toBeNull();
  });

  it('a loop of two pointers is refused at the forward jump', () => {
    // offset 12: pointer to 14; offset 14: pointer to 12
    const p = parseDnsMessage(message(6, 0x0100, [1, 0, 0, 0], [0xc0, 0x0e, 0xc0, 0x0c, 0, 1, 0, 1]));
    expect(p.malformed).toBe('Cannot decode name (bad pointer)');
  });

  it('a chain of 4000 backward pointers is walked once and ends', () => {
    // question "a" IN A at offset 12 (7 bytes). Answer 1: type NULL whose 8000 RDATA bytes are
    // 4000 pointers, each to the one before it (the first to offset 12). Answer 2: its owner name
    // is a pointer to the last of them, so decoding it follows all 4000 jumps back to "a".
    const rest: number[] = [1, 0x61, 0, 0, 1, 0, 1];
    rest.push(0xc0, 0x0c, 0, 10, 0, 1, 0, 0, 0, 60, (8000 >> 8) & 0xff, 8000 & 0xff);
    let previous = 12;
    for (let i = 0; i < 4000; i++) {
      const here = DNS_HEADER.LENGTH + rest.length;
      rest.push(0xc0 | (previous >> 8), previous & 0xff);
      previous = here;
    }
    rest.push(0xc0 | (previous >> 8), previous & 0xff, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1);
    const bytes = message(9, 0x8180, [1, 2, 0, 0], rest);
    const started = performance.now();
    const p = parseDnsMessage(bytes);
    expect(performance.now() - started).toBeLessThan(500);
    expect(p.malformed).toBeNull();
    expect(p.message?.answers).toBe(2);
    expect(dnsPacket.decode(Buffer.from(bytes)).answers?.[1].name).toBe('a');
  });

  it(`refuses more than ${MAX_RECORDS} records undecoded, keeping header and question`, () => {
    const p = parseDnsMessage(message(0x42, 0x8180, [1, 1000, 0, 1], QUESTION));
    expect(p.malformed).toBe(`header claims 1002 records, more than ${MAX_RECORDS}`);
    expect(p.message?.id).toBe(0x42);
    expect(p.message?.answers).toBe(1000);
    expect(p.message?.question).toEqual({ name: 'a.example', type: 'A', class: 'IN' });
  });

  it('exactly the cap is decoded normally (and fails only because the records are missing)', () => {
    const p = parseDnsMessage(message(0x43, 0x8180, [1, 999, 0, 0], QUESTION));
    expect(p.malformed).not.toMatch(/records, more than/);
  });

  it("strips mDNS's unicast-response bit from QCLASS (RFC 6762 §5.4)", () => {
    const bytes = message(0, 0, [1, 0, 0, 0], [1, 0x61, 5, ...Buffer.from('local'), 0, 0, 1, 0x80, 1]);
    expect(parseDnsMessage(bytes).message?.question).toEqual({ name: 'a.local', type: 'A', class: 'IN' });
  });

  it('questions compare names case-insensitively, type and class exactly', () => {
    const q = { name: 'Example.COM', type: 'A', class: 'IN' };
    expect(sameQuestion(q, { name: 'example.com', type: 'A', class: 'IN' })).toBe(true);
    expect(sameQuestion(q, { name: 'example.com', type: 'AAAA', class: 'IN' })).toBe(false);
    expect(sameQuestion(q, { name: 'example.com', type: 'A', class: 'CH' })).toBe(false);
    expect(sameQuestion(q, { name: 'example.org', type: 'A', class: 'IN' })).toBe(false);
  });

  it("reads a one-question query's name, type and class as dns-packet's decoder does", () => {
    // The plain-name reader (message.ts plainQuestion) must give exactly dns-packet's result, for
    // names it takes (ASCII labels) and those it leaves to the codec (pointers, non-ASCII bytes,
    // names past 254 bytes); a name equal to the previous one reuses its text.
    let seed = 777;
    const next = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    const ALPHABET = [0x61, 0x41, 0x7a, 0x30, 0x2d, 0x5f, 0x2e, 0x5c, 0x00, 0x20, 0x7f, 0xc3, 0xa9, 0xff];
    let previous: number[] = [];
    for (let i = 0; i < 3000; i++) {
      let name: number[];
      if (i % 5 === 4) name = previous; // a repeat: the cached text
      else {
        name = [];
        const labels = next(6);
        for (let l = 0; l < labels; l++) {
          const length = [1, 3, 7, 63][next(4)];
          name.push(length, ...Array.from({ length }, () => ALPHABET[next(i % 3 === 0 ? ALPHABET.length : 10)]));
        }
        name.push(next(50) === 0 ? 0xc0 : 0);
        if (name[name.length - 1] === 0xc0) name.push(0x0c);
      }
      previous = name;
      const type = [1, 28, 255, 65, 4242][next(5)];
      const klass = [1, 3, 255, 77][next(4)];
      const bytes = message(i, 0x0100, [1, 0, 0, 0], [...name, type >> 8, type & 0xff, klass >> 8, klass & 0xff]);
      let expected: unknown;
      try {
        const q = dnsPacket.decode(Buffer.from(bytes)).questions?.[0];
        expected = { name: q?.name, type: q?.type, class: q?.class };
      } catch (err) {
        expected = (err as Error).message;
      }
      const p = parseDnsMessage(bytes);
      const q = p.message?.question;
      expect(q ? { name: q.name, type: q.type, class: q.class } : p.malformed).toEqual(expected);
    }
  });

  it('the same plain question twice in a row is one shared object; another type or name is not', () => {
    const a = parseDnsMessage(message(1, 0x0100, [1, 0, 0, 0], QUESTION)).message?.question;
    const b = parseDnsMessage(message(2, 0x0100, [1, 0, 0, 0], QUESTION)).message?.question;
    expect(b).toBe(a);
    const aaaa = parseDnsMessage(message(3, 0x0100, [1, 0, 0, 0], [...QUESTION.slice(0, -4), 0, 28, 0, 1])).message?.question;
    expect(aaaa).not.toBe(a);
    expect(aaaa).toEqual({ name: 'a.example', type: 'AAAA', class: 'IN' });
    // "b.example": the same length, one byte different.
    const other = parseDnsMessage(message(4, 0x0100, [1, 0, 0, 0], [1, 0x62, ...QUESTION.slice(2)])).message?.question;
    expect(other).toEqual({ name: 'b.example', type: 'A', class: 'IN' });
  });

  it('random bytes never throw', () => {
    let seed = 12345;
    const next = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    for (let i = 0; i < 2000; i++) {
      const bytes = new Uint8Array(next() % 80).map(() => next());
      const p = parseDnsMessage(bytes);
      expect(p.message !== null || p.malformed !== null).toBe(true);
    }
  });
});
