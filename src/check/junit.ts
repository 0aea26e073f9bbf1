/**
 * JUnit XML for CI test reporters (issue 6): one <testsuite> per capture, one <testcase> per
 * expectation, a <failure> with the expected and actual values when it does not hold, an <error>
 * when the capture could not be read. Every attribute and text node is XML-escaped, and characters
 * XML 1.0 forbids (from untrusted capture contents) are dropped.
 */
import type { CheckResult } from './run.js';
import { formatValue } from './expectation.js';

/** Escapes text for XML attributes and content (XML 1.0 §2.4, §3.3.3). */
export function xmlEscape(text: string): string {
  return text
    // XML 1.0 §2.2 Char: tab, newline, carriage return and U+0020 upward, no lone surrogates or U+FFFE/U+FFFF.
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values).map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`).join('');
}

export function renderJunit(results: readonly CheckResult[], name = 'statecap check'): string {
  const suites = new Map<string, CheckResult[]>();
  for (const r of results) {
    const list = suites.get(r.capture);
    if (list === undefined) suites.set(r.capture, [r]);
    else list.push(r);
  }
  const count = (list: readonly CheckResult[], status: CheckResult['status']) => list.filter((r) => r.status === status).length;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name, tests: results.length, failures: count(results, 'failed'), errors: count(results, 'error') })}>`,
  ];
  for (const [capture, list] of suites) {
    out.push(`  <testsuite${attrs({ name: capture, tests: list.length, failures: count(list, 'failed'), errors: count(list, 'error'), skipped: 0 })}>`);
    for (const r of list) {
      const head = `    <testcase${attrs({ classname: capture, name: r.expectation.text })}`;
      if (r.status === 'passed') {
        out.push(`${head}/>`);
        continue;
      }
      out.push(`${head}>`);
      if (r.status === 'failed') {
        const expected = `${r.expectation.op} ${formatValue(r.expectation.value)}`;
        const actual = formatValue(r.actual ?? '-');
        out.push(`      <failure${attrs({ message: `expected ${r.expectation.metric} ${expected}, actual ${actual}`, type: 'expectation' })}>` +
          `${xmlEscape(`expected: ${r.expectation.metric} ${expected}\nactual: ${actual}\n${r.message}`)}</failure>`);
      } else {
        out.push(`      <error${attrs({ message: r.message, type: 'unreadable-capture' })}>${xmlEscape(r.message)}</error>`);
      }
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
