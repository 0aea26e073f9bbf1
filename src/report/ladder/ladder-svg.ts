/**
 * A ladder diagram as hand-drawn SVG (the HTML report): the client's and the server's vertical
 * lines, one arrow per packet going down the page in capture order, its flags above and its
 * numbers below, Wireshark's findings in a warning colour, and each end's state written beside its
 * line where it changes. `layoutLadder` computes positions (pure, tested); `ladderSvg` draws them.
 */
import type { Ladder, Side } from './ladder.js';

export interface LadderLayout {
  width: number;
  height: number;
  clientX: number;
  serverX: number;
  /** y where the vertical lines start and end. */
  top: number;
  bottom: number;
  arrows: { packet: number; from: Side; y: number; x1: number; x2: number; time: string; label: string; detail: string; notes: string }[];
  states: { side: Side; x: number; y: number; text: string; packet: number | null }[];
  folds: { y: number; text: string }[];
}

const ROW = { arrow: 44, notes: 14, states: 18, fold: 26 } as const;
const HEADER = 52;
const GUTTER = 96;
const STATE_COLUMN = 175;
const PAD = 16;

function timeText(t: number): string {
  return Number.isFinite(t) ? `${t.toFixed(6)} s` : '';
}

/** Positions for every row; arrows run between the two lines, leftward or rightward by sender. */
export function layoutLadder(ladder: Ladder, width = 760): LadderLayout {
  const clientX = GUTTER + STATE_COLUMN;
  const serverX = Math.max(clientX + 200, width - STATE_COLUMN - PAD);
  const layout: LadderLayout = {
    width: serverX + STATE_COLUMN + PAD, height: 0, clientX, serverX, top: HEADER - 8, bottom: 0, arrows: [], states: [], folds: [],
  };
  let y = HEADER + 18;
  layout.states.push({ side: 'client', x: clientX - 6, y, text: ladder.start.client, packet: null });
  layout.states.push({ side: 'server', x: serverX + 6, y, text: ladder.start.server, packet: null });
  y += ROW.states;
  for (const r of ladder.rows) {
    if (r.kind === 'arrow') {
      const [x1, x2] = r.from === 'client' ? [clientX, serverX] : [serverX, clientX];
      y += ROW.arrow / 2;
      layout.arrows.push({
        packet: r.packet, from: r.from, y, x1, x2, time: timeText(r.time), label: r.label, detail: r.detail, notes: r.notes.join(', '),
      });
      y += ROW.arrow / 2 + (r.notes.length > 0 ? ROW.notes : 0);
    } else if (r.kind === 'fold') {
      y += ROW.fold / 2;
      layout.folds.push({ y, text: r.count > 0 ? `… ${r.count} packet${r.count === 1 ? '' : 's'} not shown …` : '…' });
      y += ROW.fold / 2;
    } else {
      y += ROW.states - 4;
      const at = r.packet !== null && !ladder.rows.some((o) => o.kind === 'arrow' && o.packet === r.packet) ? r.packet : null;
      if (r.client) layout.states.push({ side: 'client', x: clientX - 6, y, text: stateLabel(r.client), packet: at });
      if (r.server) layout.states.push({ side: 'server', x: serverX + 6, y, text: stateLabel(r.server), packet: at });
      y += 4;
    }
  }
  layout.bottom = y + 10;
  layout.height = y + 20;
  return layout;
}

function stateLabel(c: { state: string; note: string; uncertain?: true }): string {
  const state = c.uncertain ? `${c.state}?` : c.state;
  const note = c.uncertain ? [c.note, 'time uncertain'].filter((x) => x !== '').join(', ') : c.note;
  return note === '' ? state : `${state} (${note})`;
}

/** Text for SVG/HTML: the five characters that could end an attribute or start markup. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function ladderSvg(ladder: Ladder, width = 760, l: LadderLayout = layoutLadder(ladder, width)): string {
  const e = escapeXml;
  const out: string[] = [];
  out.push(`<svg class="ladder" xmlns="http://www.w3.org/2000/svg" width="${l.width}" height="${l.height}" viewBox="0 0 ${l.width} ${l.height}" role="img" aria-label="${e(ladder.title)}">`);
  out.push(`<text class="end" x="${l.clientX}" y="20" text-anchor="middle">client</text>`);
  out.push(`<text class="addr" x="${l.clientX}" y="36" text-anchor="middle">${e(ladder.client)}</text>`);
  out.push(`<text class="end" x="${l.serverX}" y="20" text-anchor="middle">server</text>`);
  out.push(`<text class="addr" x="${l.serverX}" y="36" text-anchor="middle">${e(ladder.server)}</text>`);
  out.push(`<line class="life" x1="${l.clientX}" y1="${l.top}" x2="${l.clientX}" y2="${l.bottom}"/>`);
  out.push(`<line class="life" x1="${l.serverX}" y1="${l.top}" x2="${l.serverX}" y2="${l.bottom}"/>`);
  const mid = (l.clientX + l.serverX) / 2;
  for (const a of l.arrows) {
    const dir = a.x2 > a.x1 ? 1 : -1;
    const tip = a.x2 - dir; // stop at the line
    const warn = a.notes !== '' ? ' warn' : '';
    out.push(`<g class="arrow${warn}" data-packet="${a.packet}" data-from="${a.from}">`);
    out.push(`<text class="num" x="8" y="${a.y + 4}">#${a.packet}</text><text class="time" x="8" y="${a.y + 16}">${e(a.time)}</text>`);
    out.push(`<line x1="${a.x1}" y1="${a.y}" x2="${tip - dir * 8}" y2="${a.y}"/>`);
    out.push(`<path d="M${tip} ${a.y} l${-dir * 10} -5 v10 z"/>`);
    out.push(`<text class="label" x="${mid}" y="${a.y - 6}" text-anchor="middle">${e(a.label)}</text>`);
    out.push(`<text class="detail" x="${mid}" y="${a.y + 14}" text-anchor="middle">${e(a.detail)}</text>`);
    if (a.notes !== '') out.push(`<text class="note" x="${mid}" y="${a.y + 28}" text-anchor="middle">⚠ ${e(a.notes)}</text>`);
    out.push('</g>');
  }
  for (const s of l.states) {
    const anchor = s.side === 'client' ? 'end' : 'start';
    const at = s.packet !== null ? ` (at #${s.packet})` : '';
    out.push(`<text class="state" x="${s.x}" y="${s.y}" text-anchor="${anchor}">${e(s.text + at)}</text>`);
  }
  for (const f of l.folds) {
    out.push(`<text class="fold" x="${mid}" y="${f.y + 4}" text-anchor="middle">${e(f.text)}</text>`);
  }
  out.push('</svg>');
  return out.join('');
}
