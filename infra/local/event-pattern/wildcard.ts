import { failAt } from './errors.ts';
import { expectString } from './operands.ts';
import type { LeafTest } from './types.ts';

// "*" matches any run of characters, empty included. A backslash escapes "*" or another
// backslash and nothing else, and two "*" in a row are refused: EventBridge keeps wildcard
// rules cheap to match (event-ruler README, "Wildcard matching"; EventBridge "Comparison
// operators" page). A pattern is kept as the literal pieces between its wildcards, so that a
// match is a few startsWith / indexOf / endsWith calls: linear in the event value, never the
// exponential backtracking a naive regular expression can fall into.

/**
 * `{ "wildcard": "dir/*.png" }`.
 *
 * @example compileWildcard('dir/*.png', 'FileName[0].wildcard')('dir/a.png') // true
 */
function compileWildcard(operand: unknown, path: string): LeafTest {
  return wildcardTest(parseWildcard(expectString(operand, path, 'wildcard'), path));
}

/**
 * Splits a wildcard pattern into the literal pieces around its `*`, escapes resolved.
 *
 * @example parseWildcard('a\\*b*c', 'x[0].wildcard') // ['a*b', 'c']
 * @throws {InvalidEventPatternError} on `**` or on a backslash escaping anything but `*` or `\`.
 */
function parseWildcard(pattern: string, path: string): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') {
        failAt(
          path,
          `invalid escape at position ${i} of the wildcard: only \\* and \\\\ are allowed`,
        );
      }
      piece += next;
      i++;
    } else if (char === '*') {
      if (pattern[i + 1] === '*') {
        failAt(path, `consecutive wildcard characters at position ${i}; use a single *`);
      }
      pieces.push(piece);
      piece = '';
    } else {
      piece += char;
    }
  }
  pieces.push(piece);
  return pieces;
}

/**
 * Matches strings made of the pieces in order, with anything between consecutive pieces.
 *
 * @example wildcardTest(['dir/', '.png'])('dir/a.png') // true
 */
function wildcardTest(pieces: readonly string[]): LeafTest {
  const first = pieces[0] ?? '';
  if (pieces.length === 1) return (value) => value === first;
  const last = pieces[pieces.length - 1] ?? '';
  const middle = pieces.slice(1, -1);
  const fixedLength = first.length + last.length;
  return (value) =>
    typeof value === 'string' &&
    value.length >= fixedLength &&
    value.startsWith(first) &&
    value.endsWith(last) &&
    piecesInOrder(value, middle, first.length, value.length - last.length);
}

// Taking each piece at its leftmost place leaves the most room for the rest, so a greedy scan
// is exact for patterns whose only special character is "*".
function piecesInOrder(
  value: string,
  pieces: readonly string[],
  from: number,
  to: number,
): boolean {
  let position = from;
  for (const piece of pieces) {
    const found = value.indexOf(piece, position);
    if (found < 0 || found + piece.length > to) return false;
    position = found + piece.length;
  }
  return true;
}

export { compileWildcard, parseWildcard, wildcardTest };
