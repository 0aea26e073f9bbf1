/**
 * `--format html`: one self-contained page per run (every capture in it), made to open from disk
 * or as a CI artifact. CSS, uPlot and our script are inline; a Content-Security-Policy forbids
 * every request, so the page can make none. Sections per capture: the summary (the table view's
 * facts, verdicts with reasons, problems), state over time per endpoint, the lists of TCP flows,
 * DNS transactions and QUIC connections, and ladder diagrams. Everything links to everything
 * it names, and a search box filters by address or port.
 *
 * Scale: lists stop at `maxRows`, charts at the `maxCharts` endpoints holding most, ladders at the
 * first `maxLadders` conversations of each kind, each saying what it left out; chart data is
 * decimated per pixel. The page of a million-packet capture stays a few MB.
 */
import type { AnyReport, EndpointReport, Report, TcpFlowReport } from '../schema.js';
import { isFailed } from '../failed.js';
import { countOf, formatBytes, formatCounts, formatSeconds, formatTime } from '../format.js';
import { findProblems } from '../problems.js';
import { restartLine } from '../table-endpoints.js';
import { parseEndpoint } from '../../flow/endpoint.js';
import { dnsLadder, ladderId, quicLadder, tcpLadder, type Ladder } from '../ladder/ladder.js';
import { ladderSvg, layoutLadder } from '../ladder/ladder-svg.js';
import { endpointChart, type EndpointChart } from './chart-data.js';
import { chartLibrary } from './assets.js';
import { CLIENT_SCRIPT } from './client-script.js';
import { escapeHtml as h, jsonForScript } from './embed.js';
import { PAGE_CSS } from './style.js';

export interface HtmlOptions {
  /** Rows per list (endpoints, flows, transactions, connections); default 1000. */
  maxRows?: number;
  /** Endpoints charted per capture, those holding most first; default 20. */
  maxCharts?: number;
  /** Ladders per kind (TCP, DNS, QUIC) per capture; default 200. */
  maxLadders?: number;
  /** "statecap 0.1.0", written in the footer. */
  generator?: string;
}

export const HTML_DEFAULTS = { maxRows: 1000, maxCharts: 20, maxLadders: 100 } as const;

/** Packets logged at each end of a flow for its ladder (the recorder's first/last N). */
export const HTML_LADDER_PACKETS = 10;

/** Content height of a ladder figure besides its SVG: the caption (19 px) and its margin (4 px), see style.ts. */
const LADDER_CHROME = 23;

/**
 * Endpoint rows listed: a table whose cells wrap long reasons costs the browser most of its layout
 * time, so it stops sooner than the other lists (the JSON report lists every endpoint).
 */
function endpointRows(o: { maxRows: number }): number {
  return Math.min(o.maxRows, 200);
}

/** Anchors, prefixed by the capture's position so several captures share one page. */
function anchors(ci: number) {
  return {
    capture: `c${ci}`,
    endpoint: (i: number) => `c${ci}-ep-${i}`,
    endpointRow: (i: number) => `c${ci}-ep-${i}-row`,
    tcp: (id: number) => `c${ci}-${ladderId.tcp(id)}`,
    tcpRow: (id: number) => `c${ci}-${ladderId.tcp(id)}-row`,
    dns: (i: number) => `c${ci}-${ladderId.dns(i)}`,
    dnsRow: (i: number) => `c${ci}-${ladderId.dns(i)}-row`,
    quic: (id: number) => `c${ci}-${ladderId.quic(id)}`,
    quicRow: (id: number) => `c${ci}-${ladderId.quic(id)}-row`,
  };
}
type Anchors = ReturnType<typeof anchors>;

/** Lower-case text the search box matches: addresses, ports, names. */
function searchText(...parts: (string | number | null | undefined)[]): string {
  return h(parts.filter((p) => p !== null && p !== undefined).join(' ').toLowerCase());
}

function more(shown: number, total: number, noun: string): string {
  return total > shown ? `<p class="more">… ${total - shown} more ${noun} not shown here (the JSON report lists them).</p>` : '';
}

interface CaptureContext {
  r: Report;
  a: Anchors;
  o: Required<Omit<HtmlOptions, 'generator'>>;
  /** Endpoint name → anchor (its chart section when charted, else its row). */
  endpointLink: Map<string, string>;
  charts: EndpointChart[];
  ladders: { tcp: Set<number>; dns: Set<number>; quic: Set<number> };
}

