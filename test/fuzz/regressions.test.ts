/**
 * Every crash the fuzzer found, replayed: test/fuzz/crashers/<name>.hex holds the reproducer
 * (hex, `#` comment lines saying what it is and where it broke, `# options: {json}` for the
 * analysis options). Each must end in a report or a FailedReport, rendered in every format,
 * within the fuzzer's guards (time and heap limits), against the built pipeline in dist/.
 *
 * A crasher whose first line is `# open: <where it is described>` is not fixed yet: its test is
 * listed but skipped until the owner's fix lands and the line is deleted.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AnalyzeOptions } from '../../src/pipeline.js';
import { runGuarded } from '../../scripts/fuzz/campaign.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CRASHERS = join(ROOT, 'test/fuzz/crashers');

interface Crasher {
  name: string;
  bytes: Uint8Array;
  options: AnalyzeOptions;
  /** Where the open crash is described; null once fixed. */
  open: string | null;
}

function parseCrasher(name: string, text: string): Crasher {
  const lines = text.split('\n');
  const comments = lines.filter((l) => l.startsWith('#'));
  const options = comments.find((l) => l.startsWith('# options:'));
  const digits = lines.filter((l) => !l.startsWith('#')).join('').replace(/\s+/g, '');
  if (!/^([0-9a-f]{2})*$/i.test(digits)) throw new Error(`${name}: not hex`);
  return {
    name,
    bytes: Uint8Array.from(Buffer.from(digits, 'hex')),
    options: options ? (JSON.parse(options.slice('# options:'.length)) as AnalyzeOptions) : {},
    open: lines[0]?.startsWith('# open:') ? lines[0].slice('# open:'.length).trim() : null,
  };
}

const crashers = readdirSync(CRASHERS).filter((f) => f.endsWith('.hex')).sort()
  .map((f) => parseCrasher(f, readFileSync(join(CRASHERS, f), 'utf8')));

describe('fuzz crashers end in a report', () => {
  it('the crashers folder holds reproducers', () => {
    expect(crashers.length).toBeGreaterThan(0);
  });

  for (const c of crashers) {
    it.skipIf(c.open !== null)(`${c.name} (${c.bytes.length} bytes)${c.open ? ` [open: ${c.open}]` : ''}`, async () => {
      const r = await runGuarded({ dist: join(ROOT, 'dist'), bytes: c.bytes, options: c.options, timeoutMs: 5000 });
      expect(r.stack ?? r.message ?? null).toBeNull();
      expect(['report', 'stopped', 'failed']).toContain(r.outcome);
      expect(r.problems).toEqual([]);
    }, 30_000);
  }
});
