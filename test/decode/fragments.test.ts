import { describe, expect, it } from 'vitest';
import { decodePacket } from '../../src/decode/decode.js';
import { FragmentReassembler } from '../../src/decode/fragments.js';
import type { DecodedPacket } from '../../src/decode/packet.js';
import { ethernet, ipv4, ipv4Fragments, ipv6Fragments, tcp, udp } from '../helpers/packets.js';
import { record } from './record.js';

/** A UDP datagram of 8 + 40 bytes whose payload bytes are 0..39, so any misplaced byte shows. */
const body = Uint8Array.from({ length: 40 }, (_, i) => i);
const datagram4 = udp({ srcPort: 5000, dstPort: 53, payload: body, src: '10.0.0.1', dst: '10.0.0.2' });
const base4 = { src: '10.0.0.1', dst: '10.0.0.2', protocol: 17, payload: datagram4, id: 4321 };
/** 48 bytes in 16-byte fragments: offsets 0, 16, 32. */
const frags4 = ipv4Fragments(base4, 16);

/** Feeds frames (Ethernet) as packets numbered from 1, one second apart unless times are given. */
function feed(r: FragmentReassembler, frames: Uint8Array[], times?: number[], options?: { verifyChecksums?: boolean }): (DecodedPacket | null)[] {
  return frames.map((frame, i) => {
    const rec = record(ethernet(frame), 1, { number: i + 1, time: times ? times[i] : 100 + i });
    const packet = decodePacket(rec, options);
    expect(packet.ip?.fragment, `frame ${i + 1} is a fragment`).toBeDefined();
    return r.push(packet, rec.data);
  });
}