function link(href: string | undefined, text: string): string {
  return href === undefined ? h(text) : `<a href="#${href}">${h(text)}</a>`;
}

/** A flow end ("10.0.0.1:40000") links to its endpoint: the server by ip:port, the client by address. */
function endLink(c: CaptureContext, text: string, role: 'client' | 'server'): string {
  const target = role === 'server' ? c.endpointLink.get(text) : c.endpointLink.get(parseEndpoint(text).address);
  return link(target, text);
}

function idsLinks(ids: number[], anchor: (id: number) => string, has: Set<number>, rowAnchor: (id: number) => string): string {
  const shown = ids.slice(0, 20).map((id) => `<a href="#${has.has(id) ? anchor(id) : rowAnchor(id)}">${id}</a>`).join(', ');
  return ids.length > 20 ? `${shown} … (+${ids.length - 20})` : shown;
}

function summary(c: CaptureContext): string {
  const r = c.r;
  const cap = r.capture;
  const duration = cap.firstTime !== null && cap.lastTime !== null ? cap.lastTime - cap.firstTime : null;
  const facts = [
    ['Packets', `${cap.packets} (${formatBytes(cap.bytes)})`],
    ['Format', `${cap.format ?? 'unknown'}${cap.compressed ? ', gzip' : ''}; ${cap.linkTypes.join(', ') || 'no link type'}`],
    ['Time', `${formatTime(cap.firstTime)} to ${formatTime(cap.lastTime)} (${formatSeconds(duration)})`],
    ['TCP', `${countOf(r.tcp.summary.flows, 'connection', 'connections')} (${formatCounts(r.tcp.summary.connStates)}), ${countOf(r.tcp.summary.retransmissions, 'retransmission', 'retransmissions')}`],
    ['DNS', `${countOf(r.dns.summary.queries, 'query', 'queries')}: ${r.dns.summary.answered} answered, ${r.dns.summary.unanswered} unanswered, RTT median ${formatSeconds(r.dns.summary.rttMedian)}`],
    ['QUIC', `${countOf(r.quic.summary.connections, 'connection', 'connections')}, ${r.quic.summary.handshakes.complete} complete handshakes`],
  ];
  const problems = findProblems(r);
  const problemList = problems.length === 0 ? '<p>No problems found.</p>'
    : `<ul class="problems">${problems.slice(0, c.o.maxRows).map((p) => `<li><b>${h(p.area.toUpperCase())}</b> ${h(p.text)}${p.where === '' ? '' : ` <span class="where">(packets ${h(p.where)})</span>`}</li>`).join('')}</ul>${more(Math.min(problems.length, c.o.maxRows), problems.length, 'problems')}`;
  return `<section class="summary"><h3>Summary</h3><dl>${facts.map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`).join('')}</dl>
<h4>Problems found (${problems.length})</h4>${problemList}</section>`;
}

function endpointsTable(c: CaptureContext): string {
  const list = c.r.endpoints;
  if (list.length === 0) return '<section><h3>Endpoints</h3><p>No endpoint held state.</p></section>';
  const rows = list.slice(0, endpointRows(c.o)).map((e, i) => {
    const restart = restartLine(e);
    const [first, ...rest] = [...e.reasons, ...(restart === null ? [] : [restart])];
    // The first reason shows; the others wait in a closed <details> (not laid out until opened).
    const why = first === undefined ? '' : rest.length === 0 ? h(first)
      : `<details><summary>${h(first)}</summary><ul class="why">${rest.map((x) => `<li>${h(x)}</li>`).join('')}</ul></details>`;
    return `<tr id="${c.a.endpointRow(i)}" data-search="${searchText(e.endpoint, e.role, e.verdict)}">
<td>${link(c.endpointLink.get(e.endpoint), e.endpoint)}</td><td>${e.role}</td><td class="${e.verdict}">${e.verdict}</td>
<td class="n">${e.peak.entries}</td><td class="n">${e.peak.packet === null ? '-' : `#${e.peak.packet}`}</td>
<td class="n">${formatBytes(e.peakBytes.bytes)}</td><td class="n">${formatSeconds(e.idleSeconds)}</td><td>${e.stickyRouting}</td>
<td>${why}</td></tr>`;
  });
  return `<section><h3>Endpoints (${list.length}), by peak state</h3><table class="list"><thead><tr>
