import { describeValue, failAt } from './errors.ts';
import { isJsonObject, ownField } from './json.ts';
import { compileLeafPattern } from './leaf-pattern.ts';
import { isOperator } from './operators.ts';
import { fieldPath, indexPath } from './path.ts';
import type { JsonObject, ValueTest } from './types.ts';

const OR = '$or';
const MIN_ALTERNATIVES = 2;
// EventBridge refuses operator names and comparison signs as field names inside "$or", where
// they would read as a misplaced operator (event-ruler's reserved field names).
const COMPARISON_SIGNS: ReadonlySet<string> = new Set(['=', '<', '<=', '>', '>=']);

interface FieldRule {
  readonly key: string;
  readonly test: ValueTest;
}

/**
 * Compiles an object of the pattern: every field must match (AND), and for a `"$or"` key at
 * least one of its objects must match the same event object ("Content filtering": $or).
 *
 * @example compileObjectPattern({ source: ['aws.ec2'] }, '')({ source: 'aws.ec2' }) // true
 * @throws {InvalidEventPatternError} naming the first invalid place.
 */
function compileObjectPattern(pattern: JsonObject, path: string, insideOr = false): ValueTest {
  const keys = Object.keys(pattern);
  if (keys.length === 0) {
    failAt(path, 'empty objects are not allowed: name at least one field to match');
  }
  const fields: FieldRule[] = [];
  const alternatives: ValueTest[][] = [];
  for (const key of keys) {
    const keyPath = fieldPath(path, key);
    if (key === OR) {
      alternatives.push(compileAlternatives(pattern[key], keyPath));
      continue;
    }
    if (insideOr && (isOperator(key) || COMPARISON_SIGNS.has(key))) {
      failAt(keyPath, `"${key}" is reserved for operators and cannot be a field name inside "$or"`);
    }
    fields.push({ key, test: compileField(pattern[key], keyPath, insideOr) });
  }
  return objectTest(fields, alternatives);
}

function compileField(value: unknown, path: string, insideOr: boolean): ValueTest {
  if (Array.isArray(value)) return compileLeafPattern(value, path);
  if (isJsonObject(value)) return compileObjectPattern(value, path, insideOr);
  const shown = describeValue(value);
  return failAt(
    path,
    `must be a list of values to match, such as [${shown}], or an object of nested fields; got ${shown}`,
  );
}

function compileAlternatives(value: unknown, path: string): ValueTest[] {
  if (!Array.isArray(value) || value.length < MIN_ALTERNATIVES) {
    failAt(path, `"$or" takes a list of at least 2 objects, got ${describeValue(value)}`);
  }
  return value.map((alternative, index) => {
    const alternativePath = indexPath(path, index);
    if (!isJsonObject(alternative)) {
      failAt(
        alternativePath,
        `each "$or" item must be an object, got ${describeValue(alternative)}`,
      );
    }
    return compileObjectPattern(alternative, alternativePath, true);
  });
}

// The event's value at an object of the pattern is matched field by field. A list of objects
// matches when one of its objects matches all the fields, so that two fields are never taken
// from different items of one list (event-ruler's array-consistent matching). Anything else
// (a missing field, a string, an empty list) is an object without fields: only fields that
// accept absence, such as {"exists": false}, match it.
function objectTest(
  fields: readonly FieldRule[],
  alternatives: readonly (readonly ValueTest[])[],
): ValueTest {
  const test = (value: unknown): boolean => {
    if (Array.isArray(value)) return value.length === 0 ? test(undefined) : value.some(test);
    const object = isJsonObject(value) ? value : undefined;
    for (const field of fields) {
      if (!field.test(object === undefined ? undefined : ownField(object, field.key))) return false;
    }
    return alternatives.every((group) => group.some((alternative) => alternative(object)));
  };
  return test;
}

export { compileObjectPattern };
