import { compileAnythingBut } from './anything-but.ts';
import { compileCidr } from './cidr.ts';
import { describeValue, failAt } from './errors.ts';
import { compileNumeric } from './numeric.ts';
import { singleEntry } from './operands.ts';
import { fieldPath } from './path.ts';
import { compileEqualsIgnoreCase, compilePrefix, compileSuffix } from './string-operators.ts';
import type { JsonObject, LeafTest } from './types.ts';
import { compileWildcard } from './wildcard.ts';

/** The operators of the EventBridge pattern grammar ("Comparison operators" page). */
const Operator = {
  prefix: 'prefix',
  suffix: 'suffix',
  equalsIgnoreCase: 'equals-ignore-case',
  wildcard: 'wildcard',
  anythingBut: 'anything-but',
  numeric: 'numeric',
  cidr: 'cidr',
  exists: 'exists',
} as const;
type Operator = (typeof Operator)[keyof typeof Operator];

type ValueOperator = Exclude<Operator, typeof Operator.exists>;

const VALUE_OPERATORS: Readonly<
  Record<ValueOperator, (operand: unknown, path: string) => LeafTest>
> = {
  [Operator.prefix]: compilePrefix,
  [Operator.suffix]: compileSuffix,
  [Operator.equalsIgnoreCase]: compileEqualsIgnoreCase,
  [Operator.wildcard]: compileWildcard,
  [Operator.anythingBut]: compileAnythingBut,
  [Operator.numeric]: compileNumeric,
  [Operator.cidr]: compileCidr,
};

const OPERATOR_NAMES: ReadonlySet<string> = new Set(Object.values(Operator));
const LIST_OF_OPERATORS = Object.values(Operator).join(', ');

/** What one operator object in a list of values asks of the event. */
type OperatorRule =
  | { readonly kind: 'value'; readonly test: LeafTest }
  | { readonly kind: 'exists'; readonly present: boolean };

/**
 * Compiles one operator object from a list of values, such as `{ "prefix": "us-" }`.
 *
 * @example compileOperator({ exists: false }, 'detail.c-count[0]') // { kind: 'exists', present: false }
 * @throws {InvalidEventPatternError} for an unknown operator, several keys or a bad operand.
 */
function compileOperator(expression: JsonObject, path: string): OperatorRule {
  const [name, operand] = singleEntry(expression, path, 'a match expression');
  if (!isOperator(name)) {
    failAt(path, `unknown operator "${name}"; the operators are ${LIST_OF_OPERATORS}`);
  }
  const operandPath = fieldPath(path, name);
  if (name === Operator.exists) {
    if (typeof operand !== 'boolean') {
      failAt(operandPath, `"exists" takes true or false, got ${describeValue(operand)}`);
    }
    return { kind: 'exists', present: operand };
  }
  return { kind: 'value', test: VALUE_OPERATORS[name](operand, operandPath) };
}

/**
 * Whether a name is one of the pattern operators.
 *
 * @example isOperator('numeric') // true
 */
function isOperator(name: string): name is Operator {
  return OPERATOR_NAMES.has(name);
}

export type { OperatorRule };
export { compileOperator, isOperator };
