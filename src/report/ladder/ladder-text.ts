/**
 * A ladder diagram as terminal text (`statecap explain`): packet number and time on the left, the
 * client's states right-aligned against its line, the server's beside its own, arrows between,
 * fitted to a width. Box-drawing characters, or plain ASCII with `ascii`.
 */
import type { Ladder, LadderArrow, LadderRow, StateChange } from './ladder.js';

export interface LadderTextOptions {
  /** Columns to fit (the terminal's width); at least 60 are used. */
  width: number;
  ascii: boolean;
}

interface Glyphs { line: string; start: string; end: string; dash: string; right: string; left: string; note: string; fold: string; ellipsis: string }

const BOX: Glyphs = { line: '│', start: '├', end: '┤', dash: '─', right: '▶', left: '◀', note: '⚠', fold: '┊', ellipsis: '…' };
const ASCII: Glyphs = { line: '|', start: '+', end: '+', dash: '-', right: '>', left: '<', note: '!', fold: ':', ellipsis: '...' };

const MIN_WIDTH = 60;
const MIN_ARROW = 16;
const MAX_STATE = 26;

function fit(text: string, width: number, g: Glyphs): string {
  if (text.length <= width) return text;
  if (width <= g.ellipsis.length) return text.slice(0, Math.max(0, width));
  return text.slice(0, width - g.ellipsis.length) + g.ellipsis;
}

/** Wire text (a DNS name) may hold control characters: shown escaped, never sent to the terminal. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function stateText(change: StateChange): string {
  const state = change.uncertain ? `${change.state}?` : change.state;
  return change.note === '' ? state : `${state} ${change.note}`;
}

/** Said under the diagram when a state carries the "?" mark. */
export const UNCERTAIN_LEGEND = '? when this change happened is an estimate (a retransmitted SYN or FIN, or crossing FINs)';

/** An arrow's labels from the most detailed down: all numbers, without the window, flags alone. */
function labelLevels(a: LadderArrow): string[] {
  const tokens = a.detail === '' ? [] : a.detail.split(' ');
  return [
    [a.label, ...tokens].join(' '),
    [a.label, ...tokens.filter((t) => !t.startsWith('win='))].join(' '),
    a.label,
  ];
}

/** Room for a label in an arrow: two spaces around it, at least one dash on each side, and the head. */
const labelRoom = (width: number): number => width - 5;

/** The most detailed level at which every arrow's label fits, so that all arrows read alike. */
function labelLevel(arrows: readonly LadderArrow[], width: number): number {
  for (let level = 0; level < 2; level++) {
    if (arrows.every((a) => labelLevels(a)[level].length <= labelRoom(width))) return level;
  }
  return 2;
}

function arrowArea(a: LadderArrow, width: number, level: number, g: Glyphs): string {
  const label = fit(labelLevels(a)[level], labelRoom(width), g);
  const dashes = width - label.length - 3;
  const pre = Math.max(1, Math.floor(dashes / 2));
  const post = Math.max(1, dashes - pre);
  const body = `${g.dash.repeat(pre)} ${label} ${g.dash.repeat(post)}`;
  return a.from === 'client' ? `${body}${g.right}` : `${g.left}${body}`;
}

function center(text: string, width: number): string {
  const pad = Math.max(0, width - text.length);
  const left = Math.floor(pad / 2);
  return ' '.repeat(left) + text + ' '.repeat(pad - left);
}

function formatTime(time: number): string {
  return Number.isFinite(time) ? time.toFixed(6) : '';
}

export function renderLadderText(ladder: Ladder, options: LadderTextOptions): string {
  const g = options.ascii ? ASCII : BOX;
  const width = Math.max(MIN_WIDTH, Math.floor(options.width));
  const arrows = ladder.rows.filter((r): r is LadderArrow => r.kind === 'arrow');
  const numberWidth = Math.max(1, ...arrows.map((a) => String(a.packet).length)) + 1;
  const timeWidth = Math.max(4, ...arrows.map((a) => formatTime(a.time).length));
  const stateTexts = [ladder.start.client, ladder.start.server];
  for (const r of ladder.rows) {
    if (r.kind !== 'states') continue;
    if (r.client) stateTexts.push(stateText(r.client));
    if (r.server) stateTexts.push(stateText(r.server));
  }
  let stateWidth = Math.min(MAX_STATE, Math.max(...stateTexts.map((s) => s.length)));
  const fixed = (): number => numberWidth + 1 + timeWidth + 1 + 2 * stateWidth + 4;
  if (width - fixed() < MIN_ARROW) stateWidth = Math.max(8, Math.floor((width - numberWidth - timeWidth - 6 - MIN_ARROW) / 2));
  const arrowWidth = Math.max(MIN_ARROW, width - fixed());
  const level = labelLevel(arrows, arrowWidth);

  const gutter = (packet: string, time: string): string => `${packet.padStart(numberWidth)} ${time.padStart(timeWidth)} `;
  const blankGutter = gutter('', '');
  const row = (left: string, lineL: string, area: string, lineR: string, right: string, gut = blankGutter): string =>
    `${gut}${fit(left, stateWidth, g).padStart(stateWidth)} ${lineL}${area}${lineR} ${fit(right, stateWidth, g)}`.trimEnd();

  const lines: string[] = [ladder.title, ''];
  lines.push(row('client', ' ', center('', arrowWidth), ' ', 'server', gutter('#', 'time')));
  lines.push(row(fit(ladder.client, stateWidth, g), g.line, ' '.repeat(arrowWidth), g.line, ladder.server));
  lines.push(row(ladder.start.client, g.line, ' '.repeat(arrowWidth), g.line, ladder.start.server));
  for (const r of ladder.rows) lines.push(...renderRow(r));
  if (ladder.rows.some((r) => r.kind === 'states' && (r.client?.uncertain || r.server?.uncertain))) lines.push('', UNCERTAIN_LEGEND);
  return `${lines.map(printable).join('\n')}\n`;

  function renderRow(r: LadderRow): string[] {
    if (r.kind === 'arrow') {
      const area = arrowArea(r, arrowWidth, level, g);
      const out = [row('', r.from === 'client' ? g.start : g.line, area, r.from === 'server' ? g.end : g.line, '', gutter(`#${r.packet}`, formatTime(r.time)))];
      if (r.notes.length > 0) out.push(row('', g.line, center(fit(`${g.note} ${r.notes.join(', ')}`, arrowWidth - 2, g), arrowWidth), g.line, ''));
      return out;
    }
    if (r.kind === 'fold') {
      const texts = [`${r.count} packet${r.count === 1 ? '' : 's'} not shown`, `${r.count} not shown`, `${r.count}`]
        .map((t) => `${g.ellipsis} ${t} ${g.ellipsis}`);
      const text = texts.find((t) => t.length <= arrowWidth) ?? g.ellipsis;
      return [row('', g.fold, center(text, arrowWidth), g.fold, '')];
    }
    // A change at a packet that is not drawn (folded, or the end) says where it happened.
    const drawn = r.packet !== null && arrows.some((a) => a.packet === r.packet);
    const gut = drawn ? blankGutter : gutter(r.packet === null ? 'end' : `#${r.packet}`, formatTime(r.time));
    return [row(r.client ? stateText(r.client) : '', g.line, ' '.repeat(arrowWidth), g.line, r.server ? stateText(r.server) : '', gut)];
  }
}