<th>Endpoint</th><th>Role</th><th>Verdict</th><th>Peak entries</th><th>At</th><th>Peak bytes</th><th>Idle</th><th>Sticky routing</th><th>Why, and what a restart breaks</th>
</tr></thead><tbody>${rows.join('')}</tbody></table>${more(rows.length, list.length, 'endpoints')}</section>`;
}

function chartSection(c: CaptureContext, e: EndpointReport, chart: EndpointChart): string {
  const windows = e.idleWindows.slice(0, 8).map((w) => `${formatSeconds(w.seconds)} from ${w.fromPacket === null ? 'the start' : `#${w.fromPacket}`} to ${w.toPacket === null ? 'the end' : `#${w.toPacket}`}`);
  let restart = '';
  if (e.restart !== null) {
    // Flow ids per protocol; those with ladders and list rows here are linked.
    const linked: Record<string, [(id: number) => string, Set<number>, (id: number) => string]> = {
      tcp: [c.a.tcp, c.ladders.tcp, c.a.tcpRow], dns: [c.a.dns, c.ladders.dns, c.a.dnsRow], quic: [c.a.quic, c.ladders.quic, c.a.quicRow],
    };
    const broken = Object.entries(e.restart.breaks).filter(([, ids]) => ids.length > 0).map(([proto, ids]) => {
      const l = linked[proto];
      return `${h(proto.toUpperCase())} ${l === undefined ? h(ids.slice(0, 20).join(', ')) : idsLinks(ids, l[0], l[1], l[2])}`;
    });
    const when = e.restart.basis === 'requested' ? 'A restart (--restart-at)' : 'A restart at the moment of most state';
    const at = e.restart.at.packet === null ? '' : ` after packet #${e.restart.at.packet}`;
    restart = `<p class="restart">${when}${at} breaks ${broken.length === 0 ? 'nothing' : broken.join('; ')}.</p>`;
  }
  return `<section class="endpoint" id="${chart.id}" data-search="${searchText(e.endpoint, e.role)}">
<h4>${h(e.endpoint)} <span class="role">${e.role}</span> <span class="${e.verdict}">${e.verdict}</span></h4>
<ul class="why">${e.reasons.map((x) => `<li>${h(x)}</li>`).join('')}</ul>
<p>Peak ${countOf(e.peak.entries, 'entry', 'entries')} at packet #${e.peak.packet ?? '-'}; peak ${formatBytes(e.peakBytes.bytes)} at packet #${e.peakBytes.packet ?? '-'}; mean ${formatBytes(e.meanBytes)}.
${e.role === 'server' ? `Restart-safe (shaded): ${formatSeconds(e.idleSeconds)}${windows.length > 0 ? ` — ${h(windows.join('; '))}${e.idleWindows.length > windows.length ? ' …' : ''}` : ''}.` : ''}</p>
${restart}
<div class="chart" id="${chart.id}-chart"></div><div class="hover" id="${chart.id}-hover">Hover a chart for time, packet, entries and bytes; drag to zoom, wheel to zoom, shift-drag to pan, double-click to reset.</div>
</section>`;
}

function flowsTable(c: CaptureContext): string {
  const flows = c.r.tcp.flows;
  if (flows.length === 0) return '';
  const rows = flows.slice(0, c.o.maxRows).map((f) => `<tr id="${c.a.tcpRow(f.id)}" data-search="${searchText(f.client, f.server, `tcp ${f.id}`)}">
<td>${c.ladders.tcp.has(f.id) ? `<a href="#${c.a.tcp(f.id)}">${f.id}</a>` : f.id}</td><td>${endLink(c, f.client, 'client')}</td><td>${endLink(c, f.server, 'server')}</td>
<td class="n">${f.packets}</td><td class="n">#${f.firstPacket}–#${f.lastPacket}</td><td>${f.connState}</td><td>${f.handshake}</td>
<td>${f.finalState.client} / ${f.finalState.server}</td><td class="n">${f.analysis.retransmissions}</td><td>${h(f.history)}</td></tr>`);
  return `<section><h3>TCP connections (${c.r.tcp.summary.flows})</h3><table class="list"><thead><tr>
<th>Flow</th><th>Client</th><th>Server</th><th>Packets</th><th>Range</th><th>State</th><th>Handshake</th><th>Final states (client / server)</th><th>Retrans.</th><th>History</th>
</tr></thead><tbody>${rows.join('')}</tbody></table>${more(rows.length, c.r.tcp.summary.flows, 'TCP connections')}</section>`;
}

