import { failAt } from './errors.ts';
import { parseWildcard } from './wildcard.ts';

/**
 * EventBridge refuses a rule whose wildcards are too costly to match. The measure is
 * event-ruler's (MachineComplexityEvaluator and its tests): for the wildcard patterns of one
 * field, the largest number of their prefixes that one input value can match at once ("abba"
 * is matched by "a*", "a*b", "a*bb" and "a*bba" of "a*bba"), counted per distinct pattern.
 *
 * The limit is not published. Outcomes recorded on AWS bound it: 9 was accepted (three
 * "*:stack/<name>/*" values on one field), 11 refused ("*:*:*:*:*:event-bus/*"); 7 accepted
 * ("/Users/*\/dir/dir/dir/dir/dir/doc.txt"). The runtime refuses 10 and more, the stricter
 * end, so that a pattern accepted here is accepted by AWS.
 */
const MAX_WILDCARD_COMPLEXITY = 10;

/** EventBridge's reason, word for word. */
const TOO_COMPLEX =
  'Rule is too complex - try using fewer wildcard characters or fewer repeating character ' +
  'sequences after a wildcard character';

/** Distinct input sets explored before giving up and calling the rule too complex. */
const MAX_EXPLORED = 50_000;

/** A wildcard pattern as UTF-8 bytes and stars (-1), the units event-ruler's machine reads. */
type Token = number;
const STAR: Token = -1;

/** Wildcard operands collected while a pattern compiles, per flattened field name. */
class WildcardFields {
  readonly #fields = new Map<string, { patterns: Set<string>; path: string }>();

  add(field: string, wildcard: string, path: string): void {
    const entry = this.#fields.get(field) ?? { patterns: new Set<string>(), path };
    entry.patterns.add(wildcard);
    this.#fields.set(field, entry);
  }

  /**
   * @throws {InvalidEventPatternError} with EventBridge's reason when a field's wildcards are
   *   too complex.
   */
  assertNotTooComplex(): void {
    for (const { patterns, path } of this.#fields.values()) {
      const complexity = wildcardComplexity([...patterns], MAX_WILDCARD_COMPLEXITY);
      if (complexity >= MAX_WILDCARD_COMPLEXITY) failAt(path, TOO_COMPLEX);
    }
  }
}

function tokensOf(wildcard: string): Token[] {
  const tokens: Token[] = [];
  const pieces = parseWildcard(wildcard, '');
  pieces.forEach((piece, index) => {
    tokens.push(...Buffer.from(piece, 'utf8'));
    if (index < pieces.length - 1) tokens.push(STAR);
  });
  return tokens;
}

/** Which prefixes (by length) of a pattern match the input read so far, as a bit list. */
type Matched = Uint8Array;

function initial(tokens: readonly Token[]): Matched {
  const matched = new Uint8Array(tokens.length + 1);
  matched[0] = 1;
  for (let i = 1; i <= tokens.length && tokens[i - 1] === STAR; i += 1) matched[i] = 1;
  return matched;
}

// The prefix of length i matches input + byte when its last token is that byte and the
// prefix before it matched the input, or when it ends in a star that matched the input or
// matches the empty rest (the prefix before the star matched input + byte).
function step(tokens: readonly Token[], matched: Matched, byte: number): Matched {
  const next = new Uint8Array(tokens.length + 1);
  for (let i = 1; i <= tokens.length; i += 1) {
    const token = tokens[i - 1];
    if (token === STAR) next[i] = matched[i] || next[i - 1] ? 1 : 0;
    else next[i] = token === byte && matched[i - 1] ? 1 : 0;
  }
  return next;
}

function count(states: readonly Matched[]): number {
  let total = 0;
  for (const matched of states)
    for (let i = 1; i < matched.length; i += 1) total += matched[i] ?? 0;
  return total;
}

/**
 * The largest number of wildcard prefixes one input can match, over every input, capped at
 * `limit` (the search stops there). Inputs are explored by the bytes the patterns name plus
 * one byte they do not, which stands for every other.
 *
 * @example wildcardComplexity(['a*b*bb'], 100) // 5: "abbb" matches a*, a*b, a*b*, a*b*b, a*b*bb
 */
function wildcardComplexity(wildcards: readonly string[], limit: number): number {
  const patterns = [...new Set(wildcards)].map(tokensOf);
  const bytes = new Set<number>();
  for (const tokens of patterns) for (const token of tokens) if (token !== STAR) bytes.add(token);
  const other = [...Array(256).keys()].find((byte) => !bytes.has(byte)) ?? 0;
  const alphabet = [...bytes, other];
  const start = patterns.map(initial);
  const seen = new Set<string>([start.map((m) => m.join('')).join('|')]);
  const queue: Matched[][] = [start];
  let best = count(start);
  while (queue.length > 0 && best < limit) {
    const states = queue.shift() as Matched[];
    for (const byte of alphabet) {
      const next = states.map((matched, index) => step(patterns[index] ?? [], matched, byte));
      const key = next.map((m) => m.join('')).join('|');
      if (seen.has(key)) continue;
      if (seen.size >= MAX_EXPLORED) return limit;
      seen.add(key);
      best = Math.max(best, count(next));
      queue.push(next);
    }
  }
  return Math.min(best, limit);
}

export { MAX_WILDCARD_COMPLEXITY, TOO_COMPLEX, WildcardFields, wildcardComplexity };
