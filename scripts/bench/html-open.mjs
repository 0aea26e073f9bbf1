/**
 * The HTML report at scale (issue 14): writes a 1 M-packet TCP mix, renders it with
 * `--format html`, and opens it in headless chromium, printing the file size and the time from
 * navigation to the charts being drawn. Usage: node scripts/bench/html-open.mjs [packets] [dir]
 * (after `npm run build`; needs /usr/lib/chromium/chromium).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { writeTcpMix } from './generate.mjs';

const packets = Number(process.argv[2] ?? 1_000_000);
const dir = process.argv[3] ?? '/tmp/statecap-html-bench';
mkdirSync(dir, { recursive: true });
const capture = join(dir, `mix-${packets}.pcap`);
const html = join(dir, `mix-${packets}.html`);
writeTcpMix(capture, { packets });
let t = Date.now();
execFileSync(process.execPath, ['dist/cli/main.js', 'analyze', '--format', 'html', '-o', html, capture], { stdio: 'inherit' });
console.log(`render: ${((Date.now() - t) / 1000).toFixed(1)} s, ${(statSync(html).size / 1e6).toFixed(2)} MB`);

const browser = await chromium.launch({ executablePath: '/usr/lib/chromium/chromium', headless: true });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
t = Date.now();
await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
// Our script runs at the end of the body: once load fires, every chart exists.
const charts = await page.evaluate(() => document.querySelectorAll('.chart canvas').length);
const ms = Date.now() - t;
const timing = await page.evaluate(() => JSON.stringify(performance.getEntriesByType('navigation')[0]?.toJSON?.() ?? {}));
console.log(`open: ${ms} ms to load with ${charts} canvases drawn; navigation timing loadEventEnd ${JSON.parse(timing).loadEventEnd?.toFixed(0)} ms; errors: ${errors.length}`);
await browser.close();
