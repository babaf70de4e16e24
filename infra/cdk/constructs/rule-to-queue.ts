import type { EventPattern } from '@txnflow/contracts';
import { Duration } from 'aws-cdk-lib';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { toCdkEventPattern } from './event-pattern.ts';

interface RuleToQueueProps {
  /** @default - the account's default event bus */
  readonly eventBus?: IEventBus;
  /** The manifest's pattern, as EventBridge JSON. */
  readonly eventPattern: EventPattern;
  /** Carries the manifest rule name (see `ruleDescription`). */
  readonly description: string;
  readonly queue: IQueue;
  /** Where EventBridge puts an event it could not deliver to the queue. */
  readonly deadLetterQueue: IQueue;
  /** @default 8 */
  readonly retryAttempts?: number;
  /** @default Duration.hours(6) */
  readonly maxEventAge?: Duration;
}

/**
 * A rule delivering matching events to a queue, with a retry policy and a dead-letter
 * queue. The target grants EventBridge `sqs:SendMessage` on both queues through their
 * queue policies, for this rule's ARN only.
 *
 * @example new RuleToQueue(this, 'HighBalanceToCreditCollection', { eventBus, eventPattern, description, queue, deadLetterQueue })
 */
class RuleToQueue extends Construct {
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: RuleToQueueProps) {
    super(scope, id);
    this.rule = new Rule(this, 'Rule', {
      ...(props.eventBus ? { eventBus: props.eventBus } : {}),
      eventPattern: toCdkEventPattern(props.eventPattern),
      description: props.description,
    });
    this.rule.addTarget(
      new SqsQueue(props.queue, {
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: props.retryAttempts ?? 8,
        maxEventAge: props.maxEventAge ?? Duration.hours(6),
      }),
    );
  }
}

export type { RuleToQueueProps };
export { RuleToQueue };
