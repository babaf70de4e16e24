import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IAlarm,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

interface DeadLetterQueueProps {
  /** What lands here, for the alarm's description: `TransactionRecorded the ledger could not take`. */
  readonly contents: string;
  /**
   * How long a dead letter waits for someone to look at it (SQS allows at most 14 days).
   * @default Duration.days(14)
   */
  readonly retentionPeriod?: Duration;
}

/**
 * A dead-letter queue: encrypted, TLS only, messages kept 14 days, and an alarm as soon as
 * one message is visible, because every message here is an event that did not get through.
 * Retained when its stack deletes or replaces it: its messages are data no one has handled
 * yet (delete the queue by hand once it is drained).
 *
 * @example new DeadLetterQueue(this, 'HighBalanceToAlertingDLQ', { contents: 'alerts not recorded' })
 */
class DeadLetterQueue extends Construct {
  readonly queue: Queue;
  readonly alarm: IAlarm;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: props.retentionPeriod ?? Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.alarm = new Alarm(this, 'MessagesVisibleAlarm', {
      alarmDescription: `${id}: ${props.contents}. Look at the messages' ERROR_MESSAGE, fix, then redrive.`,
      metric: this.queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter queue (of an EventBridge rule target, a Lambda ' +
        'async invocation or a queue); a DLQ behind it would only hide failures, and its ' +
        'alarm fires on the first message instead.',
    });
  }
}

export type { DeadLetterQueueProps };
export { DeadLetterQueue };
