import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { decodedEnd, nameEnd, UNSURE } from '../../../src/track/dns/extent.js';
import { DNS_HEADER, parseDnsMessage } from '../../../src/track/dns/message.js';

/** dns-packet's encoder, for records of any shape (its declarations type each record kind apart). */
function encode(packet: object): Buffer {
  return dnsPacket.encode(packet as dnsPacket.Packet);
}

function counts(b: Uint8Array): { questions: number; records: number } {
  const u16 = (at: number): number => (b[at] << 8) | b[at + 1];
  return { questions: u16(4), records: u16(6) + u16(8) + u16(10) };
}

function walk(b: Uint8Array): number {
  const { questions, records } = counts(b);
  return decodedEnd(b, DNS_HEADER.LENGTH, questions, records);
}

/** What dns-packet's decode says of the whole message: where it ends, or its error. */
function reference(b: Uint8Array): { end: number } | { error: string } {
  try {
    dnsPacket.decode(Buffer.from(b));
    return { end: dnsPacket.decode.bytes };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

const Q = [{ type: 'A', name: 'www.example.com' }];
const ANSWER = { name: 'www.example.com', ttl: 300, class: 'IN' };

/** One response per record kind the walk knows, and some it leaves to dns-packet. */
const RECORDS: object[] = [
  { ...ANSWER, type: 'A', data: '192.0.2.1' },
  { ...ANSWER, type: 'AAAA', data: '2001:db8::1' },
  { ...ANSWER, type: 'CNAME', data: 'cdn.example.net' },
  { ...ANSWER, type: 'DNAME', data: 'example.org' },
  { ...ANSWER, type: 'PTR', data: 'host.example.com' },
  { ...ANSWER, type: 'NS', data: 'ns1.example.com' },
  { ...ANSWER, type: 'MX', data: { preference: 10, exchange: 'mail.example.com' } },
  { ...ANSWER, type: 'SOA', data: { mname: 'ns1.example.com', rname: 'host\\.master.example.com', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5 } },
  { ...ANSWER, type: 'TXT', data: ['v=spf1 -all', '', 'x'.repeat(255)] },
  { ...ANSWER, type: 'SRV', data: { priority: 1, weight: 2, port: 443, target: 'svc.example.com' } },
  { ...ANSWER, type: 'NULL', data: Buffer.from([1, 2, 3]) },
  { ...ANSWER, type: 'SPF', data: Buffer.from([4, 5]) },
  { ...ANSWER, type: 'UNKNOWN_4242', data: Buffer.from([]) },
  { type: 'OPT', name: '.', udpPayloadSize: 1232, flags: 0x8000, options: [{ code: 10, data: Buffer.alloc(8, 7) }, { code: 12, data: Buffer.alloc(3) }] },
  { type: 'OPT', name: '.', options: [{ code: 8, family: 1, sourcePrefixLength: 24, scopePrefixLength: 0, ip: '192.0.2.0' }, { code: 11, timeout: 300 }, { code: 14, tags: [1, 2] }] },
  { type: 'OPT', name: '.', options: [] },
  { ...ANSWER, type: 'CAA', data: { flags: 0, tag: 'issue', value: 'ca.example' } },
  { ...ANSWER, type: 'HINFO', data: { cpu: 'x86', os: 'linux' } },
  { ...ANSWER, type: 'DS', data: { keyTag: 1, algorithm: 8, digestType: 2, digest: Buffer.alloc(32, 1) } },
];
/** The kinds the walk reads (all of RECORDS but the last three). */
const WALKED = RECORDS.length - 3;

function responseWith(records: object[], id = 1): Buffer {
  return encode({ type: 'response', id, flags: 0x8180, questions: Q, answers: records.slice(0, 2), authorities: records.slice(2, 3), additionals: records.slice(3) });
}

/** A deterministic stream of small integers. */
function lcg(seed: number): (n: number) => number {
  let s = seed;
  return (n) => ((s = (s * 1103515245 + 12345) >>> 0) >>> 8) % n;
}

describe('nameEnd (dns-packet name.decode rules)', () => {
  it('a plain name ends after its root label; a pointer after its two bytes', () => {
    const b = new Uint8Array([1, 0x61, 0, 0xc0, 0, 1, 0x62, 0xc0, 0]);
    expect(nameEnd(b, 0)).toBe(3);
    expect(nameEnd(b, 3)).toBe(5);
    expect(nameEnd(b, 5)).toBe(9);
  });

  it('refuses what dns-packet refuses: self and forward pointers, loops, labels 01/10 and over 63, names past 254 bytes, reads past the end', () => {
    expect(nameEnd(new Uint8Array([0xc0, 0]), 0)).toBe(UNSURE); // pointer to itself
    expect(nameEnd(new Uint8Array([0xc0, 2, 0]), 0)).toBe(UNSURE); // forward pointer
    expect(nameEnd(new Uint8Array([1, 0x61, 0xc0, 2]), 0)).toBe(UNSURE); // a loop to the pointer itself
    expect(nameEnd(new Uint8Array([0, 0xc0, 0x00, 0xc0, 0x01]), 3)).toBe(5); // a chain back: 3 -> 1 -> 0
    expect(nameEnd(new Uint8Array([1, 0x61, 0xc0, 0x00]), 2)).toBe(UNSURE); // 2 -> 0, then 0 again: a loop
    expect(nameEnd(new Uint8Array([0x40, 0]), 0)).toBe(UNSURE); // 64: label type 01
    expect(nameEnd(new Uint8Array([0x80, 0]), 0)).toBe(UNSURE); // label type 10
    expect(nameEnd(new Uint8Array([3, 0x61, 0x62]), 0)).toBe(UNSURE); // label past the end
    expect(nameEnd(new Uint8Array([1, 0x61]), 0)).toBe(UNSURE); // no root label
    expect(nameEnd(new Uint8Array([0xc0]), 0)).toBe(UNSURE); // half a pointer
    const long = [...Array.from({ length: 4 }, () => [63, ...new Array(63).fill(0x61)]).flat(), 0];
    expect(nameEnd(new Uint8Array(long), 0)).toBe(UNSURE); // 256 bytes of labels
    const over = [...Array.from({ length: 3 }, () => [63, ...new Array(63).fill(0x61)]).flat(), 62, ...new Array(62).fill(0x61), 0];
    expect(nameEnd(new Uint8Array(over), 0)).toBe(UNSURE); // 255 bytes of labels: one too many
    const names = (dnsPacket as unknown as { name: { decode(b: Buffer, offset: number): string } }).name;
    expect(() => names.decode(Buffer.from(over), 0)).toThrow('name too long');
    const longest = [...Array.from({ length: 3 }, () => [63, ...new Array(63).fill(0x61)]).flat(), 61, ...new Array(61).fill(0x61), 0];
    expect(nameEnd(new Uint8Array(longest), 0)).toBe(longest.length); // 254: the most dns-packet takes
  });
});

describe('decodedEnd against dns-packet', () => {
  it('every record kind it reads: sure, and ends where dns-packet ends', () => {
    for (const [i, record] of RECORDS.entries()) {
      const b = responseWith([record]);
      const ref = reference(b);
      expect(ref).toEqual({ end: b.length });
      expect(walk(b)).toBe(i < WALKED ? b.length : UNSURE);
    }
    const all = responseWith(RECORDS.slice(0, WALKED));
    expect(walk(all)).toBe(all.length);
  });

  it('a query with no records, and one with an EDNS record', () => {
    const q = encode({ type: 'query', id: 2, flags: 0x0100, questions: Q });
    expect(walk(q)).toBe(q.length);
    const edns = encode({ type: 'query', id: 3, questions: Q, additionals: [RECORDS[13]] });
    expect(walk(edns)).toBe(edns.length);
  });

  it('RDATA that disagrees with RDLENGTH is left to dns-packet', () => {
    // An A record with RDLENGTH 5: dns-packet reads 4 bytes and goes on at the 5th.
    const a = responseWith([RECORDS[0]]);
    const rdlength = a.length - 6;
    const longer = Buffer.concat([a, Buffer.from([9])]);
    longer[rdlength + 1] = 5;
    expect(walk(longer)).toBe(UNSURE);
    // A TXT string longer than the RDATA: dns-packet throws 'Buffer overflow'.
    const txt = Buffer.from(responseWith([{ ...ANSWER, type: 'TXT', data: ['abc'] }]));
    txt[txt.length - 4] = 4;
    expect(walk(txt)).toBe(UNSURE);
    expect(reference(txt)).toEqual({ error: 'Buffer overflow' });
  });

  it('every truncation of every message: sure only where dns-packet decodes, and at the same end', () => {
    const queries = [encode({ type: 'query', id: 2, questions: Q }), encode({ type: 'query', id: 2, questions: [...Q, { type: 'AAAA', name: 'a.example' }] })];
    const messages = [...RECORDS.map((r) => responseWith([r])), responseWith(RECORDS.slice(0, WALKED)), ...queries];
    let sure = 0;
    for (const whole of messages) {
      for (let n = DNS_HEADER.LENGTH; n <= whole.length; n++) {
        const b = whole.subarray(0, n);
        const end = walk(b);
        if (end === UNSURE) continue;
        sure += 1;
        expect(reference(b)).toEqual({ end });
        expect(end).toBeLessThanOrEqual(n);
      }
    }
    expect(sure).toBe(messages.length - 3);  // the whole of each message the walk reads
  });

  it('every RDLENGTH from 0 to 3 past the true one (and 65535), for every record: sure only where dns-packet decodes, and at the same end', () => {
    const messages = [...RECORDS.map((r) => responseWith([r])), responseWith(RECORDS.slice(0, WALKED)), responseWith(RECORDS.slice(0, WALKED).reverse())];
    let sure = 0;
    for (const whole of messages) {
      // Each record's RDLENGTH field, found by walking the message.
      let at = nameEnd(whole, DNS_HEADER.LENGTH) + 4;
      while (at < whole.length) {
        const field = nameEnd(whole, at) + 8;
        const length = whole.readUInt16BE(field);
        for (const value of [...Array.from({ length: length + 4 }, (_, i) => i), 0xffff]) {
          const b = Buffer.from(whole);
          b.writeUInt16BE(value, field);
          const end = walk(b);
          if (end === UNSURE) continue;
          sure += 1;
          expect(reference(b)).toEqual({ end });
        }
        // RDATA with 1 to 3 bytes more than its fields need (RDLENGTH counting them).
        for (let extra = 1; extra <= 3; extra++) {
          const b = Buffer.concat([whole.subarray(0, field + 2 + length), Buffer.alloc(extra), whole.subarray(field + 2 + length)]);
          b.writeUInt16BE(length + extra, field);
          const end = walk(b);
          if (end === UNSURE) continue;
          sure += 1;
          expect(reference(b)).toEqual({ end });
        }
        at = field + 2 + length;
      }
    }
    expect(sure).toBeGreaterThan(0);
  });

  it('every byte after the header set to lengths, label types, pointers and its neighbours: sure only where dns-packet decodes, and at the same end', () => {
    const messages = [...RECORDS.map((r) => responseWith([r])), responseWith(RECORDS.slice(0, WALKED))];
    for (const whole of messages) {
      for (let at = DNS_HEADER.LENGTH; at < whole.length; at++) {
        for (const value of [0, 1, 2, 3, 4, 5, 15, 16, 63, 64, 0x80, 0xbf, 0xc0, 0xc1, 0xff, whole[at] + 1, whole[at] - 1]) {
          const b = Buffer.from(whole);
          b[at] = value;
          const end = walk(b);
          if (end !== UNSURE) expect(reference(b)).toEqual({ end });
        }
      }
    }
  });

  it('reads dns-packet makes past the end inside RDATA are refused: a keepalive, ECS or key-tag option too short, a pointer cut in half', () => {
    // A query whose last record is an OPT (RFC 6891 §6.1.2) holding one option of `length` bytes.
    const withOption = (code: number, length: number): Buffer => {
      const rr = [0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 4 + length, code >> 8, code & 0xff, 0, length, ...new Array(length).fill(1)];
      const q = encode({ type: 'query', id: 5, questions: Q });
      q[11] = 1; // ARCOUNT
      return Buffer.concat([q, Buffer.from(rr)]);
    };
    for (const [code, length] of [[11, 1], [8, 3], [8, 0], [14, 1], [14, 3]]) {
      const b = withOption(code, length);
      expect('error' in reference(b)).toBe(true);
      expect(walk(b)).toBe(UNSURE);
    }
    for (const [code, length] of [[11, 0], [11, 2], [8, 4], [14, 0], [14, 4], [10, 1]]) expect(walk(withOption(code, length))).toBe(withOption(code, length).length);
    // An NS record whose one RDATA byte is the first half of a pointer.
    const ns = Buffer.from(responseWith([RECORDS[5]]));
    const cut = Buffer.concat([ns.subarray(0, ns.length - 17 - 2), Buffer.from([0, 1, 0xc0])]);
    expect(reference(cut)).toEqual({ error: 'Cannot decode name (buffer overflow)' });
    expect(walk(cut)).toBe(UNSURE);
  });

  it('30,000 corrupted messages (bytes, lengths, pointers, labels set at random): sure only where dns-packet decodes, and at the same end', () => {
    const next = lcg(2026);
    const bases = [...RECORDS.map((r) => responseWith([r])), responseWith(RECORDS.slice(0, WALKED)), responseWith(RECORDS.slice(0, WALKED).reverse())];
    let sure = 0;
    let decodes = 0;
    for (let i = 0; i < 30_000; i++) {
      const base = bases[next(bases.length)];
      const b = Buffer.from(base.subarray(0, next(4) === 0 ? DNS_HEADER.LENGTH + next(base.length - DNS_HEADER.LENGTH + 1) : base.length));
      for (let m = 1 + next(3); m > 0 && b.length > DNS_HEADER.LENGTH; m--) {
        const at = DNS_HEADER.LENGTH + next(b.length - DNS_HEADER.LENGTH);
        switch (next(6)) {
          case 0: b[at] = next(256); break; // any byte
          case 1: b[at] ^= 1 << next(8); break; // one bit
          case 2: b[at] = [0, 1, 4, 16, 63, 64, 0x80, 0xbf, 0xc0, 0xff][next(10)]; break; // lengths and label types
          case 3: b[at] = 0xc0 | next(2); if (at + 1 < b.length) b[at + 1] = next(b.length); break; // a pointer anywhere
          case 4: b[4 + 2 * next(4) + 1] += next(3) - 1; break; // a count off by one
          default: if (at + 1 < b.length) b[at + 1] += next(3) - 1; break; // a length's low byte off by one
        }
      }
      const ref = reference(b);
      if ('end' in ref && ref.end <= b.length) decodes += 1;
      const end = walk(b);
      if (end === UNSURE) continue;
      sure += 1;
      expect(ref).toEqual({ end });
    }
    // The walk vouches for most of the messages dns-packet reads whole.
    expect(sure).toBeGreaterThan(decodes * 0.5);
  });
});

/** What parseDnsMessage gave before the walk: dns-packet's whole decode for every message. */
function decodedInFull(b: Uint8Array): { question: unknown; malformed: string | null; answerRecords: unknown } {
  const buf = Buffer.from(b);
  const question = (q: dnsPacket.Question | undefined): unknown => (q ? { name: q.name, type: q.type } : null);
  try {
    const d = dnsPacket.decode(buf);
    const used = dnsPacket.decode.bytes;
    return {
      question: question(d.questions?.[0]),
      malformed: used > buf.length ? `truncated: records need ${used} bytes, have ${buf.length}` : null,
      answerRecords: d.type === 'response' ? (d.answers ?? []).map((a) => ({ name: a.name, type: a.type })) : [],
    };
  } catch (err) {
    const reason = err instanceof RangeError ? 'a record runs past the end of the message' : (err as Error).message;
    let q: dnsPacket.Question | undefined;
    try {
      q = (dnsPacket as unknown as { question: { decode(b: Buffer, o: number): dnsPacket.Question } }).question.decode(buf, DNS_HEADER.LENGTH);
    } catch {
      q = undefined;
    }
    return { question: counts(b).questions > 0 ? question(q) : null, malformed: reason, answerRecords: [] };
  }
}

describe('parseDnsMessage with the walk', () => {
  it('gives what the whole decode gave on 5,000 corrupted messages: question, malformed reason, and answer records when asked', () => {
    const next = lcg(99);
    const bases = [...RECORDS.map((r) => responseWith([r])), responseWith(RECORDS.slice(0, WALKED)),
      encode({ type: 'query', id: 4, questions: Q, additionals: [RECORDS[14]] })];
    for (let i = 0; i < 5_000; i++) {
      const base = bases[next(bases.length)];
      const b = Buffer.from(base.subarray(0, next(3) === 0 ? DNS_HEADER.LENGTH + next(base.length - DNS_HEADER.LENGTH + 1) : base.length));
      for (let m = next(3); m > 0; m--) b[DNS_HEADER.LENGTH + next(b.length - DNS_HEADER.LENGTH)] = [0, 1, 63, 64, 0xc0, 0xff, next(256)][next(7)];
      const expected = decodedInFull(b);
      for (const withAnswerRecords of [false, true]) {
        const p = parseDnsMessage(b, b.length, withAnswerRecords);
        const q = p.message?.question;
        expect({ question: q ? { name: q.name, type: q.type } : null, malformed: p.malformed }).toEqual({ question: expected.question, malformed: expected.malformed });
        if (withAnswerRecords || counts(b).questions === 0 || p.malformed !== null) expect(p.message?.answerRecords).toEqual(expected.answerRecords);
        else expect([[], expected.answerRecords]).toContainEqual(p.message?.answerRecords); // [] when the walk vouched
      }
    }
  });
});
