/**
 * Golden files: expected output kept in test/golden/. A mismatch fails the test; after an
 * intended change, rewrite them with `UPDATE_GOLDEN=1 npx vitest run test/report` and review the diff.
 * A missing golden file fails too (it is never created silently).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const GOLDEN_DIR = fileURLToPath(new URL('../golden/', import.meta.url));

export function expectGolden(name: string, actual: string): void {
  const path = `${GOLDEN_DIR}${name}`;
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) throw new Error(`golden file test/golden/${name} is missing: run UPDATE_GOLDEN=1 npx vitest run test/report`);
  expect(actual, `differs from test/golden/${name} (UPDATE_GOLDEN=1 npx vitest run test/report rewrites it)`).toBe(readFileSync(path, 'utf8'));
}
