import { compileEventPattern } from './compile.ts';

/**
 * Throws when EventBridge would refuse the pattern (PutRule, TestEventPattern); returns
 * nothing otherwise.
 *
 * @example validateEventPattern('{"detail":{"amount":[{"numeric":[">",0]}]}}')
 * @throws {InvalidEventPatternError} naming the place in the pattern and what is wrong there.
 */
function validateEventPattern(pattern: string | object): void {
  compileEventPattern(pattern);
}

export { validateEventPattern };
