import { compileEventPattern } from './compile.ts';
import { readEvent } from './input.ts';

/**
 * Whether an event matches a pattern, like the EventBridge TestEventPattern API. Both may be
 * JSON text or objects; objects are read through JSON, as EventBridge receives them. Unlike
 * the API it does not insist on the envelope fields (id, account, time, ...): local events
 * and tests often carry only the fields that matter.
 *
 * @example testEventPattern('{"source":["aws.ec2"]}', '{"source":"aws.ec2"}') // true
 * @throws {InvalidEventPatternError} for an invalid pattern; {SyntaxError} or {TypeError} when
 *   the event is not a JSON object.
 */
function testEventPattern(pattern: string | object, event: string | object): boolean {
  return compileEventPattern(pattern).matches(readEvent(event));
}

export { testEventPattern };
