import { describeValue, failAt } from './errors.ts';
import { isJsonObject } from './json.ts';
import { fieldPath, indexPath } from './path.ts';

/**
 * The one key of an operator object such as `{ "prefix": "us-" }` and its operand; EventBridge
 * refuses an operator object with no key or with several.
 *
 * @example singleEntry({ prefix: 'us-' }, 'region[0]', 'a match expression') // ['prefix', 'us-']
 */
function singleEntry(value: object, path: string, what: string): [string, unknown] {
  const entries = Object.entries(value);
  const [entry] = entries;
  if (entry === undefined) failAt(path, `${what} needs exactly one key, got none`);
  if (entries.length > 1) {
    const keys = entries.map(([key]) => JSON.stringify(key)).join(', ');
    failAt(path, `${what} takes exactly one key, got ${entries.length} (${keys})`);
  }
  return entry;
}

/**
 * The operand as a string, or a reason naming the operator.
 *
 * @example expectString('us-', 'region[0].prefix', 'prefix') // 'us-'
 */
function expectString(operand: unknown, path: string, operator: string): string {
  if (typeof operand !== 'string') {
    failAt(path, `"${operator}" takes a string, got ${describeValue(operand)}`);
  }
  return operand;
}

/**
 * The operand as a non-empty list of strings; a single string counts as a list of one.
 *
 * @example expectStrings(['a', 'b'], 'state[0].anything-but.wildcard', 'wildcard') // ['a', 'b']
 */
function expectStrings(operand: unknown, path: string, operator: string): string[] {
  if (typeof operand === 'string') return [operand];
  if (!Array.isArray(operand) || operand.length === 0) {
    failAt(path, `"${operator}" takes a string or a non-empty list of strings`);
  }
  return operand.map((item, index) => expectString(item, indexPath(path, index), operator));
}

/**
 * The operand of `prefix` or `suffix`: a string, or `{ "equals-ignore-case": "..." }` to
 * compare regardless of case.
 *
 * @example readAffix({ 'equals-ignore-case': 'EventB' }, 'service[0].prefix', 'prefix')
 */
function readAffix(
  operand: unknown,
  path: string,
  operator: string,
): { text: string; ignoreCase: boolean } {
  if (typeof operand === 'string') return { text: operand, ignoreCase: false };
  if (!isJsonObject(operand)) {
    failAt(
      path,
      `"${operator}" takes a string or {"equals-ignore-case": "..."}, got ${describeValue(operand)}`,
    );
  }
  const [key, text] = singleEntry(operand, path, `"${operator}" object`);
  if (key !== 'equals-ignore-case') {
    failAt(path, `"${operator}" supports only "equals-ignore-case" inside it, got "${key}"`);
  }
  return { text: expectString(text, fieldPath(path, key), key), ignoreCase: true };
}

export { expectString, expectStrings, readAffix, singleEntry };
