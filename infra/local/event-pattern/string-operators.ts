import { expectString, readAffix } from './operands.ts';
import type { LeafTest } from './types.ts';

// String operators match only JSON strings: a number, boolean or null in the event never
// starts with, ends with or equals a pattern string ("Content filtering in Amazon EventBridge
// event patterns": prefix, suffix and equals-ignore-case are for string values).

/**
 * `{ "prefix": "us-" }` or `{ "prefix": { "equals-ignore-case": "EventB" } }`.
 *
 * @example compilePrefix('us-', 'region[0].prefix')('us-east-1') // true
 */
function compilePrefix(operand: unknown, path: string): LeafTest {
  const { text, ignoreCase } = readAffix(operand, path, 'prefix');
  return ignoreCase ? foldedTest(text, startsWith) : startsWithTest(text);
}

/**
 * `{ "suffix": ".png" }` or `{ "suffix": { "equals-ignore-case": ".png" } }`.
 *
 * @example compileSuffix('.png', 'FileName[0].suffix')('photo.png') // true
 */
function compileSuffix(operand: unknown, path: string): LeafTest {
  const { text, ignoreCase } = readAffix(operand, path, 'suffix');
  return ignoreCase ? foldedTest(text, endsWith) : endsWithTest(text);
}

/**
 * `{ "equals-ignore-case": "alice" }`.
 *
 * @example compileEqualsIgnoreCase('alice', 'Name[0].equals-ignore-case')('ALICE') // true
 */
function compileEqualsIgnoreCase(operand: unknown, path: string): LeafTest {
  return equalsIgnoreCaseTest([expectString(operand, path, 'equals-ignore-case')]);
}

/**
 * Matches strings that start with `prefix`, case included.
 *
 * @example startsWithTest('init')('initializing') // true
 */
function startsWithTest(prefix: string): LeafTest {
  return (value) => typeof value === 'string' && value.startsWith(prefix);
}

/**
 * Matches strings that end with `suffix`, case included.
 *
 * @example endsWithTest('.png')('photo.png') // true
 */
function endsWithTest(suffix: string): LeafTest {
  return (value) => typeof value === 'string' && value.endsWith(suffix);
}

/**
 * Matches strings equal to one of `texts` regardless of case.
 *
 * @example equalsIgnoreCaseTest(['alice'])('Alice') // true
 */
function equalsIgnoreCaseTest(texts: readonly string[]): LeafTest {
  const folded = new Set(texts.map(fold));
  return (value) => typeof value === 'string' && folded.has(fold(value));
}

type Comparison = (value: string, text: string) => boolean;

const startsWith: Comparison = (value, text) => value.startsWith(text);
const endsWith: Comparison = (value, text) => value.endsWith(text);

// The pattern side is folded once, at compile time; only the event value is folded per match.
function foldedTest(text: string, compare: Comparison): LeafTest {
  const folded = fold(text);
  return (value) => typeof value === 'string' && compare(fold(value), folded);
}

function fold(text: string): string {
  return text.toLowerCase();
}

export {
  compileEqualsIgnoreCase,
  compilePrefix,
  compileSuffix,
  endsWithTest,
  equalsIgnoreCaseTest,
  startsWithTest,
};
