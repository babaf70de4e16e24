import { Duration } from 'aws-cdk-lib';
import type { Rule } from 'aws-cdk-lib/aws-events';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { RuleToQueue, type RuleToQueueProps } from './rule-to-queue.ts';

interface RuleToQueueConsumerProps extends RuleToQueueProps {
  /** The function reading the queue in batches. */
  readonly consumer: IFunction;
  /** @default 10 */
  readonly batchSize?: number;
}

/**
 * A rule delivering to a queue that a function consumes in batches, reporting the records
 * that failed (`ReportBatchItemFailures`) so only those are received again, and after the
 * queue's maxReceiveCount moved to its dead-letter queue.
 *
 * @example new RuleToQueueConsumer(this, 'TransactionRecordedToLedger', { ...ruleProps, consumer })
 */
class RuleToQueueConsumer extends Construct {
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: RuleToQueueConsumerProps) {
    super(scope, id);
    const { consumer, batchSize, ...ruleProps } = props;
    this.rule = new RuleToQueue(this, 'Delivery', ruleProps).rule;
    consumer.addEventSource(
      new SqsEventSource(props.queue, {
        batchSize: batchSize ?? 10,
        // SQS allows batches over 10 only with a batching window of at least a second.
        ...((batchSize ?? 10) > 10 ? { maxBatchingWindow: Duration.seconds(1) } : {}),
        reportBatchItemFailures: true,
      }),
    );
  }
}

export type { RuleToQueueConsumerProps };
export { RuleToQueueConsumer };
