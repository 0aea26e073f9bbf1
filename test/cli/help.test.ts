/**
 * --help as issue 15 asks: defaults shown as they are (no "[]", no numbers in quotes), every
 * command ends with examples, and the examples that name files of the checkout run as shown.
 * `statecap metrics` lists every metric of the catalog.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { METRICS } from '../../src/check/metrics.js';
import { statecapAsync as statecap } from './run.js';

const COMMANDS = ['analyze', 'state', 'check', 'grade', 'metrics', 'flow'];

/** Splits a shell-free example ("statecap check -e \"a >= 1\" f.pcap") into arguments. */
function words(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

describe('--help', () => {
  let helps: Map<string, string>;
  beforeAll(async () => {
    const runs = await Promise.all(COMMANDS.map((c) => statecap([c, '--help'])));
    helps = new Map(COMMANDS.map((c, i) => [c, runs[i]!.stdout]));
  });

  it('shows defaults as values, never [] or quoted numbers', () => {
    for (const [command, text] of helps) {
      expect({ command, bad: text.match(/default: \[\]|default: "\d+"/g) }).toEqual({ command, bad: null });
    }
    expect(helps.get('analyze')).toMatch(/--dns-timeout <seconds> +answers after this are late; pending queries stop\s+costing the client \(default: 5\)/);
  });

  it('ends every command with examples, and those on the checkout\'s files run', async () => {
    const runnable: string[] = [];
    for (const [command, text] of helps) {
      const block = text.split('\nExamples:\n')[1];
      expect({ command, examples: block !== undefined }).toEqual({ command, examples: true });
      const lines = [...block.matchAll(/^ {2}\$ (.*?)(?: {3}#.*)?$/gm)].map((m) => m[1].trim());
      expect(lines.length).toBeGreaterThanOrEqual(2);
      for (const line of lines) {
        // Globs, pipes and files a user would have (rubric.json, lossy.pcap) need a shell or their files.
        if (/[*|>]|rubric\.json |lossy|submissions\//.test(line)) continue;
        runnable.push(line);
      }
    }
    // The examples run side by side, then each is checked in help order.
    const runs = await Promise.all(runnable.map((line) => statecap(words(line).slice(1))));
    let ran = 0;
    for (const [i, line] of runnable.entries()) {
      const r = runs[i]!;
      expect({ line, status: r.status, stderr: r.stderr }).toEqual({ line, status: 0, stderr: '' });
      ran++;
    }
    expect(ran).toBeGreaterThanOrEqual(6);
  });
});

describe('statecap metrics', () => {
  it('lists every metric with its meaning', async () => {
    const r = await statecap(['metrics']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(METRICS.map((m) => m.name));
    expect(lines[METRICS.findIndex((m) => m.name === 'tcp.flows')]).toMatch(/^tcp\.flows +number +TCP connections$/);
  });
});
