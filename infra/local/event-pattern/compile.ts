import { readPattern } from './input.ts';
import { compileObjectPattern } from './object-pattern.ts';
import type { CompiledEventPattern } from './types.ts';
import { WildcardFields } from './wildcard-complexity.ts';

/**
 * Checks an event pattern once and turns it into a matcher, so that matching many events does
 * no parsing or validation. The grammar is EventBridge's: lists of values, nested objects,
 * `prefix`, `suffix`, `equals-ignore-case`, `wildcard`, `anything-but`, `numeric`, `cidr`,
 * `exists` and `$or`.
 *
 * Field names are flattened as EventBridge flattens them (`"a.b"` is the field b inside a), and
 * the wildcards of each field must stay below EventBridge's complexity limit.
 *
 * The empty pattern `{}` is refused like any empty object: EventBridge answers "Empty objects
 * are not allowed", and a pattern has to name the fields an event must contain ("Event
 * pattern syntax").
 *
 * @example compileEventPattern({ source: ['txnflow.ledger'] }).matches(event)
 * @throws {InvalidEventPatternError} when EventBridge would refuse the pattern.
 */
function compileEventPattern(pattern: string | object): CompiledEventPattern {
  const wildcards = new WildcardFields();
  const matchesRoot = compileObjectPattern(readPattern(pattern), '', { wildcards });
  wildcards.assertNotTooComplex();
  return Object.freeze({ matches: (event: object) => matchesRoot(event) });
}

export { compileEventPattern };
