#!/usr/bin/env node
/**
 * usage: gate.mjs --tshark AGREEMENT.json --zeek ZEEK.json [--zeek-rows ZEEK_ROWS.json] [--write]
 * Compares the --json outputs of ../shared/tools/agreement.py and zeek_agreement.py (also run with
 * --cmd 'node scripts/agreement/zeek-rows.mjs' for the flows' Zeek rows) with the
 * figures the README states (docs/agreement.json) and exits 1 when an area lost more than one
 * capture (tshark) or row (Zeek). --write records the measured figures instead (keeping targets)
 * and regenerates the README's table from them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkFigures, measuredFigures, replaceTable } from './figures.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const figuresPath = join(root, 'docs', 'agreement.json');
const readmePath = join(root, 'README.md');
const args = process.argv.slice(2);
const arg = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const readJson = (path) => {
  if (path === undefined) return undefined;
  try { return JSON.parse(readFileSync(path, 'utf8')); } catch (e) { console.error(`gate: cannot read ${path}: ${e.message}`); process.exit(2); }
};

const stated = readJson(figuresPath);
const measured = measuredFigures(readJson(arg('--tshark')), readJson(arg('--zeek')), readJson(arg('--zeek-rows')));
if (args.includes('--write')) {
  for (const [key, m] of Object.entries(measured)) stated.areas[key] = { ...stated.areas[key], agree: m.agree, of: m.of };
  stated.date = new Date().toISOString().slice(0, 10);
  writeFileSync(figuresPath, JSON.stringify(stated, null, 2) + '\n');
  writeFileSync(readmePath, replaceTable(readFileSync(readmePath, 'utf8'), stated));
  console.log(`wrote ${figuresPath} and the README table`);
  process.exit(0);
}
const { failed, lines } = checkFigures(stated, measured);
for (const line of lines) console.log(line);
process.exit(failed ? 1 : 0);
