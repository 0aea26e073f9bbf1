/**
 * Expectations: "<metric> <op> <value>" with ops == != < <= > >= (issue 6). Numbers compare as
 * numbers; text metrics (verdict, role, sticky routing) compare as case-insensitive strings and
 * accept only == and !=. Parsing validates the metric name, so an unknown metric is rejected
 * before any capture is read.
 */
import { metricKind, type MetricKind } from './metrics.js';

export type Op = '==' | '!=' | '<' | '<=' | '>' | '>=';

export interface Expectation {
  /** The expectation as written, trimmed. */
  text: string;
  metric: string;
  op: Op;
  value: number | string;
  kind: MetricKind;
}

const SHAPE = /^\s*([^\s<>=!]+)\s*(==|!=|<=|>=|<|>)\s*(.*?)\s*$/;
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

function unquote(text: string): string {
  const q = text[0];
  return text.length >= 2 && (q === '"' || q === "'") && text.endsWith(q) ? text.slice(1, -1) : text;
}

export function parseExpectation(text: string): Expectation | { error: string } {
  const m = SHAPE.exec(text);
  if (m === null) return { error: `expectation "${text.trim()}" is not "<metric> <op> <value>" with op one of == != < <= > >=` };
  const [, metric, op, rawValue] = m;
  if (rawValue === '') return { error: `expectation "${text.trim()}" has no value after ${op}` };
  const kind = metricKind(metric);
  if ('error' in kind) return { error: `expectation "${text.trim()}": ${kind.error}` };
  const isNumber = NUMBER.test(rawValue);
  if (kind.kind === 'text') {
    if (op !== '==' && op !== '!=') return { error: `expectation "${text.trim()}": ${metric} is text, compare it with == or !=` };
    return { text: text.trim(), metric, op, value: unquote(rawValue), kind: kind.kind };
  }
  if (!isNumber) return { error: `expectation "${text.trim()}": ${metric} is a number, "${rawValue}" is not` };
  return { text: text.trim(), metric, op: op as Op, value: Number(rawValue), kind: kind.kind };
}

/** Whether the actual value satisfies the expectation. "none"/"absent" satisfy only != against a number. */
export function holds(e: Pick<Expectation, 'op' | 'value'>, actual: number | string): boolean {
  if (typeof e.value === 'string' || typeof actual === 'string') {
    const same = String(actual).toLowerCase() === String(e.value).toLowerCase();
    if (e.op === '==') return same;
    if (e.op === '!=') return !same;
    return false;
  }
  switch (e.op) {
    case '==': return actual === e.value;
    case '!=': return actual !== e.value;
    case '<': return actual < e.value;
    case '<=': return actual <= e.value;
    case '>': return actual > e.value;
    case '>=': return actual >= e.value;
  }
}

/**
 * For a failed expectation: whether the actual value fell short (too few: show the records that
 * did not count) rather than overshot it (too many: show the records that did).
 */
export function fellShort(e: Pick<Expectation, 'op' | 'value'>, actual: number | string): boolean {
  if (typeof actual !== 'number' || typeof e.value !== 'number') return true;
  switch (e.op) {
    case '>':
    case '>=':
      return true;
    case '<':
    case '<=':
      return false;
    case '==':
      return actual < e.value;
    case '!=':
      return actual === 0;
  }
}

/** Formats a value for messages: numbers up to 6 decimals, text quoted when it is an expected string. */
export function formatValue(value: number | string): string {
  if (typeof value === 'string') return value;
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(6)));
}

/** "2048 bytes", "0.5 s": a value with the unit of its metric, so no figure reads as another kind. */
export function withUnit(value: number | string, kind: MetricKind): string {
  if (typeof value !== 'number') return formatValue(value);
  if (kind === 'bytes') return `${formatValue(value)} ${value === 1 ? 'byte' : 'bytes'}`;
  if (kind === 'seconds') return `${formatValue(value)} s`;
  return formatValue(value);
}
