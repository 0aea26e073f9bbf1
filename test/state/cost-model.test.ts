import { describe, expect, it } from 'vitest';
import { costKeys, LINUX_COST_MODEL, parseCostModel } from '../../src/state/cost-model.js';
import { client, endpointNamed, hold, play, server, tcp, buffer } from './script.js';

describe('LINUX_COST_MODEL', () => {
  it('prices every kind and buffered bytes, each with a source', () => {
    for (const key of costKeys()) {
      expect(LINUX_COST_MODEL.entries[key].bytes, key).toBeGreaterThan(0);
      expect(LINUX_COST_MODEL.entries[key].source.length, key).toBeGreaterThan(40);
    }
    expect(LINUX_COST_MODEL.entries.tcpConnections.bytes).toBe(2304);
    expect(LINUX_COST_MODEL.entries.tcpTimeWait.bytes).toBe(280);
    expect(LINUX_COST_MODEL.entries.tcpHalfOpen.bytes).toBe(304);
  });
});

describe('parseCostModel', () => {
  const parse = (value: unknown) => parseCostModel(JSON.stringify(value), 'costs.json');

  it('overrides one figure, keeps the others, and names the model after the file', () => {
    const model = parse({ entries: { tcpTimeWait: { bytes: 256 } } });
    if ('error' in model) throw new Error(model.error);
    expect(model.name).toBe('linux with overrides from costs.json');
    expect(model.entries.tcpTimeWait).toEqual({ bytes: 256, source: 'from costs.json' });
    expect(model.entries.tcpConnections).toEqual(LINUX_COST_MODEL.entries.tcpConnections);
  });

  it('keeps a given name and source', () => {
    const model = parse({ name: 'my-lb', entries: { quicConnections: { bytes: 12000, source: 'measured with pprof' } } });
    if ('error' in model) throw new Error(model.error);
    expect(model.name).toBe('my-lb');
    expect(model.entries.quicConnections).toEqual({ bytes: 12000, source: 'measured with pprof' });
  });

  it.each([
    [{ entries: { tcpTimeWait: { bytes: -1 } } }, "key 'entries.tcpTimeWait.bytes' must be a non-negative number"],
    [{ entries: { tcpTimeWait: { bytes: '280' } } }, "key 'entries.tcpTimeWait.bytes' must be a non-negative number"],
    [{ entries: { dnsInFlight: { bytes: 1, source: 7 } } }, "key 'entries.dnsInFlight.source' must be a non-empty string"],
    [{ entries: { tcpConnections: { size: 1 } } }, "unknown key 'entries.tcpConnections.size' (expected bytes, source)"],
    [{ entries: { tcpConnections: 2304 } }, "key 'entries.tcpConnections' must be an object with \"bytes\" and \"source\""],
    [{ entries: [] }, "key 'entries' must be an object"],
    [{ name: 3 }, "key 'name' must be a non-empty string"],
    [{ costs: {} }, "unknown key 'costs' (expected name, entries)"],
    [[1, 2], 'must be a JSON object with "name" and "entries"'],
  ])('rejects %j naming the key', (value, problem) => {
    expect(parse(value)).toEqual({ error: `cost model costs.json: ${problem}` });
  });

  it('rejects an unknown kind, listing the known ones', () => {
    expect(parse({ entries: { tcpSynSent: { bytes: 1 } } })).toEqual({
      error: "cost model costs.json: unknown key 'entries.tcpSynSent' (expected one of tcpConnections, tcpTimeWait, " +
        'tcpHalfOpen, dnsPendingQueries, dnsInFlight, quicConnections, quicCids, udpExchanges, udpSessions, bufferedByte)',
    });
  });

  it('rejects text that is not JSON', () => {
    const result = parseCostModel('{ "entries": ', 'broken.json');
    expect('error' in result && result.error.startsWith('cost model broken.json: not valid JSON (')).toBe(true);
  });

  it('is what the ledger prices entries and buffered bytes with, and reports', () => {
    const model = parse({ name: 'flat', entries: { tcpConnections: { bytes: 1000 }, bufferedByte: { bytes: 2 } } });
    if ('error' in model) throw new Error(model.error);
    const S = server('10.0.0.5', 80);
    const result = play([
      [1, 0, hold(S, tcp(1), 'tcpConnections'), hold(client('10.0.0.1'), tcp(1), 'tcpConnections')],
      [2, 1, buffer(S, tcp(1), 100)],
    ], 2, { costModel: model });
    expect(endpointNamed(result, '10.0.0.5:80').peakBytes).toEqual({ entries: 1, bytes: 1200, time: 1, packet: 2 });
    expect(result.costModel.name).toBe('flat');
    expect(result.costModel.entries.bufferedByte).toEqual({ bytes: 2, source: 'from costs.json' });
    expect(Object.keys(result.costModel.entries)).toEqual(costKeys());
  });
});
