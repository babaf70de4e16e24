import { ipEqualsTest } from './cidr.ts';
import { describeValue, failAt } from './errors.ts';
import { isJsonLeaf, isJsonObject } from './json.ts';
import { compileOperator } from './operators.ts';
import { indexPath } from './path.ts';
import type { JsonLeaf, LeafTest, ValueTest } from './types.ts';

/**
 * Compiles a list of values such as `["aws.ec2", {"prefix": "aws."}]`: the field matches when
 * any item matches. When the event holds a list at that field, the field matches when any of
 * its values matches ("the intersection of the event pattern array and the event array is
 * non-empty": Arrays in Amazon EventBridge event patterns).
 *
 * `onWildcard` is told each `wildcard` operand, for the rule's complexity check.
 *
 * @example compileLeafPattern(['aws.ec2'], 'source')('aws.ec2') // true
 * @throws {InvalidEventPatternError} for an empty list, a nested list or a bad operator.
 */
function compileLeafPattern(
  items: readonly unknown[],
  path: string,
  onWildcard: (wildcard: string) => void = () => {},
): ValueTest {
  if (items.length === 0) {
    failAt(path, 'empty lists are not allowed: list at least one value or operator to match');
  }
  const exactValues: JsonLeaf[] = [];
  const tests: LeafTest[] = [];
  const existence = new Set<boolean>();
  items.forEach((item, index) => {
    const itemPath = indexPath(path, index);
    if (isJsonObject(item)) {
      const rule = compileOperator(item, itemPath);
      if (rule.kind === 'exists') existence.add(rule.present);
      else tests.push(rule.test);
      if (typeof item.wildcard === 'string') onWildcard(item.wildcard);
    } else if (isJsonLeaf(item)) {
      exactValues.push(item);
      const sameAddress = typeof item === 'string' ? ipEqualsTest(item) : undefined;
      if (sameAddress !== undefined) tests.push(sameAddress);
    } else {
      failAt(itemPath, `nested lists are not allowed, got ${describeValue(item)}`);
    }
  });
  return fieldTest(anyOf(exactValues, tests), existence);
}

// "exists" looks at whether the field holds any leaf value at all; every other operator looks
// at the leaf values themselves.
function fieldTest(test: LeafTest | undefined, existence: ReadonlySet<boolean>): ValueTest {
  if (existence.size === 0 && test !== undefined) return (value) => someLeaf(value, test);
  return (value) =>
    existence.has(someLeaf(value, isPresent)) || (test !== undefined && someLeaf(value, test));
}

function anyOf(exact: readonly JsonLeaf[], tests: readonly LeafTest[]): LeafTest | undefined {
  const all = exact.length > 0 ? [exactTest(exact), ...tests] : tests;
  const [only] = all;
  if (all.length <= 1) return only;
  return (value) => all.some((test) => test(value));
}

// JSON numbers become JavaScript numbers, so 300, 300.0 and 3e2 are one value, as EventBridge
// compares numbers; types stay apart ("3" is not 3, null is not "").
function exactTest(values: readonly JsonLeaf[]): LeafTest {
  const [only] = values;
  if (values.length === 1) return (value) => value === only;
  const set = new Set(values);
  return (value) => set.has(value);
}

const isPresent: LeafTest = () => true;

// Whether any leaf value at a place in the event passes the test. Only strings, numbers,
// booleans and null are leaves ("Exists matching only works on leaf nodes"); lists, nested
// lists included, are searched; objects and missing fields have none.
function someLeaf(value: unknown, test: LeafTest): boolean {
  if (Array.isArray(value)) return value.some((item) => someLeaf(item, test));
  return isJsonLeaf(value) && test(value);
}

export { compileLeafPattern };
