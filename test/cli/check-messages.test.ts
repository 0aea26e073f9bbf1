/**
 * What `check` says (issue 15): a metric named like a JSON field reads that field, failure texts
 * give bytes in bytes and singular nouns for one, a failed capture.warnings prints the warnings,
 * and flows evicted at --max-flows are said in a warning.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { writePcap } from '../helpers/capture-file.js';
import { TcpScript } from '../helpers/tcp-script.js';
import { fixture, statecapAsync as statecap } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'statecap-check-messages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const Q = fixture('quickstart.pcap');

// Independent runs: side by side.
describe.concurrent('check messages', () => {
  it('reads peak.bytes and peakBytes.bytes as the JSON has them, and says bytes', async () => {
    const json = JSON.parse((await statecap(['state', '-f', 'json', Q])).stdout) as { endpoints: { endpoint: string; peak: { bytes: number }; peakBytes: { bytes: number } }[] };
    const web = json.endpoints.find((e) => e.endpoint === '127.0.0.2:8080');
    // The web server's peak of entries (1, at the SYN-ACK) costs less than its peak of bytes (data in flight).
    expect(web?.peak.bytes).toBeLessThan(web?.peakBytes.bytes ?? 0);
    const r = await statecap(['check', '-e', `endpoint[127.0.0.2:8080].peak.bytes == ${web?.peak.bytes}`,
      '-e', `endpoint[127.0.0.2:8080].peakBytes.bytes == ${web?.peakBytes.bytes}`, '-e', 'endpoint[127.0.0.2:8080].peak.bytes < 100', Q]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`PASS endpoint[127.0.0.2:8080].peak.bytes == ${web?.peak.bytes} (actual ${web?.peak.bytes} bytes)`);
    expect(r.stdout).toContain(`PASS endpoint[127.0.0.2:8080].peakBytes.bytes == ${web?.peakBytes.bytes}`);
    expect(r.stdout).toContain(`FAIL endpoint[127.0.0.2:8080].peak.bytes < 100 (actual ${web?.peak.bytes} bytes)`);
    expect(r.stdout).toContain(`, peak 1 entry / ${web?.peak.bytes} bytes at packet #`);
    expect(r.stdout).toContain('2 passed, 1 failed\n');
  });

  it('prints the warnings when capture.warnings fails, and says evictions in a warning', async () => {
    // Three connections left open, through a table of one: the two least recently seen are evicted, open.
    const open = join(dir, 'open.pcap');
    writeFileSync(open, writePcap([40001, 40002, 40003].flatMap((port, i) =>
      new TcpScript('10.0.0.1', '10.0.0.2', port, 80, 1_700_000_000 + i).handshake().c('PA', { len: 10 }).packets)));
    const r = await statecap(['check', '--max-flows', '1', '-e', 'capture.warnings == 0', open]);
    expect(r.status).toBe(1);
    const warning = `${open}: 2 TCP flows evicted at the cap of 1 (--max-flows), the least recently seen first, 2 of them still open: results for those are partial`;
    expect(r.stderr).toBe(`statecap: warning: ${warning}\n`);
    expect(r.stdout).toContain(`FAIL capture.warnings == 0 (actual 1)`);
    expect(r.stdout).toContain(`  - ${warning}\n`);
  });
});
