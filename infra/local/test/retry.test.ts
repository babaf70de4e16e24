import { describe, expect, it } from 'vitest';
import { type DeliveryErrorCode, deadLetterAttributes, decideRetry } from '../delivery/retry.ts';

const settings = { maxAttempts: 5, baseDelayMs: 50, maxDelayMs: 2000 };
const firstFailure = (errorCode: DeliveryErrorCode) =>
  decideRetry({
    errorCode,
    attemptsMade: 1,
    maxAttempts: undefined,
    maxEventAgeMs: undefined,
    eventAgeMs: 0,
    settings,
    random: () => 0.5,
  });

describe('Function: decideRetry', () => {
  // "Event retry policy and using dead-letter queues": missing permissions and a target that
  // no longer exists go to the DLQ without retries.
  it.each(['NO_RESOURCE', 'NO_PERMISSIONS', 'INVALID_JSON', 'INVALID_PARAMETER'] as const)(
    'never retries %s, and names no exhausted limit',
    (code) => {
      expect(firstFailure(code)).toEqual({ retry: false, exhausted: undefined });
    },
  );

  it.each(['HANDLER_ERROR', 'INTERNAL_ERROR'] as const)('retries %s with backoff', (code) => {
    expect(firstFailure(code)).toEqual({ retry: true, delayMs: 38 });
  });
});

describe('Function: deadLetterAttributes', () => {
  it('leaves EXHAUSTED_RETRY_CONDITION out when no retry limit ended the delivery', () => {
    const attributes = deadLetterAttributes({
      ruleArn: 'arn:rule',
      targetArn: 'arn:target',
      errorCode: 'NO_PERMISSIONS',
      errorMessage: 'not allowed',
      attemptsMade: 1,
      exhausted: undefined,
    });

    expect(attributes).toEqual({
      RULE_ARN: 'arn:rule',
      TARGET_ARN: 'arn:target',
      ERROR_CODE: 'NO_PERMISSIONS',
      ERROR_MESSAGE: 'not allowed',
      RETRY_ATTEMPTS: '0',
    });
  });
});
