import type { EventPattern } from '@txnflow/contracts';
import { Duration } from 'aws-cdk-lib';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { toCdkEventPattern } from './event-pattern.ts';

interface RuleToFunctionProps {
  /** @default - the account's default event bus */
  readonly eventBus?: IEventBus;
  /** The manifest's pattern, as EventBridge JSON. */
  readonly eventPattern: EventPattern;
  /** Carries the manifest rule name (see `ruleDescription`). */
  readonly description: string;
  /** Invoked asynchronously; give it the same dead-letter queue for its own failures. */
  readonly handler: IFunction;
  /** Where EventBridge puts an event it could not hand to Lambda. */
  readonly deadLetterQueue: IQueue;
  /** EventBridge's attempts to hand the event over. @default 8 */
  readonly retryAttempts?: number;
  /** @default Duration.hours(6) */
  readonly maxEventAge?: Duration;
  /** Lambda's retries of a failed asynchronous invocation. @default 2 */
  readonly invocationRetryAttempts?: number;
}

/**
 * A rule invoking a function asynchronously. Two hops, each with retries and the same
 * dead-letter queue: EventBridge to Lambda (the target's retry policy and DLQ), then the
 * function's own failures (Lambda's async retries, then the function's DLQ).
 *
 * @example new RuleToFunction(this, 'HighBalanceToAlerting', { eventBus, eventPattern, description, handler, deadLetterQueue })
 */
class RuleToFunction extends Construct {
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: RuleToFunctionProps) {
    super(scope, id);
    this.rule = new Rule(this, 'Rule', {
      ...(props.eventBus ? { eventBus: props.eventBus } : {}),
      eventPattern: toCdkEventPattern(props.eventPattern),
      description: props.description,
    });
    this.rule.addTarget(
      new LambdaFunction(props.handler, {
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: props.retryAttempts ?? 8,
        maxEventAge: props.maxEventAge ?? Duration.hours(6),
      }),
    );
    props.handler.configureAsyncInvoke({
      retryAttempts: props.invocationRetryAttempts ?? 2,
      maxEventAge: props.maxEventAge ?? Duration.hours(6),
    });
  }
}

export type { RuleToFunctionProps };
export { RuleToFunction };
