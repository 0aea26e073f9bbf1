/**
 * The README's agreement table is generated from docs/agreement.json, the file .ci/run's gate
 * checks the measured figures against; these tests need no ../shared corpus.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without type declarations
import { checkFigures, measuredFigures, renderTable, TABLE_END, TABLE_START } from '../../scripts/agreement/figures.mjs';

interface Area { agree: number; of: number; target: number }
interface Figures { date: string; areas: Record<string, Area> }
const stated = JSON.parse(readFileSync('docs/agreement.json', 'utf8')) as Figures;

describe('the agreement figures the README states', () => {
  it('the README holds exactly the table rendered from docs/agreement.json', () => {
    const readme = readFileSync('README.md', 'utf8');
    const start = readme.indexOf(TABLE_START) + TABLE_START.length;
    expect(readme.slice(start, readme.indexOf(TABLE_END)).trim()).toBe(renderTable(stated));
  });
  it('the stated figures below their target are exactly those docs/differences.md argues', () => {
    const below = Object.entries(stated.areas).filter(([, a]) => (100 * a.agree) / a.of < a.target - 1e-9).map(([k]) => k);
    expect(below).toEqual(['zeekConnState', 'zeekHistory', 'zeekDns']);
  });
});

describe('the gate', () => {
  // The tools' --json shapes: agreement.py { areas: { tcp: { files, agree } } },
  // zeek_agreement.py { tally: { conn: [rows, same state, same history], dns: [rows, same], quic: [rows, same] } }.
  const tshark = (tcp: number, of = 1000) => ({ areas: { tcp: { files: of, agree: tcp }, seq: { files: of, agree: of }, dns: { files: 10, agree: 10 }, quic: { files: 5, agree: 5 } } });
  const zeek = (state: number) => ({ tally: { conn: [100, state, 98], dns: [10, 10], quic: [3, 3] } });
  const figures: Figures = {
    date: '2026-01-01',
    areas: {
      tcp: { agree: 998, of: 1000, target: 99 }, seq: { agree: 1000, of: 1000, target: 99 }, dns: { agree: 10, of: 10, target: 99 },
      quic: { agree: 5, of: 5, target: 99 }, zeekConnState: { agree: 99, of: 100, target: 99 }, zeekHistory: { agree: 98, of: 100, target: 98 },
      zeekDns: { agree: 10, of: 10, target: 98 }, zeekQuic: { agree: 3, of: 3, target: 100 },
    },
  };
  it('passes at the stated figures and with one capture or row of slack', () => {
    expect(checkFigures(figures, measuredFigures(tshark(998), zeek(99))).failed).toBe(false);
    expect(checkFigures(figures, measuredFigures(tshark(997), zeek(98))).failed).toBe(false);
  });
  it('fails when an area loses two captures or rows', () => {
    const tcp = checkFigures(figures, measuredFigures(tshark(996), zeek(99)));
    expect(tcp.failed).toBe(true);
    expect(tcp.lines[0]).toBe('FAIL tcp: 996/1000 captures (99.6%), README states 998/1000 (99.8%); 4 disagree, at most 3 allowed');
    expect(checkFigures(figures, measuredFigures(tshark(998), zeek(97))).failed).toBe(true);
  });
  it('counts disagreements, so more comparable captures at the same failures still pass', () => {
    expect(checkFigures(figures, measuredFigures(tshark(1010, 1013), zeek(99))).failed).toBe(false);
    expect(checkFigures(figures, measuredFigures(tshark(1010, 1014), zeek(99))).failed).toBe(true);
  });
  it('the Zeek-rows run (zeek-rows.mjs) is measured into its own areas', () => {
    const withRows: Figures = { ...figures, areas: { ...figures.areas, zeekRowsConnState: { agree: 100, of: 100, target: 99 }, zeekRowsHistory: { agree: 99, of: 100, target: 98 } } };
    const rows = { tally: { conn: [100, 100, 97], dns: [10, 10], quic: [3, 3] } };
    const r = checkFigures(withRows, measuredFigures(tshark(998), zeek(99), rows));
    expect(r.lines.filter((l: string) => l.includes('zeekRows'))).toEqual([
      'ok   zeekRowsConnState: 100/100 rows (100.0%), README states 100/100 (100.0%); 0 disagree, at most 1 allowed',
      'ok   zeekRowsHistory: 97/100 rows (97.0%), README states 99/100 (99.0%); 3 disagree, at most 2 allowed'.replace('ok  ', 'FAIL'),
    ]);
    expect(r.failed).toBe(true);
  });
  it('an area the run could not measure (no Zeek logs) is skipped, not failed', () => {
    const r = checkFigures(figures, measuredFigures(tshark(998), undefined));
    expect(r.failed).toBe(false);
    expect(r.lines.filter((l: string) => l.startsWith('skipped')).length).toBe(4);
  });
});
