/**
 * Grading rubrics (issue 6): declarative JSON, never code.
 *
 *   { "title": "Lab 3", "items": [
 *     { "id": "handshake", "points": 2, "description": "a complete TCP connection to port 80, closed with FIN",
 *       "expect": ["tcp.connState.SF >= 1"], "where": { "serverPort": 80 }, "hint": "optional advice shown when it fails" } ] }
 *
 * An item scores its points when every expectation holds over the submission's captures,
 * narrowed by `where`. A malformed rubric is rejected as a whole before any grading, with one
 * error per problem naming the item and the field.
 */
import { parseExpectation, type Expectation } from '../check/expectation.js';
import { parseWhere, type Where } from '../check/where.js';
import { jsonProblemText } from './json-position.js';

export interface RubricItem {
  id: string;
  points: number;
  description: string;
  expect: Expectation[];
  where: Where;
  hint?: string;
}

export interface Rubric {
  title: string;
  items: RubricItem[];
  maxScore: number;
}

const TOP_KEYS = new Set(['title', 'items', '$schema', 'description']);
const ITEM_KEYS = new Set(['id', 'points', 'description', 'expect', 'where', 'hint']);
/** A rubric is for people: a few hundred items is already far more than any lab needs. */
export const MAX_ITEMS = 500;
export const MAX_EXPECTATIONS = 50;

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function validateItem(raw: unknown, index: number, seen: Set<string>, errors: string[]): RubricItem | null {
  const label0 = `item ${index + 1}`;
  if (!isObject(raw)) {
    errors.push(`${label0}: must be an object, got ${typeName(raw)}`);
    return null;
  }
  const id = raw.id;
  const label = typeof id === 'string' && id.trim() !== '' ? `item ${index + 1} ("${id}")` : label0;
  const before = errors.length;
  const fail = (field: string, message: string) => errors.push(`${label}, field "${field}": ${message}`);

  if (id === undefined) fail('id', 'missing');
  else if (typeof id !== 'string' || id.trim() === '') fail('id', `must be a non-empty string, got ${typeName(id)}`);
  else if (seen.has(id)) fail('id', `"${id}" is used by an earlier item`);
  else seen.add(id);

  const points = raw.points;
  if (points === undefined) fail('points', 'missing');
  else if (typeof points !== 'number' || !Number.isFinite(points) || points < 0) fail('points', `must be a number >= 0, got ${JSON.stringify(points)}`);

  const description = raw.description;
  if (description !== undefined && typeof description !== 'string') fail('description', `must be a string, got ${typeName(description)}`);
  const hint = raw.hint;
  if (hint !== undefined && typeof hint !== 'string') fail('hint', `must be a string, got ${typeName(hint)}`);

  const expect: Expectation[] = [];
  const rawExpect = raw.expect;
  if (rawExpect === undefined) fail('expect', 'missing');
  else if (!Array.isArray(rawExpect) || rawExpect.length === 0) fail('expect', `must be a non-empty array of expectation strings, got ${typeName(rawExpect)}`);
  else if (rawExpect.length > MAX_EXPECTATIONS) fail('expect', `has ${rawExpect.length} expectations, at most ${MAX_EXPECTATIONS} allowed`);
  else {
    rawExpect.forEach((text: unknown, i: number) => {
      if (typeof text !== 'string') {
        fail(`expect[${i}]`, `must be a string, got ${typeName(text)}`);
        return;
      }
      const parsed = parseExpectation(text);
      if ('error' in parsed) fail(`expect[${i}]`, parsed.error);
      else expect.push(parsed);
    });
  }

  const where = parseWhere(raw.where);
  if ('errors' in where) for (const e of where.errors) fail('where', e);

  for (const key of Object.keys(raw)) {
    if (!ITEM_KEYS.has(key)) fail(key, `unknown field (known: ${[...ITEM_KEYS].join(', ')})`);
  }
  if (errors.length > before || 'errors' in where) return null;
  return {
    id: id as string,
    points: points as number,
    description: typeof description === 'string' ? description : '',
    expect,
    where: where.where,
    ...(typeof hint === 'string' ? { hint } : {}),
  };
}

/** Validates an already-parsed rubric value. */
export function validateRubric(value: unknown): { rubric: Rubric } | { errors: string[] } {
  if (!isObject(value)) return { errors: [`rubric: must be a JSON object with "title" and "items", got ${typeName(value)}`] };
  const errors: string[] = [];
  const title = value.title;
  if (title !== undefined && typeof title !== 'string') errors.push(`rubric, field "title": must be a string, got ${typeName(title)}`);
  for (const key of Object.keys(value)) {
    if (!TOP_KEYS.has(key)) errors.push(`rubric, field "${key}": unknown field (known: title, description, items)`);
  }
  const rawItems = value.items;
  const items: RubricItem[] = [];
  if (rawItems === undefined) errors.push('rubric, field "items": missing');
  else if (!Array.isArray(rawItems) || rawItems.length === 0) errors.push(`rubric, field "items": must be a non-empty array, got ${typeName(rawItems)}`);
  else if (rawItems.length > MAX_ITEMS) errors.push(`rubric, field "items": has ${rawItems.length} items, at most ${MAX_ITEMS} allowed`);
  else {
    const seen = new Set<string>();
    rawItems.forEach((raw: unknown, i: number) => {
      const item = validateItem(raw, i, seen, errors);
      if (item !== null) items.push(item);
    });
  }
  if (errors.length > 0) return { errors };
  return {
    rubric: {
      title: typeof title === 'string' ? title : 'Rubric',
      items,
      maxScore: items.reduce((n, item) => n + item.points, 0),
    },
  };
}

/** Parses rubric JSON text; `source` (the file name) prefixes every error. */
export function parseRubric(text: string, source = 'rubric'): { rubric: Rubric } | { errors: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { errors: [`${source}: ${jsonProblemText(text)}`] };
  }
  const result = validateRubric(value);
  return 'errors' in result ? { errors: result.errors.map((e) => `${source}: ${e}`) } : result;
}
