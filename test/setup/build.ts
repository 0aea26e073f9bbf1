/**
 * Builds dist/ once before the tests (tsc, then the CLI bundle), so CLI tests run the program `npx statecap` runs.
 * A successful build leaves a stamp of its inputs (path, size and mtime of every source and build file);
 * when the inputs still match it, dist/ is what this build would make and the ~4 s of tsc is skipped.
 * A failed build writes no stamp, so its type errors show again on the next run.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const STAMP = 'dist/.build-stamp';
const INPUTS = ['tsconfig.json', 'package.json', 'package-lock.json', 'scripts/bundle.mjs'];

function inputsHash(): string {
  const files = [...INPUTS, ...(readdirSync('src', { recursive: true, encoding: 'utf8' }).map((f) => join('src', f)))].sort();
  const hash = createHash('sha256');
  for (const f of files) {
    const s = statSync(f, { throwIfNoEntry: false });
    hash.update(s === undefined ? `${f}:missing\n` : `${f}:${s.isFile() ? s.size : 'dir'}:${s.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

export default function setup(): void {
  const inputs = inputsHash();
  if (existsSync('dist/cli/statecap.js') && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === inputs) return;
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/bundle.mjs'], { stdio: 'inherit' });
  writeFileSync(STAMP, inputs);
}
