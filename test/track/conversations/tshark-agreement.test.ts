/**
 * UDP flow packet counts agree with `tshark -q -z conv,udp` (scripts/agreement/udp-conv.mjs, run
 * on the built CLI): on the recorded fixture always (when tshark is installed), and on shared-corpus
 * captures with UDP when ../shared is present (the whole corpus: `node scripts/agreement/udp-conv.mjs`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const hasTshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
const CORPUS = '../shared/corpus/pcaps';
/** Captures of the shared corpus with plain UDP conversations (mDNS, NTP, DHCP). */
const CORPUS_SAMPLE = [
  'zeek/testing/btest/Traces/wlanmon.pcap',
  'zeek/testing/btest/Traces/ntp/NTP_sync.pcap',
  'zeek/testing/btest/Traces/ntp/misordered-ntp.pcap',
  'zeek/testing/btest/Traces/dhcp/dhcp.pcap',
].map((p) => `${CORPUS}/${p}`).filter((p) => existsSync(p));

function agreement(paths: string[]): string {
  return execFileSync('node', ['scripts/agreement/udp-conv.mjs', ...paths], { encoding: 'utf8' });
}

describe.skipIf(!hasTshark)('UDP flows agree with tshark conv,udp', () => {
  it('on the recorded fixture: the echo service (6 frames) and the stream (200 frames)', () => {
    expect(agreement(['fixtures/conversations.pcap'])).toContain('1 captures with UDP flows, 2 5-tuples compared, 0 disagreements');
  });

  it.skipIf(CORPUS_SAMPLE.length === 0)('on shared-corpus captures with UDP', () => {
    const out = agreement(CORPUS_SAMPLE);
    expect(out).toMatch(/ 0 disagreements\n$/);
    expect(out).not.toMatch(/^0 captures/);
  });
});
