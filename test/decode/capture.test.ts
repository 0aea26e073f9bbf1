import { describe, expect, it } from 'vitest';
import { readCaptureStream } from '../../src/capture/open.js';
import type { CaptureRecord } from '../../src/capture/record.js';
import { decodePacket } from '../../src/decode/decode.js';
import { FragmentReassembler } from '../../src/decode/fragments.js';
import type { DecodedPacket } from '../../src/decode/packet.js';
import { writePcap, writePcapng } from '../helpers/capture-file.js';
import { AF, ethernet, ipv4Fragments, nullLoopback, sll2, tcp, tcpFrame, udpFrame } from '../helpers/packets.js';

/** Reads a capture file image through stage 1 and decodes every record as the pipeline does. */
async function decodeFile(file: Uint8Array): Promise<DecodedPacket[]> {
  const out: DecodedPacket[] = [];
  const fragments = new FragmentReassembler();
  const source = (async function* () { yield file; })();
  await readCaptureStream(source, 'test', (record: CaptureRecord) => {
    const packet = decodePacket(record);
    if (packet.ip?.fragment && !packet.tcp && !packet.udp && !packet.icmp) {
      const whole = fragments.push(packet, record.data);
      if (whole) out.push(whole);
      return;
    }
    out.push(packet);
  });
  return out;
}

describe('decoding what the capture reader delivers', () => {
  it('pcapng with three interfaces of different link types: each record is decoded with its own', async () => {
    const file = writePcapng({
      interfaces: [{ linkType: 1 }, { linkType: 276 }, { linkType: 0 }],
      packets: [
        { time: 1, interfaceId: 0, data: tcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', srcPort: 1, dstPort: 2, seq: 3, flags: 'S', vlans: [7] }) },
        { time: 2, interfaceId: 1, data: sll2(udpFrame({ src: 'fe80::1', dst: 'ff02::fb', srcPort: 5353, dstPort: 5353, payload: 'm' }).subarray(14)) },
        // The IP packets of udpFrame/tcpFrame without their 14-byte Ethernet header.
        { time: 3, interfaceId: 2, data: nullLoopback(tcpFrame({ src: '127.0.0.1', dst: '127.0.0.1', srcPort: 9, dstPort: 10, seq: 1, flags: 'A' }).subarray(14), AF.INET) },
      ],
    });
    const packets = await decodeFile(file);
    expect(packets.map((p) => [p.number, p.time, p.linkType])).toEqual([[1, 1, 1], [2, 2, 276], [3, 3, 0]]);
    expect(packets[0]).toMatchObject({ vlans: [7], tcp: { srcPort: 1, dstPort: 2 } });
    expect(packets[1]).toMatchObject({ ip: { src: 'fe80::1', dst: 'ff02::fb' }, udp: { srcPort: 5353 } });
    expect(packets[2]).toMatchObject({ ip: { src: '127.0.0.1' }, tcp: { srcPort: 9, dstPort: 10 } });
  });

  it('classic pcap: a snaplen-cut segment keeps its claimed length, fragments come back whole on the last one', async () => {
    const full = tcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', srcPort: 40000, dstPort: 80, seq: 100, flags: 'PA', payload: 'z'.repeat(500) });
    const datagram = tcp({ srcPort: 80, dstPort: 40000, seq: 9, ack: 600, flags: 'PA', payload: 'q'.repeat(100), src: '10.0.0.2', dst: '10.0.0.1' });
    const pieces = ipv4Fragments({ src: '10.0.0.2', dst: '10.0.0.1', protocol: 6, payload: datagram, id: 77 }, 48).map((p) => ethernet(p));
    const file = writePcap([
      { time: 10, data: full.subarray(0, 96), originalLength: full.length },
      ...pieces.map((data, i) => ({ time: 11 + i, data })),
    ], { snaplen: 96 });
    const packets = await decodeFile(file);
    expect(packets).toHaveLength(2);
    expect(packets[0]).toMatchObject({ number: 1, tcp: { seq: 100, payloadLength: 500 } });
    expect(packets[0].tcp?.payload.length).toBe(96 - 54);
    expect(packets[1]).toMatchObject({ number: 1 + pieces.length, time: 10 + pieces.length, tcp: { srcPort: 80, seq: 9, payloadLength: 100 } });
  });
});
