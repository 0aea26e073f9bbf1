/**
 * The report object: what `analyzeCapture` returns and `--format json` prints (statecap/report-v1).
 * The row types live in src/model/ (shared by track/, state/ and report/); this module puts them
 * together: the frame (model/report.ts) plus one section per registered tracker (track/registry.ts).
 */
import type { ReportBase, FailedReport } from '../model/report.js';
import type { TrackerSections } from '../track/registry.js';

export * from '../model/report.js';
export * from '../model/classification.js';
export * from '../model/tcp.js';
export * from '../model/dns.js';
export * from '../model/quic.js';
export * from '../model/endpoint.js';
export type { StateKind } from '../model/state-kind.js';

export interface Report extends ReportBase, TrackerSections {}

export type AnyReport = Report | FailedReport;
