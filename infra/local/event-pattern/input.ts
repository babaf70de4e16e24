import { describeValue, failAt } from './errors.ts';
import { isJsonObject } from './json.ts';
import type { JsonObject } from './types.ts';

// The EventBridge quota on a pattern's size is 2048 characters by default and can be raised to
// 4096 (Amazon EventBridge quotas); a longer pattern is refused whatever the account.
const MAX_PATTERN_CHARACTERS = 4096;

/**
 * Reads a pattern given as JSON text or as an object. An object goes through JSON first, so
 * that it means exactly what EventBridge would receive (undefined fields dropped, dates as
 * strings) and its size is measured as EventBridge measures it.
 *
 * @example readPattern('{"source":["aws.s3"]}') // { source: ['aws.s3'] }
 * @throws {InvalidEventPatternError} when it is not a JSON object or is too long.
 */
function readPattern(input: string | object): JsonObject {
  const text = typeof input === 'string' ? input : toJsonText(input);
  if (text.length > MAX_PATTERN_CHARACTERS) {
    failAt(
      '',
      `is ${text.length} characters long; EventBridge accepts at most ${MAX_PATTERN_CHARACTERS}`,
    );
  }
  const pattern = parseJson(text);
  if (!isJsonObject(pattern)) failAt('', `must be a JSON object, got ${describeValue(pattern)}`);
  return pattern;
}

function toJsonText(input: object): string {
  try {
    return JSON.stringify(input) ?? '';
  } catch (error) {
    return failAt('', `cannot be written as JSON (${messageOf(error)})`, { cause: error });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return failAt('', `is not valid JSON (${messageOf(error)})`, { cause: error });
  }
}

/**
 * Reads an event given as JSON text or as an object, through JSON as EventBridge receives it.
 *
 * @example readEvent('{"source":"aws.s3"}') // { source: 'aws.s3' }
 * @throws {SyntaxError} when the text is not JSON; {TypeError} when it is not a JSON object.
 */
function readEvent(input: string | object): JsonObject {
  let event: unknown;
  try {
    event = JSON.parse(typeof input === 'string' ? input : (JSON.stringify(input) ?? ''));
  } catch (error) {
    throw new SyntaxError(`Event is not valid JSON: ${messageOf(error)}`, { cause: error });
  }
  if (!isJsonObject(event)) {
    throw new TypeError(`Event must be a JSON object, got ${describeValue(event)}`);
  }
  return event;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export { readEvent, readPattern };
