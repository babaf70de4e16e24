import type { ResolvedConsumer } from '@txnflow/contracts';
import { Duration } from 'aws-cdk-lib';
import type { Rule } from 'aws-cdk-lib/aws-events';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RuleToQueue, type RuleToQueueProps } from './rule-to-queue.ts';

interface RuleToQueueConsumerProps extends RuleToQueueProps {
  /** The function reading the queue in batches. */
  readonly consumer: IFunction;
  /** Its batch size and batching window, as the manifest resolves them. */
  readonly batching: Pick<ResolvedConsumer, 'batchSize' | 'maxBatchingWindowSeconds'>;
}

/**
 * A rule delivering to a queue that a function consumes in batches, reporting the records
 * that failed (`ReportBatchItemFailures`) so only those are received again, and after the
 * queue's maxReceiveCount moved to its dead-letter queue.
 *
 * @example new RuleToQueueConsumer(this, 'TransactionRecordedToLedger', { ...ruleProps, consumer, batching: { batchSize: 10 } })
 */
class RuleToQueueConsumer extends Construct {
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: RuleToQueueConsumerProps) {
    super(scope, id);
    const { consumer, batching, ...ruleProps } = props;
    this.rule = new RuleToQueue(this, 'Delivery', ruleProps).rule;
    consumeQueue(consumer, props.queue, batching);
  }
}

/**
 * Makes `consumer` read `queue` through an event source mapping: batches as the manifest
 * resolves them, reporting the records that failed (`ReportBatchItemFailures`), at most
 * `maxConcurrency` invocations at once when set.
 *
 * @example consumeQueue(chunkTaskFunction, chunkQueue, { batchSize: 1, maxConcurrency: 50 });
 */
function consumeQueue(
  consumer: IFunction,
  queue: IQueue,
  batching: Pick<ResolvedConsumer, 'batchSize' | 'maxBatchingWindowSeconds' | 'maxConcurrency'>,
): void {
  const window = batching.maxBatchingWindowSeconds;
  consumer.addEventSource(
    new SqsEventSource(queue, {
      batchSize: batching.batchSize,
      ...(window !== undefined ? { maxBatchingWindow: Duration.seconds(window) } : {}),
      ...(batching.maxConcurrency !== undefined ? { maxConcurrency: batching.maxConcurrency } : {}),
      reportBatchItemFailures: true,
    }),
  );
}

export type { RuleToQueueConsumerProps };
export { consumeQueue, RuleToQueueConsumer };
