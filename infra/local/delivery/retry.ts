/** The runtime-wide retry settings for handler targets. */
interface RetrySettings {
  /** Handler attempts in all, the first included. @default 3 */
  readonly maxAttempts: number;
  /** Backoff before the first retry; doubles each retry. @default 50 */
  readonly baseDelayMs: number;
  /** Ceiling of the backoff. @default 2000 */
  readonly maxDelayMs: number;
}

/** Which limit of the retry policy stopped the retries, as EventBridge names it. */
const ExhaustedRetryCondition = {
  MaximumRetryAttempts: 'MaximumRetryAttempts',
  MaximumEventAgeInSeconds: 'MaximumEventAgeInSeconds',
} as const;
type ExhaustedRetryCondition =
  (typeof ExhaustedRetryCondition)[keyof typeof ExhaustedRetryCondition];

/**
 * The error codes a failed delivery records (and puts in `ERROR_CODE` on its DLQ message).
 * All but HANDLER_ERROR are EventBridge's own ("Using dead-letter queues to process
 * undelivered events": the ERROR_CODE values).
 */
const DeliveryErrorCode = {
  /** The handler threw or rejected (a stand-in for a Lambda function error). */
  HandlerError: 'HANDLER_ERROR',
  /** The target queue or topic does not exist. */
  NoResource: 'NO_RESOURCE',
  /** EventBridge may not call the target. The runtime has no IAM, so it never records this. */
  NoPermissions: 'NO_PERMISSIONS',
  /** A JSON input template made invalid JSON of the event. */
  InvalidJson: 'INVALID_JSON',
  /** The target refused the message as invalid (an empty or oversized topic message). */
  InvalidParameter: 'INVALID_PARAMETER',
  /** Anything else that went wrong on the runtime's side, e.g. writing an email. */
  InternalError: 'INTERNAL_ERROR',
} as const;
type DeliveryErrorCode = (typeof DeliveryErrorCode)[keyof typeof DeliveryErrorCode];

/**
 * Errors that no retry can mend go to the dead-letter queue at once: "for errors that result
 * from missing permissions to a target, or a target resource that no longer exists, ...
 * EventBridge sends these events directly to the DLQ" (Event retry policy and using
 * dead-letter queues). An input template that makes invalid JSON of an event makes it again.
 */
const NOT_RETRIED: ReadonlySet<DeliveryErrorCode> = new Set([
  DeliveryErrorCode.NoResource,
  DeliveryErrorCode.NoPermissions,
  DeliveryErrorCode.InvalidJson,
  DeliveryErrorCode.InvalidParameter,
]);

type RetryDecision =
  | { readonly retry: true; readonly delayMs: number }
  /** `exhausted` is the limit reached; none for an error that is never retried. */
  | { readonly retry: false; readonly exhausted: ExhaustedRetryCondition | undefined };

interface RetryInput {
  /** What went wrong: some errors are never retried. */
  readonly errorCode: DeliveryErrorCode;
  /** Attempts made so far, the failed one included. */
  readonly attemptsMade: number;
  /** The target's own limit (its retry policy), else the runtime's. */
  readonly maxAttempts: number | undefined;
  readonly maxEventAgeMs: number | undefined;
  readonly eventAgeMs: number;
  readonly settings: RetrySettings;
  readonly random?: () => number;
}

/**
 * Exponential backoff with "equal jitter": half the exponential delay plus a random half, so a
 * burst of failures spreads out yet every retry waits at least half its step.
 *
 * @example backoffDelay(2, { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 2000 }) // 50..100
 */
function backoffDelay(attemptsMade: number, settings: RetrySettings, random = Math.random): number {
  const step = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (attemptsMade - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}

/**
 * Whether a failed delivery is tried again, and when; or which limit it has reached.
 *
 * @example decideRetry({ errorCode: 'HANDLER_ERROR', attemptsMade: 3, maxAttempts: undefined, maxEventAgeMs: undefined, eventAgeMs: 10, settings })
 */
function decideRetry(input: RetryInput): RetryDecision {
  if (NOT_RETRIED.has(input.errorCode)) return { retry: false, exhausted: undefined };
  const maxAttempts = input.maxAttempts ?? input.settings.maxAttempts;
  if (input.attemptsMade >= maxAttempts) {
    return { retry: false, exhausted: ExhaustedRetryCondition.MaximumRetryAttempts };
  }
  const delayMs = backoffDelay(input.attemptsMade, input.settings, input.random);
  if (input.maxEventAgeMs !== undefined && input.eventAgeMs + delayMs > input.maxEventAgeMs) {
    return { retry: false, exhausted: ExhaustedRetryCondition.MaximumEventAgeInSeconds };
  }
  return { retry: true, delayMs };
}

interface DeadLetterInput {
  readonly ruleArn: string;
  readonly targetArn: string;
  readonly errorCode: DeliveryErrorCode;
  readonly errorMessage: string;
  readonly attemptsMade: number;
  readonly exhausted: ExhaustedRetryCondition | undefined;
}

/**
 * The message attributes EventBridge sets on an event it dead-letters;
 * EXHAUSTED_RETRY_CONDITION only when a retry limit ended the delivery.
 *
 * @example deadLetterAttributes({ ruleArn, targetArn, errorCode: 'HANDLER_ERROR', errorMessage: 'boom', attemptsMade: 3, exhausted: 'MaximumRetryAttempts' })
 */
function deadLetterAttributes(input: DeadLetterInput): Record<string, string> {
  return {
    RULE_ARN: input.ruleArn,
    TARGET_ARN: input.targetArn,
    ERROR_CODE: input.errorCode,
    ERROR_MESSAGE: input.errorMessage,
    ...(input.exhausted !== undefined ? { EXHAUSTED_RETRY_CONDITION: input.exhausted } : {}),
    RETRY_ATTEMPTS: String(input.attemptsMade - 1),
  };
}

export type { DeadLetterInput, RetryDecision, RetrySettings };
export {
  backoffDelay,
  DeliveryErrorCode,
  deadLetterAttributes,
  decideRetry,
  ExhaustedRetryCondition,
};
