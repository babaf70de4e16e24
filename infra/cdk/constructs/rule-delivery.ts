import type { EventPattern, RetryPolicy } from '@txnflow/contracts';
import { Duration } from 'aws-cdk-lib';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { toCdkEventPattern } from './event-pattern.ts';

/** What every rule of a manifest has: where it listens, what it matches, how it retries. */
interface RuleDeliveryProps {
  /** @default - the account's default event bus */
  readonly eventBus?: IEventBus;
  /** The manifest's pattern, as EventBridge JSON. */
  readonly eventPattern: EventPattern;
  /** Carries the manifest rule name (see `ruleDescription`). */
  readonly description: string;
  /** Where EventBridge puts an event it could not deliver to the target. */
  readonly deadLetterQueue: IQueue;
  /** EventBridge's retries of a delivery, as the manifest resolves them. */
  readonly retryPolicy: RetryPolicy;
}

/**
 * The rule itself, named `Rule` inside `scope`.
 *
 * @example const rule = createRule(this, props);
 */
function createRule(scope: Construct, props: RuleDeliveryProps): Rule {
  return new Rule(scope, 'Rule', {
    ...(props.eventBus ? { eventBus: props.eventBus } : {}),
    eventPattern: toCdkEventPattern(props.eventPattern),
    description: props.description,
  });
}

/**
 * The target's retry policy and dead-letter queue, the same for every kind of target.
 *
 * @example rule.addTarget(new SqsQueue(queue, deliveryPolicy(props)));
 */
function deliveryPolicy(props: RuleDeliveryProps) {
  return {
    deadLetterQueue: props.deadLetterQueue,
    retryAttempts: props.retryPolicy.maximumRetryAttempts,
    maxEventAge: Duration.seconds(props.retryPolicy.maximumEventAgeSeconds),
  };
}

export type { RuleDeliveryProps };
export { createRule, deliveryPolicy };
