/**
 * `--format html` and `--svg-dir` from the CLI, checked in Node: the page is self-contained (no
 * URL it could fetch), capture text never becomes markup, and the markdown embeds one SVG per
 * endpoint that held state, each drawn with step paths.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { statecapAsync as statecap, type CliResult } from '../cli/run.js';
import { HOSTILE_NAME, htmlDemo } from '../helpers/ladder-captures.js';

const dir = mkdtempSync(join(tmpdir(), 'statecap-html-cli-'));
const capture = join(dir, 'demo.pcap');
writeFileSync(capture, htmlDemo());

describe('--format html', () => {
  const out = join(dir, 'report.html');
  let run: CliResult;
  let page: string;
  beforeAll(async () => {
    run = await statecap(['analyze', '--format', 'html', '-o', out, capture]);
    page = readFileSync(out, 'utf8');
  });

  it('writes one self-contained page: inline script and style, a CSP that forbids requests, no external URL', () => {
    expect(run.status).toBe(0);
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain("default-src 'none'");
    expect(page).not.toMatch(/<(script|link|img|iframe)[^>]*\s(src|href)=/i);
    expect(page).toContain('Permission is hereby granted'); // uPlot's MIT notice travels with it
  });

  it('keeps the hostile DNS name as text: escaped in markup, \\u-escaped in the data', () => {
    expect(page).not.toContain(HOSTILE_NAME);
    expect(page).toContain('&#60;/script&#62;&#60;img src=x onerror=alert(1)&#62;');
    // Exactly three script elements close: the data, uPlot, ours.
    expect(page.match(/<\/script>/g)).toHaveLength(3);
    const data = /<script type="application\/json" id="statecap-data">(.*?)<\/script>/s.exec(page)?.[1] ?? '';
    const parsed = JSON.parse(data) as { charts: { name: string }[] };
    // Every endpoint held state: web server 10.0.0.2:80, clients 10.0.0.1 (TCP and DNS) and 10.0.0.3,
    // and the DNS server 10.0.0.53:53 (the query in flight from packet 16 to 17).
    expect(parsed.charts.map((c) => c.name).sort()).toEqual(['10.0.0.1', '10.0.0.2:80', '10.0.0.3', '10.0.0.53:53']);
  });

  it('links each flow row to its ladder, and each ladder has one arrow per packet', () => {
    expect(page).toContain('<a href="#c0-tcp-0">0</a>');
    const ladder = /<figure class="ladder" id="c0-tcp-0".*?<\/figure>/s.exec(page)?.[0] ?? '';
    expect(ladder.match(/<g class="arrow/g)).toHaveLength(10);
  });
});

describe('--svg-dir with --format markdown', () => {
  it('writes one SVG per endpoint that held state and embeds them, relative to the markdown file', async () => {
    const svgs = join(dir, 'svg');
    const md = join(dir, 'report.md');
    const run = await statecap(['analyze', '--format', 'markdown', '-o', md, '--svg-dir', svgs, capture]);
    expect(run.status).toBe(0);
    const files = readdirSync(svgs).sort();
    expect(files).toEqual(['0-10.0.0.1.svg', '0-10.0.0.2_80.svg', '0-10.0.0.3.svg', '0-10.0.0.53_53.svg']);
    const text = readFileSync(md, 'utf8');
    expect(text).toContain('![10.0.0.2:80: state over time](svg/0-10.0.0.2_80.svg)');
    const svg = readFileSync(join(svgs, '0-10.0.0.2_80.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    // The server's peak: 1 entry at packet 2 (the SYN-ACK makes it half-open), bytes peak at packet 6.
    expect(svg).toContain('peak 1 at #2');
    expect(svg).toMatch(/peak 2\.\d KiB at #6/);
    expect(svg).toMatch(/<path d="M[\d. HV]+" fill="none"/);
  });

  it('is refused with another format', async () => {
    const run = await statecap(['analyze', '--format', 'table', '--svg-dir', join(dir, 'x'), capture]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('statecap: option --svg-dir goes with --format markdown\n');
  });
});
