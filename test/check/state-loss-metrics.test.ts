/**
 * The check metrics of issue 11 on the factory's sample report, which lists two attempt
 * destinations (10.0.0.2:22 refused by RST, 10.0.0.54:53 refused by ICMP) and one state loss
 * (packet 16, tcp-reset-established at 10.0.0.2:443).
 */
import { describe, expect, it } from 'vitest';
import { evaluateMetric } from '../../src/check/metrics.js';
import { judge } from '../../src/check/judge.js';
import { parseExpectation } from '../../src/check/expectation.js';
import { makeReport, sampleReport } from '../report/factory.js';

describe('stateLoss and attempts metrics', () => {
  const report = sampleReport('lab.pcap');

  it('count the state losses, by kind, naming each with its packet', () => {
    expect(evaluateMetric(report, 'stateLoss.total')).toEqual({ value: 1 });
    expect(evaluateMetric(report, 'stateLoss.tcp-reset-established')).toEqual({ value: 1 });
    expect(evaluateMetric(report, 'stateLoss.quic-stateless-reset')).toEqual({ value: 0 });
    // A failed `stateLoss.total == 0` names the loss with its packet.
    const e = parseExpectation('stateLoss.total == 0');
    if ('error' in e) throw new Error(e.error);
    const j = judge([report], e);
    if ('error' in j) throw new Error(j.error);
    expect(j.explanation).toContain('#16 tcp-reset-established at 10.0.0.2:443');
  });

  it('count the destinations that never answered', () => {
    expect(evaluateMetric(report, 'attempts.total')).toEqual({ value: 2 });
    expect(evaluateMetric(makeReport({}), 'attempts.total')).toEqual({ value: 0 });
  });
});
