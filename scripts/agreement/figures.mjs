/**
 * The agreement figures the README states, kept in one place (docs/agreement.json), and the gate
 * that holds them: CI fails when the measured agreement has more disagreements in an area than the
 * stated figure plus one (one capture of slack for the tshark areas, one row for the Zeek areas),
 * so a small honest change can land but a silent drop cannot. Counting disagreements rather than
 * percentages keeps the gate fair when a decoder change makes more captures comparable.
 */

/** The areas in table order: where each figure comes from and how the README names it. */
export const AREAS = [
  { key: 'tcp', tool: 'tshark', unit: 'captures', label: 'tshark `tcp`: flows by first packet, packet counts' },
  { key: 'seq', tool: 'tshark', unit: 'captures', label: 'tshark `seq`: per-flow retransmission/out-of-order/dup-ACK/zero-window/keep-alive counts' },
  { key: 'dns', tool: 'tshark', unit: 'captures', label: 'tshark `dns`: answered queries and unsolicited responses on port 53' },
  { key: 'quic', tool: 'tshark', unit: 'captures', label: 'tshark `quic`: connections by first packet, datagram counts' },
  { key: 'zeekConnState', tool: 'zeek', unit: 'rows', label: 'Zeek conn.log `conn_state`, against each flow\'s `connState`' },
  { key: 'zeekHistory', tool: 'zeek', unit: 'rows', label: 'Zeek conn.log `history`, against each flow\'s `history`' },
  { key: 'zeekRowsConnState', tool: 'zeek-rows', unit: 'rows', label: 'Zeek conn.log `conn_state`, against `tcp.flows[].zeek`' },
  { key: 'zeekRowsHistory', tool: 'zeek-rows', unit: 'rows', label: 'Zeek conn.log `history`, against `tcp.flows[].zeek`' },
  { key: 'zeekDns', tool: 'zeek', unit: 'rows', label: 'Zeek dns.log rows' },
  { key: 'zeekQuic', tool: 'zeek', unit: 'rows', label: 'Zeek quic.log rows (CIDs, SNI, first ALPN)' },
];

/** Disagreements allowed beyond the stated figure, per area. */
export const SLACK = 1;

/**
 * { area: { agree, of } } from agreement.py's --json ({ areas: { tcp: { files, agree } } }) and
 * zeek_agreement.py's --json ({ tally: { conn: [rows, state, history], dns: [rows, same], quic: [rows, same] } }),
 * run once as is (one row per flow) and once through zeek-rows.mjs (the flows' Zeek rows).
 */
export function measuredFigures(tshark, zeek, zeekRows) {
  const out = {};
  for (const key of ['tcp', 'seq', 'dns', 'quic']) {
    const a = tshark?.areas?.[key];
    if (a) out[key] = { agree: a.agree, of: a.files };
  }
  const t = zeek?.tally;
  if (t) {
    out.zeekConnState = { agree: t.conn[1], of: t.conn[0] };
    out.zeekHistory = { agree: t.conn[2], of: t.conn[0] };
    out.zeekDns = { agree: t.dns[1], of: t.dns[0] };
    out.zeekQuic = { agree: t.quic[1], of: t.quic[0] };
  }
  const r = zeekRows?.tally;
  if (r) {
    out.zeekRowsConnState = { agree: r.conn[1], of: r.conn[0] };
    out.zeekRowsHistory = { agree: r.conn[2], of: r.conn[0] };
  }
  return out;
}

/** As the tools print it (one decimal). */
const percent = ({ agree, of }) => (of === 0 ? 100 : (100 * agree) / of).toFixed(1);

/**
 * One line per area: 'ok' or 'FAIL' with the stated and measured figures. An area the run did not
 * measure (its tool missing) is reported as 'skipped' and does not fail the gate.
 */
export function checkFigures(stated, measured) {
  const lines = [];
  let failed = false;
  for (const { key, unit } of AREAS) {
    const s = stated.areas[key];
    const m = measured[key];
    if (s === undefined) continue;
    if (m === undefined) {
      lines.push(`skipped ${key}: not measured`);
      continue;
    }
    const allowed = s.of - s.agree + SLACK;
    const have = m.of - m.agree;
    const ok = have <= allowed;
    failed ||= !ok;
    lines.push(`${ok ? 'ok  ' : 'FAIL'} ${key}: ${m.agree}/${m.of} ${unit} (${percent(m)}%), README states ${s.agree}/${s.of} (${percent(s)}%); ` +
      `${have} disagree, at most ${allowed} allowed`);
  }
  return { failed, lines };
}

/** The README's agreement table, rendered from the figures file (the README holds this exact text). */
export function renderTable(stated) {
  const rows = [`| comparison (${stated.date}) | agree | target |`, '|---|---|---|'];
  for (const { key, unit, label } of AREAS) {
    const s = stated.areas[key];
    if (s === undefined) continue;
    rows.push(`| ${label} | ${s.agree}/${s.of} ${unit} (${percent(s)}%) | ${s.target}% |`);
  }
  return rows.join('\n');
}

export const TABLE_START = '<!-- agreement-figures: generated from docs/agreement.json by scripts/agreement/gate.mjs --write -->';
export const TABLE_END = '<!-- /agreement-figures -->';

/** The README with its table between the markers replaced; throws when the markers are missing. */
export function replaceTable(readme, stated) {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error('README.md has no agreement-figures markers');
  return readme.slice(0, start + TABLE_START.length) + '\n' + renderTable(stated) + '\n' + readme.slice(end);
}
