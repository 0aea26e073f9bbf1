/**
 * UDP flow packet counts agree with `tshark -q -z conv,udp` (scripts/agreement/udp-conv.mjs, run
 * on the built CLI): on the recorded fixture always (when tshark is installed), and on shared-corpus
 * captures with UDP when ../shared is present (the whole corpus: `node scripts/agreement/udp-conv.mjs`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { writePcap } from '../../helpers/capture-file.js';
import { scratch } from '../../helpers/analyze.js';
import { ethernet, ip, IP_PROTO, tcpFrame, udp, udpFrame, vxlan } from '../../helpers/packets.js';

const hasTshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
const CORPUS = '../shared/corpus/pcaps';
/** Captures of the shared corpus with plain UDP conversations (mDNS, NTP, DHCP) and UDP tunnels (AYIYA, GTP-U, VXLAN). */
const CORPUS_SAMPLE = [
  'zeek/testing/btest/Traces/wlanmon.pcap',
  'zeek/testing/btest/Traces/ntp/NTP_sync.pcap',
  'zeek/testing/btest/Traces/ntp/misordered-ntp.pcap',
  'zeek/testing/btest/Traces/dhcp/dhcp.pcap',
  'zeek/testing/btest/Traces/tunnels/ayiya3.pcap',
  'zeek/testing/btest/Traces/tunnels/gtp/gtp9_unknown_or_too_short_payload.pcap',
  'zeek/testing/btest/Traces/tunnels/vxlan.pcap',
].map((p) => `${CORPUS}/${p}`).filter((p) => existsSync(p));

const dir = scratch('statecap-udpconv-');
afterAll(() => dir.cleanup());

/**
 * Three VXLAN datagrams 10.1.1.1:40000 -> 10.1.1.2:4789, carrying a TCP SYN, a UDP datagram
 * 192.168.0.1:5000 -> 192.168.0.2:6000 and the reply; then one plain datagram. tshark counts the
 * tunnel's own conversation (3 frames) and the inner UDP one (2), as statecap must.
 */
function vxlanCapture(): string {
  const overVxlan = (inner: Uint8Array) => ethernet(ip({
    src: '10.1.1.1', dst: '10.1.1.2', protocol: IP_PROTO.UDP,
    payload: udp({ src: '10.1.1.1', dst: '10.1.1.2', srcPort: 40000, dstPort: 4789, payload: vxlan(inner) }),
  }));
  return dir.write('vxlan.pcap', writePcap([
    { time: 1, data: overVxlan(tcpFrame({ src: '192.168.0.1', dst: '192.168.0.2', srcPort: 4000, dstPort: 80, flags: 'S', seq: 1, ack: 0 })) },
    { time: 2, data: overVxlan(udpFrame({ src: '192.168.0.1', dst: '192.168.0.2', srcPort: 5000, dstPort: 6000, payload: 'ping' })) },
    { time: 3, data: overVxlan(udpFrame({ src: '192.168.0.2', dst: '192.168.0.1', srcPort: 6000, dstPort: 5000, payload: 'pong' })) },
    { time: 4, data: udpFrame({ src: '10.9.9.1', dst: '10.9.9.2', srcPort: 123, dstPort: 123, payload: 'ntp' }) },
  ]));
}

function agreement(paths: string[]): string {
  return execFileSync('node', ['scripts/agreement/udp-conv.mjs', ...paths], { encoding: 'utf8' });
}

describe.skipIf(!hasTshark)('UDP flows agree with tshark conv,udp', () => {
  it('on the recorded fixture: the echo service (6 frames) and the stream (200 frames)', () => {
    expect(agreement(['fixtures/conversations.pcap'])).toBe(
      '1 captures with UDP, 0 with a difference; 2 UDP conversations (5-tuples), 2 agree on packet counts, 0 differ\n');
  });

  it('on a generated VXLAN capture: the tunnel\'s own datagrams, the inner UDP and a plain one', () => {
    expect(agreement([vxlanCapture()])).toBe(
      '1 captures with UDP, 0 with a difference; 3 UDP conversations (5-tuples), 3 agree on packet counts, 0 differ\n');
  });

  it.skipIf(CORPUS_SAMPLE.length === 0)('on shared-corpus captures with UDP', () => {
    const out = agreement(CORPUS_SAMPLE);
    expect(out).toMatch(/ 0 with a difference; .* 0 differ\n$/);
    expect(out).toMatch(new RegExp(`^${CORPUS_SAMPLE.length} captures with UDP`));
  });
});
