/** statecap as a library: `analyzeCapture(path)` returns the same report object `--format json` prints. */
export { analyzeCapture, DEFAULTS, type AnalyzeOptions } from './pipeline.js';
export * from './report/schema.js';
export type { CaptureRecord, CaptureSummary } from './capture/record.js';
export type { DecodedPacket } from './decode/packet.js';
export type { StateKind, StateSink } from './state/events.js';
export { LINUX_COST_MODEL, parseCostModel, type CostModel } from './state/cost-model.js';
export { readCapture, readCaptureStream, type ReadOptions } from './capture/open.js';
export { decodePacket } from './decode/decode.js';
export { renderTable, renderStateTable } from './report/table.js';
export { renderMarkdown } from './report/markdown.js';
export { ndjsonRecords } from './report/ndjson.js';
export { evaluateMetric, metricsMarkdownTable } from './check/metrics.js';
export { parseExpectation } from './check/expectation.js';
export { runChecks, checkExitCode } from './check/run.js';
export { renderJunit } from './check/junit.js';
export { parseRubric } from './grade/rubric.js';
export { gradeSubmission } from './grade/grade.js';
export { renderGrades, gradescopeResults } from './grade/formats.js';
