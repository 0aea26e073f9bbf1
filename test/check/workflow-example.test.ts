/** examples/github-actions.yml must keep using statecap check the way it works: valid expectations, markdown to the job summary. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseExpectation } from '../../src/check/expectation.js';

const workflow = readFileSync(fileURLToPath(new URL('../../examples/github-actions.yml', import.meta.url)), 'utf8');

describe('examples/github-actions.yml', () => {
  const command = /npx statecap check ([\s\S]*?)>> "\$GITHUB_STEP_SUMMARY"/.exec(workflow)?.[1] ?? '';

  it('runs check with markdown output appended to the job summary, and JUnit', () => {
    expect(command).toContain('--format markdown');
    expect(command).toContain('--junit statecap-junit.xml');
  });

  it('uses only expectations that parse', () => {
    const expectations = [...command.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    expect(expectations.length).toBeGreaterThanOrEqual(5);
    for (const text of expectations) expect(parseExpectation(text), text).not.toHaveProperty('error');
  });

  it('has no tab characters (YAML forbids them for indentation)', () => {
    expect(workflow).not.toContain('\t');
  });
});
