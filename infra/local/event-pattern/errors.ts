/**
 * A pattern EventBridge would refuse (PutRule and TestEventPattern answer
 * `InvalidEventPatternException`). Callers branch on `instanceof` and read {@link path} to
 * point at the offending part of the pattern.
 */
class InvalidEventPatternError extends Error {
  /**
   * Where in the pattern: field names joined by dots, array indexes in brackets, operators as
   * fields (`detail.amount[0].numeric[1]`); an empty string for the pattern as a whole.
   */
  readonly path: string;
  /** What is wrong there, e.g. `unknown operator "numerc"`. */
  readonly reason: string;

  constructor(path: string, reason: string, options?: ErrorOptions) {
    const where = path === '' ? 'at the top level' : `at "${path}"`;
    super(`Event pattern is invalid ${where}: ${reason}`, options);
    this.name = 'InvalidEventPatternError';
    this.path = path;
    this.reason = reason;
  }
}

/**
 * Throws an {@link InvalidEventPatternError}; typed `never` so that callers narrow after it.
 *
 * @example failAt('detail.amount[0]', 'unknown operator "numerc"')
 */
function failAt(path: string, reason: string, options?: ErrorOptions): never {
  throw new InvalidEventPatternError(path, reason, options);
}

const MAX_SHOWN = 40;

/**
 * Shows a pattern value in an error message, short enough to keep the message on one line.
 *
 * @example describeValue('aws.s3') // '"aws.s3"'
 */
function describeValue(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > MAX_SHOWN ? `${json.slice(0, MAX_SHOWN - 3)}...` : json;
}

export { describeValue, failAt, InvalidEventPatternError };
