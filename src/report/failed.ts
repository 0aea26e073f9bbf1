/** Tells a capture that could not be read apart from an analysed one. */
import type { AnyReport, FailedReport } from './schema.js';

export function isFailed(report: AnyReport): report is FailedReport {
  return 'error' in report && !('tcp' in report);
}
