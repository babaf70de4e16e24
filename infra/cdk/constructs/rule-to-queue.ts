import type { Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { createRule, deliveryPolicy, type RuleDeliveryProps } from './rule-delivery.ts';

interface RuleToQueueProps extends RuleDeliveryProps {
  readonly queue: IQueue;
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
    this.rule = createRule(this, props);
    this.rule.addTarget(new SqsQueue(props.queue, deliveryPolicy(props)));
  }
}

export type { RuleToQueueProps };
export { RuleToQueue };
