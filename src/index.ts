/** statecap as a library: `analyzeCapture(path)` returns the same report object `--format json` prints. */
export { analyzeCapture, DEFAULTS, type AnalyzeOptions } from './pipeline.js';
export * from './report/schema.js';
export type { CaptureRecord, CaptureSummary } from './capture/record.js';
export type { DecodedPacket } from './decode/packet.js';
export type { StateKind, StateSink } from './state/events.js';
export { LINUX_COST_MODEL, parseCostModel, type CostModel } from './state/cost-model.js';
