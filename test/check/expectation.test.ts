/** Parsing "<metric> <op> <value>" and comparing actual values. */
import { describe, expect, it } from 'vitest';
import { fellShort, holds, parseExpectation } from '../../src/check/expectation.js';

describe('parseExpectation', () => {
  it.each([
    ['tcp.flows >= 1', 'tcp.flows', '>=', 1],
    ['tcp.flows>=1', 'tcp.flows', '>=', 1],
    ['  dns.rttMedian < 0.25 ', 'dns.rttMedian', '<', 0.25],
    ['tcp.retransmissions == 0', 'tcp.retransmissions', '==', 0],
    ['tcp.flows != 3', 'tcp.flows', '!=', 3],
    ['tcp.flows <= 1e3', 'tcp.flows', '<=', 1000],
    ['tcp.flows > -1', 'tcp.flows', '>', -1],
    ['endpoint[10.0.0.1:53].verdict == stateless', 'endpoint[10.0.0.1:53].verdict', '==', 'stateless'],
    ['endpoint[[::1]:53].verdict != "stateful"', 'endpoint[[::1]:53].verdict', '!=', 'stateful'],
  ])('%s', (text, metric, op, value) => {
    expect(parseExpectation(text)).toMatchObject({ metric, op, value, text: text.trim() });
  });

  it.each([
    ['tcp.flows', 'is not "<metric> <op> <value>"'],
    ['tcp.flows =< 1', 'is not "<metric> <op> <value>"'],
    ['tcp.flows >=', 'has no value after >='],
    ['tcp.flows >= many', 'tcp.flows is a number, "many" is not'],
    ['endpoint[10.0.0.1].verdict < stateful', 'is text, compare it with == or !='],
    ['tcp.flowz >= 1', 'unknown metric "tcp.flowz"'],
    ['dns.rcode. >= 1', 'unknown metric "dns.rcode."'],
  ])('rejects %s', (text, message) => {
    expect(parseExpectation(text)).toEqual({ error: expect.stringContaining(message) });
  });
});

describe('holds', () => {
  it.each<[string, number | string, number | string, boolean]>([
    ['==', 1, 1, true], ['==', 2, 1, false], ['!=', 2, 1, true], ['!=', 1, 1, false],
    ['<', 0, 1, true], ['<', 1, 1, false], ['<=', 1, 1, true], ['<=', 2, 1, false],
    ['>', 2, 1, true], ['>', 1, 1, false], ['>=', 1, 1, true], ['>=', 0, 1, false],
    ['==', 'Stateful', 'stateful', true], ['!=', 'stateless', 'stateful', true], ['==', 'absent', 'stateful', false],
    ['<', 'none', 1, false], ['>=', 'none', 0, false], ['==', 'none', 0, false], ['!=', 'absent', 0, true],
  ])('actual %s: %s %s %s is %s', (op, actual, expected, result) => {
    expect(holds({ op: op as '==', value: expected }, actual)).toBe(result);
  });
});

describe('fellShort', () => {
  it.each<[string, number | string, number, boolean]>([
    ['>=', 0, 1, true], ['>', 1, 1, true], ['<', 3, 1, false], ['<=', 3, 1, false],
    ['==', 0, 1, true], ['==', 3, 1, false], ['!=', 0, 0, true], ['!=', 2, 2, false], ['>=', 'none', 1, true],
  ])('%s with actual %s and expected %s: %s', (op, actual, expected, short) => {
    expect(fellShort({ op: op as '==', value: expected }, actual)).toBe(short);
  });
});
