import type { Log } from '../log.ts';

/** The shape of Powertools' Logger that txnflow uses (no import: contracts stays light). */
interface StructuredLogger {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** The `Log` port, as the AWS adapters name it. */
type StructuredLog = Log;

/**
 * The `Log` port over a Powertools Logger, whose methods take the extra fields as
 * a rest parameter (an explicit `undefined` would be logged as a value).
 *
 * @example makeTransactionRecordedHandler({ ..., log: toStructuredLog(new Logger()) })
 */
function toStructuredLog(logger: StructuredLogger): StructuredLog {
  const forward =
    (method: (message: string, ...extra: Record<string, unknown>[]) => void) =>
    (message: string, extra?: Record<string, unknown>) =>
      extra === undefined ? method(message) : method(message, extra);
  return {
    info: forward(logger.info.bind(logger)),
    warn: forward(logger.warn.bind(logger)),
    error: forward(logger.error.bind(logger)),
  };
}

export type { StructuredLog, StructuredLogger };
export { toStructuredLog };