describe('IPv4 fragment reassembly (RFC 791 §3.2)', () => {
  it('in order: completes on the last fragment, numbered and timed as that fragment', () => {
    const r = new FragmentReassembler();
    const out = feed(r, frags4);
    expect(out[0]).toBeNull();
    expect(out[1]).toBeNull();
    const whole = out[2];
    expect(whole).toMatchObject({ number: 3, time: 102, ip: { src: '10.0.0.1', dst: '10.0.0.2', protocol: 17, id: 4321, payloadLength: 48, fragment: undefined } });
    expect(whole?.udp).toMatchObject({ srcPort: 5000, dstPort: 53, length: 48 });
    expect(Array.from(whole?.udp?.payload ?? [])).toEqual(Array.from(body));
    expect(r.pending).toBe(0);
  });

  it('out of order: the last fragment first, then the middle, then the first', () => {
    const r = new FragmentReassembler();
    const out = feed(r, [frags4[2], frags4[1], frags4[0]]);
    expect(out.slice(0, 2)).toEqual([null, null]);
    expect(out[2]?.number).toBe(3);
    expect(Array.from(out[2]?.udp?.payload ?? [])).toEqual(Array.from(body));
  });

  it('a duplicate fragment is ignored and counted', () => {
    const r = new FragmentReassembler();
    const out = feed(r, [frags4[0], frags4[0], frags4[1], frags4[2]]);
    expect(out[3]?.number).toBe(4);
    expect(Array.from(out[3]?.udp?.payload ?? [])).toEqual(Array.from(body));
    expect(r.overlapping).toBe(1);
  });

  it('overlapping fragments: the bytes received first win', () => {
    // Fragment at offset 8 with different bytes (0xee) overlapping the first 16-byte fragment's second half.
    const conflicting = ipv4({ ...base4, payload: new Uint8Array(16).fill(0xee), fragmentOffset: 8, moreFragments: true });
    const r = new FragmentReassembler();
    const out = feed(r, [frags4[0], conflicting, frags4[1], frags4[2]]);
    expect(out[3]?.number).toBe(4);
    // Datagram bytes [8,16) stay fragment 1's; [16,24) was a hole the conflicting fragment filled
    // first, so fragment 2 cannot overwrite it: payload bytes 8..15 (datagram 16..23) are 0xee.
    const expected = Array.from(body, (v, i) => (i >= 8 && i < 16 ? 0xee : v));
    expect(Array.from(out[3]?.udp?.payload ?? [])).toEqual(expected);
    expect(r.overlapping).toBe(2); // the conflicting one over [8,16), then fragment 2 over [16,24)
  });

  it('overlap arriving first fills the hole it covers', () => {
    const covering = ipv4({ ...base4, payload: datagram4.subarray(8, 24), fragmentOffset: 8, moreFragments: true });
    const r = new FragmentReassembler();
    const out = feed(r, [covering, frags4[2], frags4[0], frags4[1]]);
    expect(out[2]).toBeNull(); // [0,16) + [8,24) + [32,48): hole at [24,32)
    expect(out[3]?.udp?.payload.length).toBe(40);
  });

  it('transport is decoded from the reassembled datagram, with its checksum verified', () => {
    const segment = tcp({ srcPort: 80, dstPort: 40000, seq: 1000, ack: 1, flags: 'PA', payload: 'y'.repeat(60), src: '10.0.0.2', dst: '10.0.0.1' });
    const pieces = ipv4Fragments({ src: '10.0.0.2', dst: '10.0.0.1', protocol: 6, payload: segment, id: 1 }, 32);
    const good = feed(new FragmentReassembler({ verifyChecksums: true }), pieces, undefined, { verifyChecksums: true });
    expect(good[good.length - 1]?.tcp).toMatchObject({ srcPort: 80, seq: 1000, payloadLength: 60 });
    const damaged = pieces.map((p) => p.slice());
    damaged[1][25] ^= 0xff;
    const bad = feed(new FragmentReassembler({ verifyChecksums: true }), damaged, undefined, {});
    expect(bad[bad.length - 1]).toMatchObject({ skipped: 'bad-checksum-tcp', tcp: undefined });
  });

  it('a datagram older than the timeout is dropped when its next fragment arrives', () => {
    const r = new FragmentReassembler({ timeout: 30 });
    const out = feed(r, frags4, [0, 10, 31]);
    expect(out[2]).toBeNull();
    expect(r.timedOut).toBe(1);
    expect(r.pending).toBe(1); // the late fragment starts a new datagram
  });

  it('expire(now) drops datagrams whose first fragment is more than timeout seconds old', () => {
    const r = new FragmentReassembler({ timeout: 5 });
    feed(r, [frags4[0]], [10]);
    feed(r, [ipv4Fragments({ ...base4, id: 2 }, 16)[0]], [12]);
    r.expire(15);
    expect([r.pending, r.timedOut]).toEqual([2, 0]);
    r.expire(15.5);
    expect([r.pending, r.timedOut]).toEqual([1, 1]);
    r.expire(100);
    expect([r.pending, r.timedOut]).toEqual([0, 2]);
  });

  it('maxDatagrams evicts the oldest pending datagram', () => {
    const r = new FragmentReassembler({ maxDatagrams: 2 });
    const firsts = [1, 2, 3].map((id) => ipv4Fragments({ ...base4, id }, 16)[0]);
    feed(r, firsts);
    expect([r.pending, r.evicted]).toEqual([2, 1]);
    // Datagram 1 was evicted: its remaining fragments cannot complete it.
    const rest1 = ipv4Fragments({ ...base4, id: 1 }, 16).slice(1);
    expect(feed(r, rest1)).toEqual([null, null]);
    // Datagram 3 is still there (evicting 2 to make room for the new datagram 1).
    const rest3 = ipv4Fragments({ ...base4, id: 3 }, 16).slice(1);
    expect(feed(r, rest3)[1]?.udp?.length).toBe(48);
  });

  it('under churn, datagrams completed out of age order leave the eviction order oldest-first, and every payload stays intact', () => {
    // 3,000 datagrams, 1,000 pending at most: each first fragment arrives; every third datagram is
    // then completed at once (leaving the age order from its middle), the others wait. The slots grow
    // from 256 to 1,000 with datagrams waiting (rehashed), and freed slots, with their byte stores,
    // serve later datagrams, whose bytes must not leak into earlier ones nor earlier ones' into them.
    const r = new FragmentReassembler({ maxDatagrams: 1000 });
    const payloadOf = (id: number): Uint8Array => Uint8Array.from({ length: 40 }, (_, i) => (id * 7 + i) & 0xff);
    const fragsOf = (id: number): Uint8Array[] => ipv4Fragments({ ...base4, id, payload: udp({ srcPort: 5000, dstPort: 53, payload: payloadOf(id), src: '10.0.0.1', dst: '10.0.0.2' }) }, 16);
    let completed = 0;
    for (let id = 1; id <= 3000; id++) {
      const frags = fragsOf(id);
      feed(r, [frags[0]]);
      if (id % 3 === 0) {
        const whole = feed(r, frags.slice(1))[1];
        expect(Array.from(whole?.udp?.payload ?? []), `datagram ${id}`).toEqual(Array.from(payloadOf(id)));
        completed++;
      }
    }
    expect(completed).toBe(1000);
    // Up to id 1500 nothing is evicted (its 1,000 non-multiples of 3 wait). From 1501 on, every
    // arrival at the cap evicts the oldest, also for a datagram that then completes at once: 1,001
    // evictions in all, the last at id 3000, which leaves 999 waiting. The oldest evicted ones go
    // first, skipping the completed ones, so the oldest survivor is 1502 and the youngest evicted 1501.
    expect([r.pending, r.evicted]).toEqual([999, 1001]);
    expect(Array.from(feed(r, fragsOf(1502).slice(1))[1]?.udp?.payload ?? [])).toEqual(Array.from(payloadOf(1502)));
    expect(feed(r, fragsOf(1501).slice(1))).toEqual([null, null]);
  });

  it('a datagram of 9,000 bytes, fragments last first, is rebuilt intact; its slot then serves a smaller one', () => {
    // 9,008 bytes (UDP header + 9,000) in 1,480-byte fragments: 7 pieces, the store doubling past
    // the 4 KiB a freed slot keeps. maxDatagrams 1 makes the next datagram take the same slot.
    const big = Uint8Array.from({ length: 9000 }, (_, i) => (i * 31) & 0xff);
    const bigFrags = ipv4Fragments({ ...base4, id: 77, payload: udp({ srcPort: 5000, dstPort: 53, payload: big, src: '10.0.0.1', dst: '10.0.0.2' }) }, 1480);
    expect(bigFrags.length).toBe(7);
    const r = new FragmentReassembler({ maxDatagrams: 1 });
    const out = feed(r, bigFrags.slice().reverse());
    expect(out.slice(0, 6)).toEqual([null, null, null, null, null, null]);
    expect(Array.from(out[6]?.udp?.payload ?? [])).toEqual(Array.from(big));
    expect([r.pending, r.bytesHeld, r.evicted]).toEqual([0, 0, 0]);
    const small = feed(r, [frags4[1], frags4[2], frags4[0]]);
    expect(Array.from(small[2]?.udp?.payload ?? [])).toEqual(Array.from(body));
  });

  it('maxBytes evicts the oldest datagrams to make room', () => {
    const r = new FragmentReassembler({ maxBytes: 40 });
    feed(r, [ipv4Fragments({ ...base4, id: 1 }, 16)[0], ipv4Fragments({ ...base4, id: 2 }, 16)[0]]);
    expect([r.pending, r.evicted, r.bytesHeld]).toEqual([2, 0, 32]);
    feed(r, [ipv4Fragments({ ...base4, id: 3 }, 16)[0]]);
    expect([r.pending, r.evicted, r.bytesHeld]).toEqual([2, 1, 32]);
  });

  it('fragments of different identifications or addresses do not mix', () => {
    const other = ipv4Fragments({ ...base4, id: 9999 }, 16);
    const r = new FragmentReassembler();
    const out = feed(r, [frags4[0], other[1], frags4[1], other[2], frags4[2]]);
    expect(out.map((p) => p?.number ?? null)).toEqual([null, null, null, null, 5]);
    expect(r.pending).toBe(1);
  });

  it('a fragment cut by the snaplen is not reassembled (as Wireshark); a cut first fragment is decoded as is', () => {
    const r = new FragmentReassembler();
    const first = ethernet(frags4[0]);
    const rec1 = record(first.subarray(0, first.length - 4), 1, { number: 1, originalLength: first.length });
    const cutFirst = decodePacket(rec1);
    // The first fragment holds the UDP header: with the fragment unreassemblable, it is decoded from what is there.
    expect(cutFirst).toMatchObject({ ip: { fragment: { offset: 0, more: true } }, udp: { srcPort: 5000, length: 48 } });
    expect(cutFirst.udp?.payload.length).toBe(4); // fragment bytes [8, 12) of its 16
    expect(r.push(cutFirst, rec1.data)).toBeNull();
    expect(r.pending).toBe(0);
    const out = feed(r, frags4.slice(1));
    expect(out).toEqual([null, null]);
    expect(r.pending).toBe(1);
  });

  it('packets that are not fragments, or were skipped, change nothing', () => {
    const r = new FragmentReassembler();
    const whole = record(ethernet(ipv4(base4)));
    expect(r.push(decodePacket(whole), whole.data)).toBeNull();
    const badHeader = ethernet(frags4[0]).slice();
    badHeader[14 + 8] ^= 1;
    const rec = record(badHeader);
    const p = decodePacket(rec, { verifyChecksums: true });
    expect(p.skipped).toBe('bad-checksum-ipv4');
    expect(r.push(p, rec.data)).toBeNull();
    expect(r.pending).toBe(0);
  });
});