function dnsTable(c: CaptureContext): string {
  const list = c.r.dns.transactions;
  if (list.length === 0) return '';
  const rows = list.slice(0, c.o.maxRows).map((t) => `<tr id="${c.a.dnsRow(t.index)}" data-search="${searchText(t.client, t.server, t.qname, `dns ${t.index}`)}">
<td>${c.ladders.dns.has(t.index) ? `<a href="#${c.a.dns(t.index)}">${t.index}</a>` : t.index}</td><td>${endLink(c, t.client, 'client')}</td><td>${endLink(c, t.server, 'server')}</td>
<td>${h(t.qname ?? '-')}</td><td>${h(t.qtype ?? '-')}</td><td>${t.outcome}</td><td>${h(t.rcode ?? '-')}</td><td class="n">${formatSeconds(t.rtt)}</td><td>${t.transport}</td></tr>`);
  return `<section><h3>DNS transactions (${c.r.dns.summary.queries})</h3><table class="list"><thead><tr>
<th>#</th><th>Client</th><th>Server</th><th>Name</th><th>Type</th><th>Outcome</th><th>RCODE</th><th>RTT</th><th>Transport</th>
</tr></thead><tbody>${rows.join('')}</tbody></table>${more(rows.length, c.r.dns.summary.queries, 'DNS transactions')}</section>`;
}

function quicTable(c: CaptureContext): string {
  const list = c.r.quic.connections;
  if (list.length === 0) return '';
  const rows = list.slice(0, c.o.maxRows).map((q) => `<tr id="${c.a.quicRow(q.id)}" data-search="${searchText(q.client, q.server, q.serverName, `quic ${q.id}`)}">
<td>${c.ladders.quic.has(q.id) ? `<a href="#${c.a.quic(q.id)}">${q.id}</a>` : q.id}</td><td>${endLink(c, q.client, 'client')}</td><td>${endLink(c, q.server, 'server')}</td>
<td>${h(q.serverName ?? '-')}</td><td>${h(q.alpn.join(', ') || '-')}</td><td class="n">${q.datagrams}</td><td>${q.handshake}</td><td>${h(q.ended)}</td></tr>`);
  return `<section><h3>QUIC connections (${c.r.quic.summary.connections})</h3><table class="list"><thead><tr>
<th>#</th><th>Client</th><th>Server</th><th>SNI</th><th>ALPN</th><th>Datagrams</th><th>Handshake</th><th>Ended</th>
</tr></thead><tbody>${rows.join('')}</tbody></table>${more(rows.length, c.r.quic.summary.connections, 'QUIC connections')}</section>`;
}

function laddersSection(c: CaptureContext): string {
  const parts: string[] = [];
  // Off-screen ladders are neither laid out nor painted (content-visibility: auto); their size is
  // given exactly, so the page does not shift and a jump to one lands on it.
  const ladder = (id: string, rowId: string, search: string, l: Ladder): string => {
    const layout = layoutLadder(l);
    return `<figure class="ladder" id="${id}" data-search="${search}" style="contain-intrinsic-size: auto ${layout.height + LADDER_CHROME}px">` +
      `<figcaption>${h(l.title)} <a class="up" href="#${rowId}">↑ list</a></figcaption>${ladderSvg(l, layout.width, layout)}</figure>`;
  };
  const tcp = c.r.tcp.flows.filter((f) => c.ladders.tcp.has(f.id));
  for (const f of tcp) parts.push(ladder(c.a.tcp(f.id), c.a.tcpRow(f.id), searchText(f.client, f.server, `tcp ${f.id}`), tcpLadder(f)));
  for (const t of c.r.dns.transactions.filter((x) => c.ladders.dns.has(x.index))) {
    parts.push(ladder(c.a.dns(t.index), c.a.dnsRow(t.index), searchText(t.client, t.server, t.qname, `dns ${t.index}`), dnsLadder(t)));
  }
  for (const q of c.r.quic.connections.filter((x) => c.ladders.quic.has(x.id))) {
    parts.push(ladder(c.a.quic(q.id), c.a.quicRow(q.id), searchText(q.client, q.server, q.serverName, `quic ${q.id}`), quicLadder(q)));
  }
  if (parts.length === 0) return '';
  const cut = c.r.tcp.flows.length - tcp.length;
  return `<section><h3>Ladder diagrams</h3>${cut > 0 ? `<p class="more">Ladders of the first ${tcp.length} TCP connections; ${cut} more are in the list only.</p>` : ''}${parts.join('\n')}</section>`;
}

