/**
 * What every fuzz run must end in: a Report or a FailedReport (never an exception), whose
 * messages are single lines naming the file, with no non-finite numbers, that every renderer
 * (JSON, table, markdown, NDJSON) can print. Shared by the worker, --replay and the tests.
 */
import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';

/** Loads the pipeline and the renderers from a built dist/ folder. */
export async function loadApi(distDir) {
  const dist = resolve(distDir);
  const url = (p) => pathToFileURL(join(dist, p)).href;
  const [{ analyzeCapture }, table, markdown, ndjson] = await Promise.all([
    import(url('index.js')), import(url('report/table.js')), import(url('report/markdown.js')), import(url('report/ndjson.js')),
  ]);
  return { analyzeCapture, renderTable: table.renderTable, renderMarkdown: markdown.renderMarkdown, ndjsonRecords: ndjson.ndjsonRecords };
}

/** Numbers that JSON would print as null: NaN and +-Infinity, by JSON path (bounded walk). */
function nonFinite(value, path, found, budget) {
  if (found.length >= 3 || budget.left-- <= 0) return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) found.push(`${path} is ${value}`);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) nonFinite(value[i], `${path}[${i}]`, found, budget);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) nonFinite(v, `${path}.${k}`, found, budget);
  }
}

const oneLine = (s) => typeof s === 'string' && s.length > 0 && !s.includes('\n');

/** Contract violations of a report for capture `path` (empty when it is fine). */
export function problemsOf(report, path) {
  const problems = [];
  if (report === null || typeof report !== 'object') return [`not a report: ${typeof report}`];
  if (report.schema !== 'statecap/report-v1') problems.push(`schema is ${report.schema}`);
  if ('error' in report && !('tcp' in report)) {
    if (!oneLine(report.error)) problems.push('FailedReport error is not one line');
    else if (!report.error.includes(path)) problems.push('FailedReport error does not name the file');
    if (report.capture?.path !== path) problems.push('FailedReport capture.path differs');
    return problems;
  }
  const c = report.capture;
  if (!c || !Number.isInteger(c.packets) || c.packets < 0) problems.push('capture.packets is not a count');
  if (c?.error !== undefined && (!oneLine(c.error) || !c.error.includes(path))) problems.push('capture.error is not one line naming the file');
  for (const w of report.warnings ?? []) if (!oneLine(w) || !w.startsWith(path)) problems.push(`warning not one line naming the file: ${JSON.stringify(w).slice(0, 80)}`);
  if (!Array.isArray(report.tcp?.flows) || !Array.isArray(report.dns?.transactions) || !Array.isArray(report.quic?.connections)) problems.push('missing tcp/dns/quic');
  const found = [];
  nonFinite(report, '$', found, { left: 200_000 });
  problems.push(...found);
  return problems;
}

/**
 * Analyzes `path` and renders the result as JSON and as `render` ('all' by default: table,
 * markdown and NDJSON; 'json' for JSON alone). Throws whatever the pipeline or a renderer throws (the caller records it
 * as a crash); returns the outcome and contract problems.
 */
export async function runOne(api, path, options, render = 'all') {
  const report = await api.analyzeCapture(path, options);
  const problems = problemsOf(report, path);
  JSON.stringify(report);
  if (render === 'all' || render === 'table') api.renderTable([report], { color: false });
  if (render === 'all' || render === 'markdown') api.renderMarkdown([report]);
  if (render === 'all' || render === 'ndjson') {
    for (const rec of api.ndjsonRecords(report, 'analyze')) JSON.stringify(rec);
    for (const rec of api.ndjsonRecords(report, 'state')) JSON.stringify(rec);
  }
  const failed = 'error' in report && !('tcp' in report);
  return { outcome: failed ? 'failed' : report.capture.error ? 'stopped' : 'report', packets: failed ? 0 : report.capture.packets, problems };
}
