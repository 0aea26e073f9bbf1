/** The endpoint of a report by name, or a failure listing the names there are. */
import type { EndpointReport, Report } from '../../src/report/schema.js';

export function named(report: Pick<Report, 'endpoints'>, name: string): EndpointReport {
  const found = report.endpoints.find((e) => e.endpoint === name);
  if (found === undefined) throw new Error(`no endpoint ${name} in ${report.endpoints.map((e) => e.endpoint).join(', ')}`);
  return found;
}
