import { dottedGroup, nestedValue } from './dotted-fields.ts';
import { describeValue, failAt } from './errors.ts';
import { isJsonObject, ownField } from './json.ts';
import { compileLeafPattern } from './leaf-pattern.ts';
import { isOperator } from './operators.ts';
import { fieldPath, indexPath } from './path.ts';
import type { JsonObject, ValueTest } from './types.ts';
import type { WildcardFields } from './wildcard-complexity.ts';

const OR = '$or';
const MIN_ALTERNATIVES = 2;
// EventBridge refuses operator names and comparison signs as field names inside "$or", where
// they would read as a misplaced operator (event-ruler's reserved field names).
const COMPARISON_SIGNS: ReadonlySet<string> = new Set(['=', '<', '<=', '>', '>=']);

/** A piece of the pattern and where it is: its path for errors, its flattened field name. */
interface Part<T> {
  readonly value: T;
  readonly path: string;
  readonly name: string;
  /** Made from the rest of a dotted key: its key is no field name the pattern wrote. */
  readonly dotted?: boolean;
}

/** Everything a pattern says about one field of an event object, gathered from every key. */
interface FieldParts {
  readonly lists: Part<readonly unknown[]>[];
  readonly objects: Part<JsonObject>[];
}

/** The tests of one field: on its leaf values, on its nested fields, or both. */
interface FieldRule {
  readonly key: string;
  readonly leaves: ValueTest | undefined;
  readonly nested: ValueTest | undefined;
}

/** What compiling a pattern collects on the side: its wildcards, per flattened field. */
interface CompileContext {
  readonly wildcards: WildcardFields;
}

/**
 * Compiles an object of the pattern: every field must match (AND), and for a `"$or"` key at
 * least one of its objects must match the same event object ("Content filtering": $or).
 *
 * Field names are paths: EventBridge flattens a pattern and an event into dot-joined field
 * names (event-ruler), so `{"state.status": [...]}` is the same field as
 * `{"state": {"status": [...]}}`, and keys naming one field twice add their values up.
 *
 * @example compileObjectPattern({ source: ['aws.ec2'] }, '', ctx)({ source: 'aws.ec2' }) // true
 * @throws {InvalidEventPatternError} naming the first invalid place.
 */
function compileObjectPattern(pattern: JsonObject, path: string, ctx: CompileContext): ValueTest {
  return compileObjectParts([{ value: pattern, path, name: '' }], ctx, false);
}

function compileObjectParts(
  parts: readonly Part<JsonObject>[],
  ctx: CompileContext,
  insideOr: boolean,
): ValueTest {
  const fields = new Map<string, FieldParts>();
  const alternatives: ValueTest[][] = [];
  for (const part of parts) {
    const keys = Object.keys(part.value);
    if (keys.length === 0) {
      failAt(part.path, 'empty objects are not allowed: name at least one field to match');
    }
    for (const key of keys) {
      const keyPath = fieldPath(part.path, key);
      if (key === OR) {
        alternatives.push(compileAlternatives(part.value[key], keyPath, part.name, ctx));
        continue;
      }
      if (insideOr && !part.dotted && (isOperator(key) || COMPARISON_SIGNS.has(key))) {
        failAt(
          keyPath,
          `"${key}" is reserved for operators and cannot be a field name inside "$or"`,
        );
      }
      addField(fields, part, key, part.value[key]);
    }
  }
  const rules = [...fields].map(([key, field]) => compileField(key, field, ctx, insideOr));
  return objectTest(rules, alternatives);
}

/**
 * Files a key's value under the first segment of its dotted name; the rest of the name wraps
 * the value in a nested object, so `"a.b": v` is filed as `"a": {"b": v}`.
 */
function addField(
  fields: Map<string, FieldParts>,
  part: Part<JsonObject>,
  key: string,
  value: unknown,
) {
  const dot = key.indexOf('.');
  const head = dot < 0 ? key : key.slice(0, dot);
  const path = fieldPath(part.path, head);
  const name = part.name === '' ? head : `${part.name}.${head}`;
  const field = fields.get(head) ?? { lists: [], objects: [] };
  fields.set(head, field);
  if (dot >= 0) {
    field.objects.push({ value: { [key.slice(dot + 1)]: value }, path, name, dotted: true });
  } else if (Array.isArray(value)) {
    field.lists.push({ value, path, name });
  } else if (isJsonObject(value)) {
    field.objects.push({ value, path, name });
  } else {
    const shown = describeValue(value);
    failAt(
      path,
      `must be a list of values to match, such as [${shown}], or an object of nested fields; got ${shown}`,
    );
  }
}

// Lists of values for one field add up (any of their values matches); nested fields must all
// match; a field named both ways (`"a.b": [...]` beside `"a.b.c": [...]`) needs both.
function compileField(
  key: string,
  field: FieldParts,
  ctx: CompileContext,
  insideOr: boolean,
): FieldRule {
  let leaves: ValueTest | undefined;
  if (field.lists.length > 0) {
    const tests = field.lists.map((list) =>
      compileLeafPattern(list.value, list.path, (wildcard) =>
        ctx.wildcards.add(list.name, wildcard, list.path),
      ),
    );
    const [only] = tests;
    leaves = tests.length === 1 ? only : (value) => tests.some((test) => test(value));
  }
  const nested =
    field.objects.length > 0 ? compileObjectParts(field.objects, ctx, insideOr) : undefined;
  return { key, leaves, nested };
}

function compileAlternatives(
  value: unknown,
  path: string,
  name: string,
  ctx: CompileContext,
): ValueTest[] {
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
    return compileObjectParts([{ value: alternative, path: alternativePath, name }], ctx, true);
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
      if (!fieldMatches(field, object)) return false;
    }
    return alternatives.every((group) => group.some((alternative) => alternative(object)));
  };
  return test;
}

// The event's own field, and beside it any dotted keys naming the same field (see
// dotted-fields.ts): leaf values come from the own field only, nested fields from both.
function fieldMatches(field: FieldRule, object: JsonObject | undefined): boolean {
  const own = object === undefined ? undefined : ownField(object, field.key);
  if (field.leaves !== undefined && !field.leaves(own)) return false;
  if (field.nested === undefined) return true;
  const dotted = object === undefined ? undefined : dottedGroup(object, field.key);
  return field.nested(dotted === undefined ? own : nestedValue(own, dotted));
}

export type { CompileContext };
export { compileObjectPattern };
