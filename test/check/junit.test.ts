/** JUnit XML: well-formed, one testsuite per capture, one testcase per expectation, failures with expected and actual. */
import { describe, expect, it } from 'vitest';
import { renderJunit, xmlEscape } from '../../src/check/junit.js';
import { runChecks } from '../../src/check/run.js';
import { parseExpectation, type Expectation } from '../../src/check/expectation.js';
import { failedReport, sampleReport } from '../report/factory.js';
import { parseXml } from './xml.js';

function expectations(...texts: string[]): Expectation[] {
  return texts.map((t) => {
    const e = parseExpectation(t);
    if ('error' in e) throw new Error(e.error);
    return e;
  });
}

describe('renderJunit', () => {
  const results = runChecks([sampleReport('a.pcap'), failedReport('b.pcap')], expectations('tcp.flows >= 1', 'dns.unanswered < 1'));
  const { root, problems } = parseXml(renderJunit(results));

  it('is well-formed XML', () => {
    expect(problems).toEqual([]);
    expect(root?.name).toBe('testsuites');
  });

  it('has one testsuite per capture and one testcase per expectation, with totals', () => {
    expect(root?.attributes).toMatchObject({ tests: '4', failures: '1', errors: '2' });
    expect(root?.children.map((s) => [s.name, s.attributes.name, s.attributes.tests, s.attributes.failures, s.attributes.errors]))
      .toEqual([['testsuite', 'a.pcap', '2', '1', '0'], ['testsuite', 'b.pcap', '2', '0', '2']]);
    expect(root?.children[0].children.map((c) => c.attributes.name)).toEqual(['tcp.flows >= 1', 'dns.unanswered < 1']);
  });

  it('puts expected and actual values in the failure element, with the packet to look at', () => {
    const failing = root?.children[0].children[1];
    expect(failing?.children[0].name).toBe('failure');
    expect(failing?.children[0].attributes.message).toBe('expected dns.unanswered < 1, actual 1');
    expect(failing?.children[0].text).toContain('expected: dns.unanswered < 1\nactual: 1\n');
    expect(failing?.children[0].text).toContain('example.net AAAA over UDP from 10.0.0.1:40001 to 10.0.0.53:53 (query #25)');
    expect(root?.children[0].children[0].children).toEqual([]);
  });

  it('reports an unreadable capture as an error element', () => {
    const errored = root?.children[1].children[0].children[0];
    expect(errored?.name).toBe('error');
    expect(errored?.attributes.message).toBe('not a capture file (magic 0x7f454c46)');
  });

  it('escapes hostile names from the capture and drops characters XML forbids', () => {
    const r = sampleReport('we<ird>&"\'.pcap');
    r.dns.transactions[1].qname = '<x a="1">&amp;\u0001\u0007]]>';
    const xml = renderJunit(runChecks([r], expectations('dns.unanswered == 0')));
    const parsed = parseXml(xml);
    expect(parsed.problems).toEqual([]);
    expect(parsed.root?.children[0].attributes.name).toBe('we<ird>&"\'.pcap');
    expect(parsed.root?.children[0].children[0].children[0].text).toContain('<x a="1">&amp;]]>');
  });
});

describe('xmlEscape', () => {
  it('escapes the five special characters and removes control characters', () => {
    expect(xmlEscape(`a<b>&"c'\u0000\u001f\td\n`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;\td\n');
  });

  it('removes lone surrogates and U+FFFE but keeps astral characters', () => {
    expect(xmlEscape('x\uD800y\uFFFEz😀')).toBe('xyz😀');
  });
});

describe('the XML checker used above', () => {
  it.each([
    ['<a><b></a>', 'does not match'],
    ['<a x="<"/>', "raw '<'"],
    ['<a>&nbsp;</a>', 'bad entity'],
    ['<a x="1" x="2"/>', 'duplicate attribute'],
    ['<a/><b/>', 'more than one root'],
    ['<a>\u0001</a>', 'forbidden character'],
    ['<a>', 'unclosed <a>'],
  ])('finds the problem in %j', (xml, problem) => {
    expect(parseXml(xml).problems.join('\n')).toContain(problem);
  });
});