function captureSection(r: Report, ci: number, o: CaptureContext['o'], charts: EndpointChart[]): string {
  const a = anchors(ci);
  const charted = r.endpoints.slice(0, o.maxCharts).filter((e) => e.peak.entries > 0);
  const endpointLink = new Map<string, string>();
  r.endpoints.slice(0, endpointRows(o)).forEach((e, i) => endpointLink.set(e.endpoint, a.endpointRow(i)));
  const chartOf = new Map<EndpointReport, EndpointChart>();
  for (const e of charted) {
    const i = r.endpoints.indexOf(e);
    const chart = endpointChart(r, e, a.endpoint(i));
    chartOf.set(e, chart);
    charts.push(chart);
    endpointLink.set(e.endpoint, a.endpoint(i));
  }
  const firstIds = <T>(list: T[], id: (x: T) => number): Set<number> => new Set(list.slice(0, o.maxLadders).map(id));
  const c: CaptureContext = {
    r, a, o, endpointLink, charts,
    ladders: {
      tcp: firstIds(r.tcp.flows.filter((f: TcpFlowReport) => f.packetLog !== undefined), (f) => f.id),
      dns: firstIds(r.dns.transactions, (t) => t.index),
      quic: firstIds(r.quic.connections, (q) => q.id),
    },
  };
  const chartsHtml = charted.map((e) => chartSection(c, e, chartOf.get(e) as EndpointChart)).join('\n');
  const cut = r.endpoints.filter((e) => e.peak.entries > 0).length - charted.length;
  return `<article class="capture" id="${a.capture}"><h2>${h(r.capture.path)}</h2>
${summary(c)}
${endpointsTable(c)}
<section><h3>State over time</h3>${chartsHtml || '<p>No endpoint held state.</p>'}${cut > 0 ? `<p class="more">Charts of the ${charted.length} endpoints holding most; ${cut} more in the table above.</p>` : ''}</section>
${flowsTable(c)}
${dnsTable(c)}
${quicTable(c)}
${laddersSection(c)}
</article>`;
}

/** The whole page. Every report becomes one <article>; a failed capture shows its error. */
export function renderHtml(reports: readonly AnyReport[], options: HtmlOptions = {}): string {
  const o = {
    maxRows: options.maxRows ?? HTML_DEFAULTS.maxRows,
    maxCharts: options.maxCharts ?? HTML_DEFAULTS.maxCharts,
    maxLadders: options.maxLadders ?? HTML_DEFAULTS.maxLadders,
  };
  const lib = chartLibrary();
  const charts: EndpointChart[] = [];
  const articles = reports.map((r, ci) => isFailed(r)
    ? `<article class="capture" id="c${ci}"><h2>${h(r.capture.path)}</h2><p class="error">${h(r.error)}</p></article>`
    : captureSection(r, ci, o, charts));
  const nav = reports.map((r, ci) => `<a href="#c${ci}">${h(r.capture.path)}</a>`).join(' · ');
  const title = reports.length === 1 ? `statecap: ${reports[0].capture.path}` : `statecap: ${reports.length} captures`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title>
<style>${lib.css}</style>
<style>${PAGE_CSS}</style>
</head><body>
<header><h1>statecap report</h1><nav>${nav}</nav>
<label class="search">Filter by address or port <input id="search" type="search" placeholder="10.0.0.1, :443, example.com" autocomplete="off"></label> <span id="search-count"></span></header>
<main>
${articles.join('\n')}
</main>
<footer>Made by ${h(options.generator ?? 'statecap')}. Charts drawn with uPlot ${h(lib.version)} (MIT license, below), inlined: this page makes no network request.
<details><summary>uPlot license</summary><pre>${h(lib.license)}</pre></details></footer>
<script type="application/json" id="statecap-data">${jsonForScript({ charts })}</script>
<script>/*! uPlot ${lib.version} | MIT License | (c) Leon Sorokin | https://github.com/leeoniya/uPlot */
${lib.script}</script>
<script>${CLIENT_SCRIPT}</script>
</body></html>
`;
}