describe('IPv6 fragment reassembly (RFC 8200 §4.5)', () => {
  const datagram6 = udp({ srcPort: 6000, dstPort: 443, payload: body, src: '2001:db8::1', dst: '2001:db8::2' });
  const frags6 = ipv6Fragments({ src: '2001:db8::1', dst: '2001:db8::2', nextHeader: 17, payload: datagram6, id: 0x01020304 }, 24);

  it('in order, with the checksum of the reassembled datagram verified', () => {
    const r = new FragmentReassembler({ verifyChecksums: true });
    const out = feed(r, frags6, undefined, { verifyChecksums: true });
    expect(out[0]).toBeNull();
    expect(out[1]).toMatchObject({ number: 2, ip: { version: 6, protocol: 17, id: 0x01020304, payloadLength: 48 }, udp: { srcPort: 6000, length: 48 } });
    expect(Array.from(out[1]?.udp?.payload ?? [])).toEqual(Array.from(body));
  });

  it('out of order', () => {
    const r = new FragmentReassembler();
    const out = feed(r, [frags6[1], frags6[0]]);
    expect(out[1]?.udp?.dstPort).toBe(443);
  });

  it('IPv4 and IPv6 datagrams with the same identification stay apart', () => {
    const r = new FragmentReassembler();
    const v4 = ipv4Fragments({ ...base4, id: 0x0304 }, 24);
    const out = feed(r, [frags6[0], v4[0], frags6[1], v4[1]]);
    expect(out.map((p) => p?.ip?.version ?? null)).toEqual([null, null, 6, 4]);
  });
});
