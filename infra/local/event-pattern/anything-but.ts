import { describeValue, failAt } from './errors.ts';
import { isJsonObject } from './json.ts';
import { checkNumericLimits } from './numeric.ts';
import { expectStrings, singleEntry } from './operands.ts';
import { fieldPath, indexPath } from './path.ts';
import { endsWithTest, equalsIgnoreCaseTest, startsWithTest } from './string-operators.ts';
import type { JsonObject, LeafTest } from './types.ts';
import { parseWildcard, wildcardTest } from './wildcard.ts';

const USAGE =
  '"anything-but" takes a string, a number, a list of only strings or only numbers, or an ' +
  'object with one of "prefix", "suffix", "equals-ignore-case" or "wildcard" (each a string ' +
  'or a list of strings)';

/**
 * `{ "anything-but": ... }`: matches any value the event has that the operand does not
 * describe. It is called only for values the event has, so a missing field never matches.
 * Values of another type than the operand's (a number against a string list) match: they are
 * not among the excluded values.
 *
 * @example compileAnythingBut(['stopped'], 'detail.state[0].anything-but')('running') // true
 */
function compileAnythingBut(operand: unknown, path: string): LeafTest {
  const excluded = compileExcluded(operand, path);
  return (value) => !excluded(value);
}

function compileExcluded(operand: unknown, path: string): LeafTest {
  if (typeof operand === 'string') return valuesTest([operand]);
  if (typeof operand === 'number') {
    checkNumericLimits(operand, path);
    return valuesTest([operand]);
  }
  if (Array.isArray(operand)) return listTest(operand, path);
  if (isJsonObject(operand)) return excludedPatternTest(operand, path);
  return failAt(path, `${USAGE}, got ${describeValue(operand)}`);
}

// "You can use anything-but matching with strings and numeric values, including lists that
// contain only strings, or only numbers" (content-filtering page).
function listTest(values: readonly unknown[], path: string): LeafTest {
  if (values.length === 0) failAt(path, '"anything-but" needs at least one value in its list');
  const allStrings = values.every((value) => typeof value === 'string');
  const allNumbers = values.every((value) => typeof value === 'number');
  if (!allStrings && !allNumbers) {
    failAt(path, '"anything-but" lists only strings or only numbers, not a mix, booleans or null');
  }
  values.forEach((value, index) => {
    if (typeof value === 'number') checkNumericLimits(value, indexPath(path, index));
  });
  return valuesTest(values);
}

// Numbers compare by value: 3 and 3.0 parse to the same JavaScript number, as EventBridge
// compares them; a string "3" is a different value from the number 3.
function valuesTest(values: readonly unknown[]): LeafTest {
  const excluded = new Set(values);
  return (value) => excluded.has(value);
}

function excludedPatternTest(operand: JsonObject, path: string): LeafTest {
  const [operator, inner] = singleEntry(operand, path, '"anything-but" object');
  const innerPath = fieldPath(path, operator);
  switch (operator) {
    case 'prefix':
      return anyAffixTest(inner, innerPath, operator, startsWithTest);
    case 'suffix':
      return anyAffixTest(inner, innerPath, operator, endsWithTest);
    case 'equals-ignore-case':
      return equalsIgnoreCaseTest(expectStrings(inner, innerPath, operator));
    case 'wildcard':
      return anyWildcardTest(inner, innerPath);
    default:
      return failAt(path, `${USAGE}; "${operator}" is not one of them`);
  }
}

function anyWildcardTest(inner: unknown, path: string): LeafTest {
  const patterns = expectStrings(inner, path, 'wildcard');
  const tests = patterns.map((pattern, index) =>
    wildcardTest(parseWildcard(pattern, Array.isArray(inner) ? indexPath(path, index) : path)),
  );
  return (value) => tests.some((test) => test(value));
}

// A prefix or suffix, or a list of them: any of them excludes a value (recorded on AWS:
// `{"anything-but": {"prefix": ["init", "test"]}}` matches "post-init", not "test-1"). Only
// strings; an empty one would exclude every string, and EventBridge refuses it ("Null
// prefix/suffix not allowed"), in a list too.
function anyAffixTest(
  inner: unknown,
  path: string,
  operator: string,
  affixTest: (affix: string) => LeafTest,
): LeafTest {
  const affixes = expectStrings(inner, path, operator);
  const tests = affixes.map((affix, index) => {
    const itemPath = Array.isArray(inner) ? indexPath(path, index) : path;
    if (affix === '') failAt(itemPath, 'must not be empty: it would exclude every string');
    return affixTest(affix);
  });
  return (value) => tests.some((test) => test(value));
}

export { compileAnythingBut };
