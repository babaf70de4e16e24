import { describeValue, failAt } from './errors.ts';
import { indexPath } from './path.ts';
import type { LeafTest } from './types.ts';

const Comparison = {
  lessThan: '<',
  atMost: '<=',
  equal: '=',
  greaterThan: '>',
  atLeast: '>=',
} as const;
type Comparison = (typeof Comparison)[keyof typeof Comparison];

const COMPARISONS: ReadonlySet<unknown> = new Set(Object.values(Comparison));
const LOWER: ReadonlySet<Comparison> = new Set([Comparison.greaterThan, Comparison.atLeast]);

// "Numeric matching works with values that are JSON numbers. It is limited to values between
// -5.0e9 and +5.0e9 inclusive, with 15 digits of precision, or six digits to the right of the
// decimal point" (event-ruler README and the EventBridge content-filtering page). A pattern
// number beyond either limit is refused; an event number beyond the range never matches.
const NUMERIC_LIMIT = 5e9;
const MAX_FRACTION_DIGITS = 6;

interface Bound {
  readonly value: number;
  readonly inclusive: boolean;
}

interface NumericRange {
  readonly lower?: Bound;
  readonly upper?: Bound;
}

interface Condition {
  readonly comparison: Comparison;
  readonly bound: number;
}

/**
 * `{ "numeric": [">", 0, "<=", 5] }`: one `=`, or at most one lower bound (`>`, `>=`)
 * followed by at most one upper bound (`<`, `<=`).
 *
 * @example compileNumeric(['>', 0, '<=', 5], 'detail.c-count[0].numeric')(5) // true
 */
function compileNumeric(operand: unknown, path: string): LeafTest {
  const { lower, upper } = combine(readConditions(operand, path), path);
  return (value) =>
    typeof value === 'number' &&
    Math.abs(value) <= NUMERIC_LIMIT &&
    (lower === undefined || (lower.inclusive ? value >= lower.value : value > lower.value)) &&
    (upper === undefined || (upper.inclusive ? value <= upper.value : value < upper.value));
}

function readConditions(operand: unknown, path: string): Condition[] {
  if (!Array.isArray(operand) || operand.length === 0) {
    failAt(path, `"numeric" takes a list of comparisons such as [">", 0, "<=", 5]`);
  }
  if (operand.length % 2 !== 0) {
    failAt(path, `"numeric" takes comparison and number pairs, got ${operand.length} items`);
  }
  const conditions: Condition[] = [];
  for (let i = 0; i < operand.length; i += 2) {
    conditions.push(readCondition(operand[i], operand[i + 1], path, i));
  }
  return conditions;
}

function readCondition(
  comparison: unknown,
  bound: unknown,
  path: string,
  index: number,
): Condition {
  if (!isComparison(comparison)) {
    failAt(
      indexPath(path, index),
      `unknown comparison ${describeValue(comparison)}; use one of <, <=, =, >, >=`,
    );
  }
  const boundPath = indexPath(path, index + 1);
  if (typeof bound !== 'number') {
    failAt(boundPath, `"${comparison}" needs a JSON number, got ${describeValue(bound)}`);
  }
  checkNumericLimits(bound, boundPath);
  return { comparison, bound };
}

function combine(conditions: readonly Condition[], path: string): NumericRange {
  const [first, second, ...more] = conditions;
  if (first === undefined) return failAt(path, '"numeric" needs at least one comparison');
  if (more.length > 0) {
    failAt(path, `at most one lower and one upper bound, got ${conditions.length} comparisons`);
  }
  const hasEqual = conditions.some((c) => c.comparison === Comparison.equal);
  if (hasEqual && second !== undefined) failAt(path, '"=" must be the only comparison');
  if (second === undefined) return rangeOf(first);
  if (!LOWER.has(first.comparison) && LOWER.has(second.comparison)) {
    failAt(path, 'give the lower bound (">" or ">=") before the upper bound ("<" or "<=")');
  }
  if (LOWER.has(first.comparison) === LOWER.has(second.comparison)) {
    const side = LOWER.has(first.comparison) ? 'lower' : 'upper';
    failAt(
      path,
      `two ${side} bounds ("${first.comparison}" and "${second.comparison}"); give at most one`,
    );
  }
  if (first.bound >= second.bound) {
    failAt(
      path,
      `the lower bound ${first.bound} must be less than the upper bound ${second.bound}`,
    );
  }
  return { ...rangeOf(first), ...rangeOf(second) };
}

function rangeOf({ comparison, bound }: Condition): NumericRange {
  switch (comparison) {
    case Comparison.equal:
      return { lower: { value: bound, inclusive: true }, upper: { value: bound, inclusive: true } };
    case Comparison.greaterThan:
      return { lower: { value: bound, inclusive: false } };
    case Comparison.atLeast:
      return { lower: { value: bound, inclusive: true } };
    case Comparison.lessThan:
      return { upper: { value: bound, inclusive: false } };
    case Comparison.atMost:
      return { upper: { value: bound, inclusive: true } };
  }
}

function isComparison(value: unknown): value is Comparison {
  return COMPARISONS.has(value);
}

/**
 * Refuses a pattern number EventBridge cannot compare: beyond ±5e9 or finer than 6 decimals.
 *
 * @example checkNumericLimits(3.018e2, 'detail.x-limit[0].numeric[1]') // passes
 * @throws {InvalidEventPatternError} naming the limit.
 */
function checkNumericLimits(value: number, path: string): void {
  if (Math.abs(value) > NUMERIC_LIMIT) {
    failAt(path, `${value} is out of range; numeric matching works between -5e9 and 5e9`);
  }
  if (fractionDigits(value) > MAX_FRACTION_DIGITS) {
    failAt(path, `${value} has more than ${MAX_FRACTION_DIGITS} digits after the decimal point`);
  }
}

// Digits after the point in the shortest decimal form of the number (301.8 -> 1, 1e-7 -> 7).
function fractionDigits(value: number): number {
  const [mantissa = '', exponent = '0'] = String(Math.abs(value)).split('e');
  const fraction = mantissa.split('.')[1] ?? '';
  return Math.max(0, fraction.length - Number(exponent));
}

export { checkNumericLimits, compileNumeric };
